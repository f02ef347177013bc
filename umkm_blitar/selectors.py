"""Figures for the pages that sit on top of both apps: the home dashboard, coverage and a kecamatan's page."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from coaching.models import Attendance, CoachingSession, Enrolment, Expenditure, KecamatanPlan, Programme
from registry.formatting import share_percent
from registry.models import Business, Kecamatan, Sector

IN_COHORT = ~Q(status=Enrolment.Status.WITHDRAWN)


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


def coverage(programme: Programme) -> list[KecamatanCoverage]:
    """Every kecamatan of Blitar with the programme's plan and what was held there, worst-served first.

    One query. Worst-served means the lowest share of plan held; among equals, the larger shortfall.
    A kecamatan with nothing planned comes last, so no plan is never mistaken for a plan fulfilled.
    """
    sessions = CoachingSession.objects.filter(programme=programme)
    attendances = Attendance.objects.filter(session__programme=programme)
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
        cohort=_count_per_kecamatan(programme.enrolments.filter(IN_COHORT), "business__kecamatan"),
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
class MonthFigure:
    month: datetime.date
    verified: int | None  # cumulative; None for months still to come
    target_line: int


def verified_by_month(programme: Programme, today: datetime.date | None = None) -> list[MonthFigure]:
    """Naik kelas verified, cumulative by month, against a straight line from 0 to the target."""
    today = today or timezone.localdate()
    per_month = dict(
        programme.enrolments.filter(status=Enrolment.Status.NAIK_KELAS)
        .annotate(month=TruncMonth("verified_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("id"))
    )
    months, month = [], programme.starts_on.replace(day=1)
    while month <= programme.ends_on:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    figures, cumulative = [], 0
    for index, month in enumerate(months, 1):
        cumulative += per_month.get(month, 0)
        figures.append(
            MonthFigure(
                month=month,
                verified=cumulative if month <= today else None,
                target_line=round(programme.naik_kelas_target * index / len(months)),
            )
        )
    return figures


def cohort_by_sector(programme: Programme) -> list[dict]:
    """How many of the cohort (withdrawn left out) are in each sector, largest first; one query."""
    return list(
        programme.enrolments.filter(IN_COHORT)
        .values("business__sector", "business__sector__name")
        .annotate(members=Count("id"))
        .order_by("-members", "business__sector__order", "business__sector__name")
    )


# --- a kecamatan's page -------------------------------------------------------------------------


def kecamatan_desa(kecamatan: Kecamatan) -> QuerySet:
    """The kecamatan's desa and kelurahan with how many registered businesses each has."""
    return kecamatan.desa_set.annotate(registered=Count("businesses")).order_by("name")


@dataclass
class SectorClasses:
    sector: Sector
    total: int = 0
    mikro: int = 0
    kecil: int = 0
    menengah: int = 0
    unknown: int = 0


def kecamatan_registry(kecamatan: Kecamatan) -> list[SectorClasses]:
    """Businesses in the kecamatan by sector and size class, every sector listed; two queries.

    Counted from the kecamatan's own businesses (its index), never by scanning the whole registry.
    """
    counts = {
        (row["sector"], row["size_class"]): row["n"]
        for row in Business.objects.filter(kecamatan=kecamatan)
        .order_by()
        .values("sector", "size_class")
        .annotate(n=Count("id"))
    }
    rows = []
    for sector in Sector.objects.order_by("order", "name"):
        row = SectorClasses(sector)
        for (sector_id, size_class), n in counts.items():
            if sector_id == sector.pk:
                setattr(row, size_class or "unknown", getattr(row, size_class or "unknown") + n)
                row.total += n
        rows.append(row)
    return rows


def kecamatan_spending(programme: Programme, kecamatan: Kecamatan) -> QuerySet[Expenditure]:
    """Spending of the programme on sessions held in the kecamatan."""
    return (
        Expenditure.objects.filter(budget_line__programme=programme, session__kecamatan=kecamatan)
        .select_related("budget_line", "session")
        .order_by("-spent_on", "-id")
    )


def registry_total() -> int:
    return Business.objects.count()


def spending_total(entries: QuerySet[Expenditure]) -> int:
    return entries.aggregate(total=Coalesce(Sum("amount"), 0))["total"]


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
