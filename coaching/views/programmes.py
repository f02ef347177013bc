"""Programmes: the list, a programme's page, creating and editing one, its session plan."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from .. import selectors, services
from ..forms import KecamatanPlanForm, ProgrammeForm
from ..models import Programme
from .common import submitted


@permission_required("coaching.view_programme", raise_exception=True)
def programme_list(request):
    return render(request, "coaching/programme_list.html", {"programmes": selectors.programme_list()})


@permission_required("coaching.view_programme", raise_exception=True)
def programme_detail(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "coaching/programme_detail.html",
        {
            "programme": programme,
            "progress": selectors.programme_progress(programme),
            "plan_rows": selectors.coverage(programme),
            "candidate_count": selectors.candidate_count(programme),
            "events": selectors.programme_events(programme)[:10],
            "pace": selectors.pace(programme, selectors.programme_spent(programme), timezone.localdate())
            if request.user.has_perm("coaching.view_expenditure")
            else None,
        },
    )


@permission_required("coaching.add_programme", raise_exception=True)
def programme_create(request):
    today = timezone.localdate()
    form = ProgrammeForm(
        request.POST or None,
        initial={
            "year": today.year,
            "starts_on": today.replace(month=1, day=1),
            "ends_on": today.replace(month=12, day=31),
        },
    )
    programme = submitted(
        request,
        form,
        lambda data: services.programme_create(
            user=request.user, fields=form.model_fields, planned_sessions_total=data["planned_sessions_total"]
        ),
    )
    if programme:
        messages.success(request, f"Program “{programme}” dibuat. Periksa rencana sesi per kecamatan.")
        return redirect("coaching:programme_plan", programme.pk)
    return render(request, "coaching/programme_form.html", {"form": form})


@permission_required("coaching.change_programme", raise_exception=True)
def programme_edit(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if submitted(
        request,
        form,
        lambda _data: services.programme_update(
            programme=programme, user=request.user, fields=form.model_fields
        ),
    ):
        messages.success(request, "Perubahan program tersimpan.")
        return redirect(programme)
    return render(request, "coaching/programme_form.html", {"form": form, "programme": programme})


@permission_required("coaching.change_programme", raise_exception=True)
def programme_plan(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    plans = selectors.kecamatan_plans(programme)
    form = KecamatanPlanForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        services.programme_set_plan(programme=programme, user=request.user, planned=form.planned)
        messages.success(request, f"Rencana {sum(form.planned.values())} sesi di 22 kecamatan tersimpan.")
        return redirect(programme)
    return render(request, "coaching/programme_plan.html", {"form": form, "programme": programme})
