"""Financial and physical realisation of a programme by quarter."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from registry.formatting import share_percent

from ..models import BudgetLine, Enrolment, Expenditure, Programme, SubActivity
from ..periods import QUARTER_NAMES, QUARTERS, quarter_bounds, quarter_of
from ..sipd import NOT_FILLED
from .budget import LINE_ORDER, Pace, pace


def default_quarter(programme: Programme, today: datetime.date | None = None) -> int:
    """The quarter a realisation page opens on: today's while the programme runs, else its last or first."""
    today = today or timezone.localdate()
    return quarter_of(min(max(today, programme.starts_on), programme.ends_on))


@dataclass
class LineFigures:
    """Allocation, plan and spending of one budget line (or of all of them) for a quarter."""

    name: str
    category: str
    allocation: int
    plan_quarter: int
    plan_to_date: int
    spent_quarter: int
    spent_to_date: int
    line: BudgetLine | None = None

    @property
    def remaining(self) -> int:
        return self.allocation - self.spent_to_date

    @property
    def percent(self) -> Decimal:
        return share_percent(self.spent_to_date, self.allocation)

    @property
    def quarter_percent(self) -> Decimal:
        return share_percent(self.spent_quarter, self.plan_quarter)

    @property
    def plan_to_date_percent(self) -> Decimal:
        return share_percent(self.spent_to_date, self.plan_to_date)


@dataclass
class SubActivityFigures:
    """One sub-kegiatan as e-Monev reports it: pagu, financial realisation and output, with its lines."""

    sub_activity: SubActivity | None  # None: the lines no sub-kegiatan has been filled in for yet
    lines: list[LineFigures]

    @property
    def code(self) -> str:
        return self.sub_activity.code if self.sub_activity else NOT_FILLED

    @property
    def name(self) -> str:
        return self.sub_activity.name if self.sub_activity else "Mata anggaran tanpa sub kegiatan"

    @property
    def allocation(self) -> int:
        return sum(line.allocation for line in self.lines)

    @property
    def spent_quarter(self) -> int:
        return sum(line.spent_quarter for line in self.lines)

    @property
    def spent_to_date(self) -> int:
        return sum(line.spent_to_date for line in self.lines)

    @property
    def percent(self) -> Decimal:
        return share_percent(self.spent_to_date, self.allocation)

    @property
    def output_indicator(self) -> str:
        return self.sub_activity.output_indicator if self.sub_activity else ""

    @property
    def output_unit(self) -> str:
        return self.sub_activity.output_unit if self.sub_activity else ""

    @property
    def output_target(self) -> int | None:
        return self.sub_activity.output_target if self.sub_activity else None

    @property
    def output_realised(self) -> int | None:
        return self.sub_activity.output_realised if self.sub_activity else None

    @property
    def physical_percent(self) -> Decimal | None:
        """Realised output against its target (e-Monev's realisasi fisik); none without a target."""
        if not self.sub_activity or not self.sub_activity.output_target:
            return None
        return share_percent(self.sub_activity.output_realised, self.sub_activity.output_target)


def by_sub_activity(lines: list[LineFigures]) -> list[SubActivityFigures]:
    """The lines grouped under their sub-kegiatan, in the order they come (by code, unfilled last)."""
    groups: dict[int | None, SubActivityFigures] = {}
    for row in lines:
        sub_activity = row.line.sub_activity if row.line else None
        key = sub_activity.pk if sub_activity else None
        groups.setdefault(key, SubActivityFigures(sub_activity, [])).lines.append(row)
    return list(groups.values())


@dataclass
class QuarterFigures:
    quarter: int
    name: str
    plan: int
    spent: int
    plan_cumulative: int
    spent_cumulative: int

    @property
    def percent(self) -> Decimal:
        return share_percent(self.spent, self.plan)


