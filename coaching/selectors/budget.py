"""Budget lines, spending and its pace against time."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from registry.formatting import rupiah, share_percent, tanggal
from registry.models import Kecamatan
from registry.selectors import TimelineEntry, history_timeline

from ..models import BudgetLine, CoachingSession, Event, Expenditure, Programme, SubActivity

PACE_TOLERANCE_POINTS = 10


# Lines are listed in the order of their categories (speaker fees first, other last), then by name.
LINE_ORDER = [
    Case(*(When(category=c, then=Value(i)) for i, c in enumerate(BudgetLine.Category.values))),
    "name",
]


# What a set of entries adds up to; summed over a line's expenditures, what the line has spent.
SPENT = Coalesce(Sum("amount"), 0)


def budget_lines(programme: Programme) -> QuerySet[BudgetLine]:
    """The programme's lines with what each has spent and how many entries it has."""
    spent = Coalesce(Sum("expenditures__amount"), 0)
    return (
        programme.budget_lines.select_related("sub_activity")
        .annotate(spent=spent, remaining=F("allocation") - spent, entries=Count("expenditures"))
        .order_by(*LINE_ORDER)
    )


def sub_activities(programme: Programme) -> QuerySet[SubActivity]:
    """The programme's sub-kegiatan by code, with the pagu of their lines and how many lines they have."""
    return programme.sub_activities.annotate(
        allocation=Coalesce(Sum("budget_lines__allocation"), 0), line_count=Count("budget_lines")
    ).order_by("code")


def sub_activity_list() -> QuerySet[SubActivity]:
    return SubActivity.objects.select_related("programme")


def budget_line_list() -> QuerySet[BudgetLine]:
    return BudgetLine.objects.select_related("programme")


def expenditure_list() -> QuerySet[Expenditure]:
    return Expenditure.objects.select_related(
        "budget_line__programme", "session__kecamatan", "event", "recorded_by"
    ).order_by("-spent_on", "-id")


def programme_spending(programme: Programme) -> QuerySet[Expenditure]:
    """Everything spent from the programme's lines, newest first, with what it paid for joined."""
    return expenditure_list().filter(budget_line__programme=programme)


def spending_total(entries: QuerySet[Expenditure]) -> int:
    """The one spending total: the sum of the entries' amounts, in SQL, 0 when there are none."""
    return entries.aggregate(total=SPENT)["total"]


def programme_spent(programme: Programme) -> int:
    return spending_total(Expenditure.objects.filter(budget_line__programme=programme))


def _summed_per_programme(queryset: QuerySet, programme_path: str, amount: str) -> Coalesce:
    """A subquery summing `amount` over the rows of the outer programme (0 when none)."""
    summed = (
        queryset.filter(**{programme_path: OuterRef("pk")})
        .order_by()
        .values(programme_path)
        .annotate(total=Sum(amount))
        .values("total")
    )
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def programmes_with_budget() -> QuerySet[Programme]:
    """Programmes with what their lines allocate and what was spent from them, summed in SQL."""
    return Programme.objects.annotate(
        allocated=_summed_per_programme(BudgetLine.objects.all(), "programme", "allocation"),
        spent=_summed_per_programme(Expenditure.objects.all(), "budget_line__programme", "amount"),
    )


def deleted_spending(programme: Programme) -> QuerySet:
    """Spending an admin deleted from the programme, as its history keeps it, newest first."""
    return (
        Expenditure.history.filter(history_type="-", budget_line_id__in=programme.budget_lines.values("id"))
        .select_related("history_user")
        .order_by("-history_date")
    )


def spending_on(target: CoachingSession | Event) -> tuple[list[Expenditure], int]:
    """What was spent on a session or a drive, and the total."""
    entries = list(target.expenditures.select_related("budget_line").order_by("spent_on", "id"))
    return entries, sum(entry.amount for entry in entries)


def kecamatan_spending(programme: Programme, kecamatan: Kecamatan) -> QuerySet[Expenditure]:
    """Spending of the programme on sessions held in the kecamatan."""
    return (
        Expenditure.objects.filter(budget_line__programme=programme, session__kecamatan=kecamatan)
        .select_related("budget_line", "session")
        .order_by("-spent_on", "-id")
    )


@dataclass
class Pace:
    """Spending measured against the share of the programme's time that has passed."""

    spent: int
    ceiling: int
    elapsed_percent: Decimal

    @property
    def spent_percent(self) -> Decimal:
        return share_percent(self.spent, self.ceiling)

    @property
    def gap(self) -> Decimal:
        return self.spent_percent - self.elapsed_percent

    @property
    def gap_points(self) -> Decimal:
        return abs(self.gap)

    @property
    def status(self) -> str:
        if self.gap < -PACE_TOLERANCE_POINTS:
            return "tertinggal"
        if self.gap > PACE_TOLERANCE_POINTS:
            return "mendahului"
        return "sejalan"

    @property
    def label(self) -> str:
        return {
            "tertinggal": "Tertinggal dari waktu",
            "mendahului": "Lebih cepat dari waktu",
            "sejalan": "Sejalan dengan waktu",
        }[self.status]


def elapsed_percent(programme: Programme, as_of: datetime.date) -> Decimal:
    """How much of the programme's days have passed by the end of `as_of` (Asia/Jakarta dates)."""
    days = (programme.ends_on - programme.starts_on).days + 1
    passed = (min(as_of, programme.ends_on) - programme.starts_on).days + 1
    return share_percent(max(passed, 0), days)


def pace(programme: Programme, spent: int, as_of: datetime.date) -> Pace:
    return Pace(spent, programme.budget_ceiling, elapsed_percent(programme, as_of))


def expenditure_history(expenditure: Expenditure) -> list[TimelineEntry]:
    """The entry as recorded and every correction to it (old → new), newest first."""
    records = list(expenditure.history.select_related("history_user").order_by("history_date", "history_id"))
    lines = dict(
        BudgetLine.objects.filter(programme_id=expenditure.budget_line.programme_id)
        .order_by()
        .values_list("id", "name")
    )
    session_ids = {record.session_id for record in records if record.session_id}
    event_ids = {record.event_id for record in records if record.event_id}
    sessions = CoachingSession.objects.filter(pk__in=session_ids).select_related("kecamatan")
    related = {
        "budget_line": lines,
        "session": {session.pk: str(session) for session in sessions},
        "event": dict(Event.objects.filter(pk__in=event_ids).values_list("id", "name")),
    }
    fields = [
        f for f in Expenditure._meta.concrete_fields if f.name not in ("id", "recorded_by", "created_at")
    ]

    def show(field, value):
        if value in (None, ""):
            return "—"
        if field.name in related:
            return related[field.name].get(value, str(value))
        if field.name == "amount":
            return rupiah(value)
        if field.name == "spent_on":
            return tanggal(value)
        return str(value)

    return history_timeline(
        records, fields=fields, show=show, titles={"+": "Dicatat", "-": "Dihapus", "~": "Dikoreksi"}
    )
