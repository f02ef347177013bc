"""The budget: lines, spending (the list and its export), and corrections to an entry."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from registry.downloads import export_response
from registry.fields import id_or_none
from registry.formatting import rupiah, share_percent

from .. import export_builders, filters, selectors, services
from ..forms import BudgetLineForm, ExpenditureForm, ReasonForm
from ..models import Expenditure, Programme
from ..periods import QUARTER_NUMERALS
from .common import PAGE_SIZE, submitted, with_old_parameters_redirected


@permission_required("coaching.view_budgetline", raise_exception=True)
def budget(request, pk):
    programme = get_object_or_404(selectors.programmes_with_budget(), pk=pk)
    lines = list(selectors.budget_lines(programme))
    allocated, spent = programme.allocated, programme.spent
    return render(
        request,
        "coaching/budget.html",
        {
            "programme": programme,
            "lines": lines,
            "allocated": allocated,
            "unallocated": programme.budget_ceiling - allocated,
            "spent": spent,
            "remaining": allocated - spent,
            "spent_percent": share_percent(spent, allocated),
            "plan_totals": [
                (f"TW {numeral}", sum(line.plan_for(quarter) for line in lines))
                for quarter, numeral in QUARTER_NUMERALS.items()
            ],
        },
    )


@permission_required("coaching.add_budgetline", raise_exception=True)
def budget_line_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = BudgetLineForm(request.POST or None, programme=programme)
    line = submitted(
        request,
        form,
        lambda _data: services.budget_line_create(
            programme=programme, user=request.user, fields=form.model_fields
        ),
    )
    if line:
        messages.success(request, f"Mata anggaran “{line}” tercatat dengan pagu {rupiah(line.allocation)}.")
        return redirect("coaching:budget", programme.pk)
    return render(request, "coaching/budget_line_form.html", {"form": form, "programme": programme})


@permission_required("coaching.change_budgetline", raise_exception=True)
def budget_line_edit(request, pk):
    line = get_object_or_404(selectors.budget_line_list(), pk=pk)
    form = BudgetLineForm(request.POST or None, instance=line, programme=line.programme)
    if submitted(
        request,
        form,
        lambda _data: services.budget_line_update(line=line, user=request.user, fields=form.model_fields),
    ):
        messages.success(request, "Perubahan mata anggaran tersimpan.")
        return redirect("coaching:budget", line.programme_id)
    return render(
        request, "coaching/budget_line_form.html", {"form": form, "programme": line.programme, "line": line}
    )


@permission_required("coaching.view_expenditure", raise_exception=True)
@with_old_parameters_redirected
def expenditure_list(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    spending = filters.spending_filter(request.GET, programme)
    page = Paginator(spending.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/expenditure_list.html",
        {
            "programme": programme,
            "filter": spending,
            "page": page,
            "total": selectors.spending_total(spending.qs),
            "deleted": selectors.deleted_spending(programme),
        },
    )


@permission_required("coaching.add_expenditure", raise_exception=True)
def expenditure_create(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    initial = {"spent_on": min(timezone.localdate(), programme.ends_on)}
    # Opened from a session's or a drive's page, the entry starts out as paying for it.
    for field, param in (("session", "sesi"), ("event", "kegiatan"), ("budget_line", "mata_anggaran")):
        if (object_id := id_or_none(request.GET.get(param))) is not None:
            initial[field] = object_id
    form = ExpenditureForm(request.POST or None, programme=programme, initial=initial)
    expenditure = submitted(
        request, form, lambda _data: services.expenditure_add(user=request.user, fields=form.model_fields)
    )
    if expenditure:
        messages.success(
            request, f"Belanja {rupiah(expenditure.amount)} dari “{expenditure.budget_line}” tercatat."
        )
        return redirect(expenditure.session or expenditure.event or expenditure)
    return render(request, "coaching/expenditure_form.html", {"form": form, "programme": programme})


def _get_expenditure(pk) -> Expenditure:
    return get_object_or_404(selectors.expenditure_list(), pk=pk)


@permission_required("coaching.view_expenditure", raise_exception=True)
def expenditure_detail(request, pk):
    expenditure = _get_expenditure(pk)
    return render(
        request,
        "coaching/expenditure_detail.html",
        {
            "expenditure": expenditure,
            "programme": expenditure.budget_line.programme,
            "history": selectors.expenditure_history(expenditure),
        },
    )


@permission_required("coaching.change_expenditure", raise_exception=True)
def expenditure_edit(request, pk):
    expenditure = _get_expenditure(pk)
    programme = expenditure.budget_line.programme
    form = ExpenditureForm(request.POST or None, instance=expenditure, programme=programme)
    if submitted(
        request,
        form,
        lambda data: services.expenditure_update(
            expenditure=expenditure, user=request.user, fields=form.model_fields, reason=data["reason"]
        ),
    ):
        messages.success(request, "Koreksi belanja tersimpan; nilai lamanya ada di riwayat.")
        return redirect("coaching:expenditure_detail", pk)
    return render(
        request,
        "coaching/expenditure_form.html",
        {"form": form, "programme": programme, "expenditure": expenditure},
    )


@permission_required("coaching.delete_expenditure", raise_exception=True)
def expenditure_delete(request, pk):
    expenditure = _get_expenditure(pk)
    programme = expenditure.budget_line.programme
    form = ReasonForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda data: services.expenditure_delete(
            expenditure=expenditure, user=request.user, reason=data["reason"]
        ),
    ):
        messages.success(
            request, f"Belanja “{expenditure.description}” dihapus; catatannya tetap di riwayat."
        )
        return redirect("coaching:expenditure_list", programme.pk)
    return render(
        request,
        "coaching/expenditure_delete.html",
        {"form": form, "programme": programme, "expenditure": expenditure},
    )


@permission_required("coaching.view_expenditure", raise_exception=True)
@with_old_parameters_redirected
def expenditure_export(request, pk):
    return export_response(
        request,
        export_builders.expenditure_export(request.GET, user=request.user, pk=pk),
        list_url=reverse("coaching:expenditure_list", args=[pk]),
    )
