"""Coverage: sessions planned against held, kecamatan by kecamatan."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from registry.formatting import share_percent
from registry.models import Kecamatan

from ..models import Attendance, CoachingSession, KecamatanPlan, Programme
from .cohort import STILL_IN_COHORT


def _count_per_kecamatan(queryset: QuerySet, kecamatan_path: str, count: str = "id") -> Subquery:
    """A subquery counting `queryset` rows in the outer kecamatan (0 when none)."""
    counted = (
        queryset.filter(**{kecamatan_path: OuterRef("pk")})
        .order_by()
        .values(kecamatan_path)
        .annotate(n=Count(count, distinct=count != "id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass
class KecamatanCoverage:
    """Planned against held sessions, and who took part, in one kecamatan for one programme."""

    kecamatan: Kecamatan
    planned: int
    held: int
    attendances: int
    businesses: int
    cohort: int

    @property
    def share(self) -> Decimal | None:
        """Held as a share of plan; None when nothing was planned there."""
        return share_percent(self.held, self.planned) if self.planned else None

    @property
    def shortfall(self) -> int:
        return max(self.planned - self.held, 0)


def coverage(programme: Programme, until: datetime.date | None = None) -> list[KecamatanCoverage]:
    """Every kecamatan of Blitar with the programme's plan and what was held there, worst-served first.

    One query. Worst-served means the lowest share of plan held; among equals, the larger shortfall.
    A kecamatan with nothing planned comes last, so no plan is never mistaken for a plan fulfilled.
    With `until`, only sessions held and businesses enrolled on or before that day count (a quarterly
    report's "up to the quarter's end"); the plan is the programme's, whatever the day.
    """
    sessions = CoachingSession.objects.filter(programme=programme)
    attendances = Attendance.objects.filter(session__programme=programme)
    enrolments = programme.enrolments.filter(STILL_IN_COHORT)
    if until is not None:
        sessions = sessions.filter(held_on__lte=until)
        attendances = attendances.filter(session__held_on__lte=until)
        enrolments = enrolments.filter(enrolled_on__lte=until)
    rows = Kecamatan.objects.annotate(
        planned=Coalesce(
            Subquery(
                KecamatanPlan.objects.filter(programme=programme, kecamatan=OuterRef("pk")).values(
                    "planned_sessions"
                )[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        held=_count_per_kecamatan(sessions, "kecamatan"),
        attendances=_count_per_kecamatan(attendances, "session__kecamatan"),
        businesses_coached=_count_per_kecamatan(attendances, "session__kecamatan", count="business"),
        cohort=_count_per_kecamatan(enrolments, "business__kecamatan"),
    ).order_by("name")
    result = [
        KecamatanCoverage(
            kecamatan=row,
            planned=row.planned,
            held=row.held,
            attendances=row.attendances,
            businesses=row.businesses_coached,
            cohort=row.cohort,
        )
        for row in rows
    ]
    result.sort(key=lambda row: (row.share is None, row.share or 0, -row.shortfall, row.kecamatan.name))
    return result


@dataclass
class CoverageTotals:
    planned: int
    held: int
    attendances: int
    cohort: int
    reached: int  # kecamatan with at least one session held

    @property
    def share(self) -> Decimal | None:
        return share_percent(self.held, self.planned) if self.planned else None


COVERAGE_SUMS = ("planned", "held", "attendances", "cohort")


def coverage_totals(rows: list[KecamatanCoverage]) -> CoverageTotals:
    """The sums of the 22 rows coverage() already fetched."""
    return CoverageTotals(
        **{key: sum(getattr(row, key) for row in rows) for key in COVERAGE_SUMS},
        reached=sum(1 for row in rows if row.held),
    )
