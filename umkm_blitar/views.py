"""Pages that sit on top of both apps: the dashboards, a kecamatan's page and the business page."""

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from coaching import permissions as coaching_permissions
from coaching import selectors as coaching
from coaching.filters import IN_COHORT
from coaching.models import Enrolment, Programme
from coaching.periods import QUARTER_NAMES, QUARTERS
from registry import permissions as registry_permissions
from registry import selectors as registry
from registry.formatting import MONTHS, percent
from registry.maps import kecamatan_map
from registry.models import Kecamatan

from .charts import Chart, Dataset

GREEN = "#198754"
GREY = "#6c757d"
LIGHT_GREY = "#adb5bd"


def _chosen_programme(request) -> tuple[Programme | None, list[Programme]]:
    """The programme named by ?program=, else the one running today (or the latest); and all of them."""
    programmes = list(coaching.programme_list())
    chosen = request.GET.get("program", "")
    if not chosen:
        return coaching.programme_current(programmes), programmes
    for programme in programmes:
        if str(programme.pk) == chosen:
            return programme, programmes
    raise Http404("Program tidak dikenal.")


def _with_query(url: str, **params) -> str:
    return f"{url}?{urlencode(params)}"


def _kecamatan_url(kecamatan: Kecamatan, programme: Programme) -> str:
    return _with_query(reverse("kecamatan_detail", args=[kecamatan.pk]), program=programme.pk)


def _coverage_map(programme: Programme, rows, *, by_share: bool):
    links = {row.kecamatan.code: _kecamatan_url(row.kecamatan, programme) for row in rows}
    if by_share:
        values = {row.kecamatan.code: row.share or 0 for row in rows}
        return kecamatan_map(values=values, links=links, label="dari rencana sesi", percent=True)
    values = {row.kecamatan.code: row.held for row in rows}
    return kecamatan_map(values=values, links=links, label="sesi terlaksana")


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _programme_charts(programme: Programme, realisation, rows, user) -> dict:
    """The home dashboard's charts, each label linking to the list behind its figure."""
    cohort_url = reverse("coaching:cohort", args=[programme.pk])
    sessions_url = reverse("coaching:session_list")
    months = coaching.verified_by_month(programme)
    by_name = sorted(rows, key=lambda row: row.kecamatan.name)
    sectors = coaching.cohort_by_sector(programme)
    charts = {
        "verified": Chart(
            type="line",
            labels=[MONTHS[figure.month.month - 1][:3] for figure in months],
            datasets=[
                Dataset("Naik kelas terverifikasi (kumulatif)", [figure.verified for figure in months]),
                Dataset(
                    "Garis menuju target",
                    [figure.target_line for figure in months],
                    dashed=True,
                    colour=GREY,
                ),
            ],
            links=[
                _with_query(
                    cohort_url,
                    status=Enrolment.Status.NAIK_KELAS,
                    verified_to=_month_end(figure.month).isoformat(),
                )
                for figure in months
            ],
        ),
        "kecamatan": Chart(
            type="bar",
            horizontal=True,
            labels=[row.kecamatan.name for row in by_name],
            datasets=[
                Dataset("Terlaksana", [row.held for row in by_name]),
                Dataset("Rencana", [row.planned for row in by_name], colour=LIGHT_GREY),
            ],
            links=[
                _with_query(sessions_url, program=programme.pk, kecamatan=row.kecamatan.pk) for row in by_name
            ],
        ),
        "sectors": Chart(
            type="bar",
            horizontal=True,
            labels=[row["business__sector__name"] for row in sectors],
            datasets=[Dataset("Peserta binaan", [row["members"] for row in sectors])],
            links=[
                _with_query(cohort_url, status=IN_COHORT, sector=row["business__sector"]) for row in sectors
            ],
        ),
    }
    if user.has_perm("coaching.view_expenditure"):
        spending_url = reverse("coaching:expenditure_list", args=[programme.pk])
        charts["spending"] = Chart(
            type="bar",
            money=True,
            labels=[QUARTER_NAMES[q] for q in QUARTERS],
            datasets=[
                Dataset("Rencana", [figure.plan for figure in realisation.quarters], colour=LIGHT_GREY),
                Dataset("Realisasi", [figure.spent for figure in realisation.quarters], colour=GREEN),
            ],
            links=[_with_query(spending_url, triwulan=q) for q in QUARTERS],
        )
    return charts