@dataclass
class Physical:
    sessions: int
    planned_sessions: int
    kecamatan_reached: int
    kecamatan_total: int
    verified: int
    target: int

    @property
    def sessions_percent(self) -> Decimal:
        return share_percent(self.sessions, self.planned_sessions)

    @property
    def kecamatan_percent(self) -> Decimal:
        return share_percent(self.kecamatan_reached, self.kecamatan_total)

    @property
    def verified_percent(self) -> Decimal:
        return share_percent(self.verified, self.target)

    @property
    def average_percent(self) -> Decimal:
        """The three indicators, each capped at 100 %, averaged: one physical figure for e-Monev."""
        shares = [min(p, Decimal(100)) for p in (self.sessions_percent, self.kecamatan_percent,
                                                  self.verified_percent)]  # fmt: skip
        return Decimal(int(sum(shares) * 10) // 3) / 10


@dataclass
class Realisation:
    programme: Programme
    quarter: int
    starts_on: datetime.date
    ends_on: datetime.date
    as_of: datetime.date
    lines: list[LineFigures]
    total: LineFigures
    quarters: list[QuarterFigures]
    physical: Physical
    pace: Pace
    unallocated: int = field(default=0)

    @property
    def sub_activities(self) -> list[SubActivityFigures]:
        return by_sub_activity(self.lines)

    @property
    def quarter_name(self) -> str:
        return QUARTER_NAMES[self.quarter]

    @property
    def ceiling_remaining(self) -> int:
        return self.programme.budget_ceiling - self.total.spent_to_date

    @property
    def cost_per_session(self) -> int | None:
        return self.total.spent_to_date // self.physical.sessions if self.physical.sessions else None

    @property
    def cost_per_verified(self) -> int | None:
        return self.total.spent_to_date // self.physical.verified if self.physical.verified else None


def line_figures(programme: Programme, quarter: int) -> list[LineFigures]:
    """Each line's plan and spending for the quarter and to its end, grouped by sub-kegiatan; one query."""
    starts_on, ends_on = quarter_bounds(programme.year, quarter)
    in_quarter = Q(expenditures__spent_on__range=(starts_on, ends_on))
    to_date = Q(expenditures__spent_on__lte=ends_on)
    lines = (
        programme.budget_lines.select_related("sub_activity")
        .annotate(
            spent_quarter=Coalesce(Sum("expenditures__amount", filter=in_quarter), 0),
            spent_to_date=Coalesce(Sum("expenditures__amount", filter=to_date), 0),
        )
        .order_by(F("sub_activity__code").asc(nulls_last=True), *LINE_ORDER)
    )
    return [
        LineFigures(
            name=line.name,
            category=line.get_category_display(),
            allocation=line.allocation,
            plan_quarter=line.plan_for(quarter),
            plan_to_date=sum(line.plan_for(q) for q in QUARTERS if q <= quarter),
            spent_quarter=line.spent_quarter,
            spent_to_date=line.spent_to_date,
            line=line,
        )
        for line in lines
    ]


def realisation(programme: Programme, quarter: int, today: datetime.date | None = None) -> Realisation:
    """Financial and physical realisation of a programme for a quarter and cumulatively to its end.

    Five queries whatever the number of lines, entries or sessions.
    """
    today = today or timezone.localdate()
    starts_on, ends_on = quarter_bounds(programme.year, quarter)
    lines = line_figures(programme, quarter)
    total = LineFigures(
        name="Jumlah",
        category="",
        **{key: sum(getattr(row, key) for row in lines)
           for key in ("allocation", "plan_quarter", "plan_to_date", "spent_quarter", "spent_to_date")},
    )  # fmt: skip

    by_quarter = Expenditure.objects.filter(budget_line__programme=programme).aggregate(
        **{
            f"q{q}": Coalesce(Sum("amount", filter=Q(spent_on__range=quarter_bounds(programme.year, q))), 0)
            for q in QUARTERS
        }
    )
    quarters, plan_cumulative, spent_cumulative = [], 0, 0
    for q in QUARTERS:
        plan = sum(row.line.plan_for(q) for row in lines)
        plan_cumulative += plan
        spent_cumulative += by_quarter[f"q{q}"]
        quarters.append(
            QuarterFigures(q, QUARTER_NAMES[q], plan, by_quarter[f"q{q}"], plan_cumulative, spent_cumulative)
        )

    sessions = programme.sessions.filter(held_on__lte=ends_on).aggregate(
        count=Count("id"), kecamatan=Count("kecamatan", distinct=True)
    )
    plans = programme.kecamatan_plans.aggregate(
        planned=Coalesce(Sum("planned_sessions"), 0), kecamatan=Count("id")
    )
    verified = programme.enrolments.filter(
        status=Enrolment.Status.NAIK_KELAS, verified_on__lte=ends_on
    ).count()
    physical = Physical(
        sessions=sessions["count"],
        planned_sessions=plans["planned"],
        kecamatan_reached=sessions["kecamatan"],
        kecamatan_total=plans["kecamatan"],
        verified=verified,
        target=programme.naik_kelas_target,
    )
    as_of = min(today, ends_on)
    return Realisation(
        programme=programme,
        quarter=quarter,
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=as_of,
        lines=lines,
        total=total,
        quarters=quarters,
        physical=physical,
        pace=pace(programme, total.spent_to_date, as_of),
        unallocated=programme.budget_ceiling - total.allocation,
    )
