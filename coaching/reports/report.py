"""The report's assembly: what it reads, in a fixed number of queries, and the sheets it makes of it."""

import datetime
import io

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from registry import selectors as registry_selectors
from registry.models import Sector

from .. import selectors
from ..models import Assessment, Enrolment, Programme
from ..periods import QUARTER_NAMES, QUARTER_NUMERALS, quarter_bounds
from .budget import budget_sheet
from .cohort import cohort_sheet
from .common import Period, QuarterlyReport
from .kecamatan import kecamatan_sheet
from .monev import monev_sheet
from .registry import registry_sheet
from .sessions import sessions_sheet
from .spending import spending_sheet
from .summary import summary_sheet
from .workbook import write_workbook


def report_filename(programme: Programme, quarter: int) -> str:
    return f"laporan-triwulan-{programme.year}-{QUARTER_NUMERALS[quarter]}.xlsx"


def quarterly_workbook(
    programme: Programme, quarter: int, *, show_nik: bool, today: datetime.date | None = None
) -> bytes:
    """The workbook as bytes, for a download or a file."""
    output = io.BytesIO()
    write_workbook(quarterly_report(programme, quarter, show_nik=show_nik, today=today), output)
    return output.getvalue()


def quarterly_report(
    programme: Programme, quarter: int, *, show_nik: bool, today: datetime.date | None = None
) -> QuarterlyReport:
    """Every sheet of the quarter's report; 16 queries, however large the programme or the registry.

    realisation (5), coverage to the quarter's end and to the day before it (2), the quarter's
    sessions with their topics (2), the cohort with its assessments (2), the quarter's spending (1),
    the enrolment counts (1), the certificates issued (1), the sectors (1) and the registry (1).
    """
    today = today or timezone.localdate()
    starts_on, ends_on = quarter_bounds(programme.year, quarter)
    period = Period(QUARTER_NAMES[quarter], starts_on, ends_on)
    realisation = selectors.realisation(programme, quarter, today=today)
    # Held in the quarter = held up to its end − held up to the day before it began.
    to_end = sorted(selectors.coverage(programme, until=ends_on), key=lambda row: row.kecamatan.name)
    before = {
        row.kecamatan.pk: row
        for row in selectors.coverage(programme, until=starts_on - datetime.timedelta(days=1))
    }
    kecamatan_rows = [(row, before[row.kecamatan.pk]) for row in to_end]
    sessions = list(
        selectors.session_list()
        .filter(programme=programme, held_on__range=(starts_on, ends_on))
        .order_by("held_on", "id")
    )
    members = _cohort_at(programme, ends_on)
    spending = list(
        selectors.expenditure_list()
        .filter(budget_line__programme=programme, spent_on__range=(starts_on, ends_on))
        .order_by("spent_on", "id")
    )
    enrolments = programme.enrolments.aggregate(
        verified_in_quarter=Count(
            "id",
            filter=Q(status=Enrolment.Status.NAIK_KELAS, verified_on__range=(starts_on, ends_on)),
        ),
        cohort=Count("id", filter=selectors.STILL_IN_COHORT & Q(enrolled_on__lte=ends_on)),
    )
    issued = selectors.certificates_issued(programme, starts_on, ends_on)
    sectors = list(Sector.objects.all())
    registry = registry_selectors.registry_at(starts_on, ends_on)

    sheets = [
        summary_sheet(realisation, kecamatan_rows, enrolments, issued, registry, members, period),
        sessions_sheet(sessions, period),
        kecamatan_sheet(kecamatan_rows, period),
        cohort_sheet(members, period, show_nik=show_nik),
        budget_sheet(realisation, period),
        spending_sheet(spending, period),
        registry_sheet(registry, [row.kecamatan for row, _ in kecamatan_rows], sectors, period),
        monev_sheet(realisation, period),
    ]
    return QuarterlyReport(programme, quarter, starts_on, ends_on, today, show_nik, sheets)


def _cohort_at(programme: Programme, ends_on: datetime.date) -> list[Enrolment]:
    """The cohort as it stood at the quarter's end: enrolled by then, judged on the assessments by then."""
    assessed_by_then = Prefetch(
        "assessments",
        queryset=Assessment.objects.filter(assessed_on__lte=ends_on).order_by("assessed_on", "id"),
        # The attribute with_verdicts() reads, so the rule sees only what was known at the quarter's end.
        to_attr="ordered_assessments",
    )
    members = (
        selectors.cohort(programme)
        .filter(enrolled_on__lte=ends_on)
        .prefetch_related(None)
        .prefetch_related(assessed_by_then)
        .annotate(
            sessions_by_then=Count(
                "attendances", filter=Q(attendances__session__held_on__lte=ends_on), distinct=True
            )
        )
    )
    return selectors.with_verdicts(members)