def _programme_dashboard(programme: Programme, user) -> dict:
    realisation = coaching.realisation(programme, QUARTERS[-1])
    rows = coaching.coverage(programme)
    pace = realisation.pace
    return {
        "totals": coaching.coverage_totals(rows),
        "realisation": realisation,
        "physical": realisation.physical,
        "candidate_count": coaching.candidate_count(programme),
        "budget_note": f"Waktu berjalan {percent(pace.elapsed_percent)} · {pace.label}",
        "kecamatan_total": len(rows),
        "map": _coverage_map(programme, rows, by_share=False),
        "charts": _programme_charts(programme, realisation, rows, user),
        "cohort_url": reverse("coaching:cohort", args=[programme.pk]),
    }


@permission_required("registry.view_business", raise_exception=True)
def home(request):
    user = request.user
    programme, programmes = _chosen_programme(request)
    context = {
        "summary": registry.registry_summary(),
        "today": timezone.localdate(),
        "programme": programme,
        "programmes": programmes,
    }
    if programme and user.has_perm("coaching.view_programme"):
        context.update(_programme_dashboard(programme, user))
    if programme and coaching_permissions.is_field_coach(user):
        # A pendamping's own work comes first: their businesses and their latest sessions.
        context["my_enrolments"] = coaching.for_status_badges(coaching.pendamping_cohort(programme, user))
        context["my_sessions"] = coaching.pendamping_sessions(user)[:5]
    return render(request, "dashboard/home.html", context)


@permission_required("registry.view_business", raise_exception=True)
def business_detail(request, pk):
    business = registry_permissions.get_business_for_user(request.user, pk)
    show_nik = registry_permissions.nik_shown_whole(request, business)
    timeline = registry.business_timeline(business, show_nik=show_nik)
    attendances, hours = [], 0
    if request.user.has_perm("coaching.view_coachingsession"):
        attendances, hours = coaching.business_attendances(business)
        timeline += coaching.business_coaching_timeline(business, attendances)
    return render(
        request,
        "registry/business_detail.html",
        {
            "business": business,
            "decision": business.size_decision,
            "timeline": coaching.sort_timeline(timeline),
            "kbli_title": registry.kbli_title(business.kbli_code),
            "enrolments": coaching.business_enrolments(business),
            "attendances": attendances,
            "hours": hours,
        },
    )


@permission_required("coaching.view_programme", raise_exception=True)
def coverage(request):
    programme, programmes = _chosen_programme(request)
    if programme is None:
        return render(request, "dashboard/coverage.html", {"programme": None})
    rows = coaching.coverage(programme)
    by_share = request.GET.get("warna") != "sesi"
    return render(
        request,
        "dashboard/coverage.html",
        {
            "programme": programme,
            "programmes": programmes,
            "rows": rows,
            "totals": coaching.coverage_totals(rows),
            "map": _coverage_map(programme, rows, by_share=by_share),
            "by_share": by_share,
        },
    )


@permission_required("registry.view_business", raise_exception=True)
def kecamatan_detail(request, pk):
    kecamatan = get_object_or_404(Kecamatan, pk=pk)
    user = request.user
    programme, programmes = _chosen_programme(request)
    context = {
        "kecamatan": kecamatan,
        "programme": programme,
        "programmes": programmes,
        "desa_rows": registry.kecamatan_desa(kecamatan),
        "sector_rows": (sector_rows := registry.kecamatan_registry(kecamatan)),
        "registry_total": sum(row.total for row in sector_rows),
    }
    if programme and user.has_perm("coaching.view_programme"):
        context["coverage"] = next(
            row for row in coaching.coverage(programme) if row.kecamatan.pk == kecamatan.pk
        )
        context["members"] = coaching.for_status_badges(coaching.kecamatan_cohort(programme, kecamatan))
        context["sessions"] = coaching.kecamatan_sessions(programme, kecamatan)
        if user.has_perm("coaching.view_expenditure"):
            spending = coaching.kecamatan_spending(programme, kecamatan)
            context["spending"] = spending
            context["spending_total"] = coaching.spending_total(spending)
    return render(request, "dashboard/kecamatan_detail.html", context)
