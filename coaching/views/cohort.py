"""A programme's cohort: the list and its export, enrolling businesses, the candidates."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from registry.downloads import export_response

from .. import export_builders, filters, selectors, services
from ..forms import EnrolForm
from ..models import Programme
from .common import PAGE_SIZE, PICK_LIMIT, business_search, picked, submitted


@permission_required("coaching.view_enrolment", raise_exception=True)
def cohort(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    cohort_filter = filters.cohort_filter(request.GET, programme)
    rows = selectors.for_status_badges(cohort_filter.qs)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/cohort.html",
        {
            "programme": programme,
            "filter": cohort_filter,
            "page": page,
            "progress": selectors.programme_progress(programme),
        },
    )


@permission_required("coaching.view_enrolment", raise_exception=True)
def my_businesses(request):
    programme = selectors.programme_current()
    if programme is None:
        raise Http404("Belum ada program.")
    return redirect(f"{reverse('coaching:cohort', args=[programme.pk])}?pendamping={request.user.pk}")


@permission_required("coaching.add_enrolment", raise_exception=True)
def enrol(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    candidates = selectors.businesses_not_enrolled(programme)
    search, results = business_search(request, candidates)
    default_day = min(max(timezone.localdate(), programme.starts_on), programme.ends_on)
    form = EnrolForm(
        request.POST or None, initial={"enrolled_on": default_day}, choices=request.POST.getlist("business")
    )
    enrolments = submitted(
        request,
        form,
        lambda data: services.enrolment_create_many(
            programme=programme,
            businesses=picked(data),
            pendamping=data["pendamping"],
            user=request.user,
            enrolled_on=data["enrolled_on"],
        ),
    )
    if enrolments:
        messages.success(request, f"{len(enrolments)} usaha masuk kelompok binaan {programme}.")
        return redirect(f"{reverse('coaching:enrol', args=[programme.pk])}?{request.GET.urlencode()}")
    return render(
        request,
        "coaching/enrol.html",
        {"programme": programme, "search": search, "results": results, "form": form, "limit": PICK_LIMIT},
    )


@permission_required("coaching.view_enrolment", raise_exception=True)
def candidate_list(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "coaching/candidate_list.html",
        {"programme": programme, "candidates": selectors.candidates(programme)},
    )


@permission_required("coaching.view_enrolment", raise_exception=True)
def cohort_export(request, pk):
    return export_response(
        request,
        export_builders.cohort_export(request.GET, user=request.user, pk=pk),
        list_url=reverse("coaching:cohort", args=[pk]),
    )
