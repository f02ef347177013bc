"""The coaching app's complex readers: querysets with their joins, and figures as database aggregates."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from registry.formatting import rupiah, share_percent, tanggal
from registry.models import Business, Desa, Kecamatan
from registry.roles import PENDAMPING
from registry.selectors import TimelineEntry, changes_since, history_timeline, who_did

from . import rules
from .models import (
    OUTCOME_ORDER,
    Assessment,
    Association,
    Attendance,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    KecamatanPlan,
    Membership,
    Programme,
    Topic,
)
from .periods import QUARTER_NAMES, QUARTERS, quarter_bounds, quarter_of

User = get_user_model()


def may_record_for(user, pendamping_id) -> bool:
    """Staf record for every business; a pendamping only for the businesses assigned to them."""
    return user.has_perm("coaching.record_for_any_business") or (
        pendamping_id is not None
        and pendamping_id == user.pk
        and user.has_perm("coaching.add_coachingsession")
    )


def pendamping_list() -> QuerySet:
    """The field coaches, for pick lists."""
    return User.objects.filter(groups__name=PENDAMPING, is_active=True).order_by("first_name", "username")


# --- programmes ------------------------------------------------------------------------------


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.annotate(
        cohort_size=Count(
            "enrolments", filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN), distinct=True
        ),
        verified=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.NAIK_KELAS), distinct=True),
    ).order_by("-year", "name")


def programme_current(programmes=None) -> Programme | None:
    """The programme running today; else the latest one. Picked from `programmes` when given."""
    today = timezone.localdate()
    pool = list(Programme.objects.all() if programmes is None else programmes)
    running = [programme for programme in pool if programme.starts_on <= today <= programme.ends_on]
    return max(running or pool, key=lambda programme: (programme.ends_on, programme.pk), default=None)


def rule_settings(programme: Programme) -> rules.RuleSettings:
    return rules.RuleSettings(
        min_new_indicators=programme.min_new_indicators,
        turnover_growth_percent=programme.turnover_growth_percent,
    )


@dataclass
class Progress:
    cohort: int
    active: int
    verified: int
    withdrawn: int
    target: int
    sessions: int
    planned_sessions: int
    kecamatan_reached: int
    kecamatan_total: int
    attendances: int
    hours: float

    @property
    def verified_percent(self) -> int:
        return self.verified * 100 // self.target if self.target else 0


def programme_progress(programme: Programme) -> Progress:
    """Headline figures of a programme, each one aggregate query."""
    enrolments = programme.enrolments.aggregate(
        active=Count("id", filter=Q(status=Enrolment.Status.ACTIVE)),
        verified=Count("id", filter=Q(status=Enrolment.Status.NAIK_KELAS)),
        withdrawn=Count("id", filter=Q(status=Enrolment.Status.WITHDRAWN)),
    )
    sessions = programme.sessions.aggregate(
        count=Count("id"),
        minutes=Coalesce(Sum("duration_minutes"), 0),
        kecamatan=Count("kecamatan", distinct=True),
    )
    plans = programme.kecamatan_plans.aggregate(
        planned=Coalesce(Sum("planned_sessions"), 0), kecamatan=Count("id")
    )
    attendances = Attendance.objects.filter(session__programme=programme).count()
    return Progress(
        cohort=enrolments["active"] + enrolments["verified"],
        active=enrolments["active"],
        verified=enrolments["verified"],
        withdrawn=enrolments["withdrawn"],
        target=programme.naik_kelas_target,
        sessions=sessions["count"],
        planned_sessions=plans["planned"],
        kecamatan_reached=sessions["kecamatan"],
        kecamatan_total=plans["kecamatan"],
        attendances=attendances,
        hours=sessions["minutes"] / 60,
    )


STILL_IN_COHORT = ~Q(status=Enrolment.Status.WITHDRAWN)


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
        programme.enrolments.filter(STILL_IN_COHORT)
        .values("business__sector", "business__sector__name")
        .annotate(members=Count("id"))
        .order_by("-members", "business__sector__order", "business__sector__name")
    )


# --- cohort ----------------------------------------------------------------------------------

ORDERED_ASSESSMENTS = Prefetch(
    "assessments", queryset=Assessment.objects.order_by("assessed_on", "id"), to_attr="ordered_assessments"
)


def cohort(programme: Programme) -> QuerySet[Enrolment]:
    """The programme's enrolments with business, place, pendamping and assessments fetched."""
    return (
        programme.enrolments.select_related(
            "business__kecamatan", "business__desa", "business__sector", "pendamping", "programme"
        )
        .prefetch_related(ORDERED_ASSESSMENTS)
        .annotate(
            sessions_attended=Count("attendances", distinct=True),
            last_session_on=Max("attendances__session__held_on"),
        )
        .order_by("business__name", "id")
    )


def _verdict_from(enrolment: Enrolment, assessments: list[Assessment]) -> rules.Verdict:
    baseline = next((a for a in assessments if a.kind == Assessment.Kind.BASELINE), None)
    latest = assessments[-1] if assessments else None
    return rules.evaluate(baseline, latest, rule_settings(enrolment.programme))


def enrolment_verdict(enrolment: Enrolment) -> rules.Verdict:
    """The rule's verdict for one enrolment against its baseline and latest assessment."""
    assessments = getattr(enrolment, "ordered_assessments", None)
    if assessments is None:
        assessments = list(enrolment.assessments.order_by("assessed_on", "id"))
    return _verdict_from(enrolment, assessments)


def with_verdicts(enrolments) -> list[Enrolment]:
    """Attach .verdict, .baseline and .latest to enrolments fetched through cohort()."""
    rows = list(enrolments)
    for enrolment in rows:
        assessments = enrolment.ordered_assessments
        enrolment.baseline = next((a for a in assessments if a.kind == Assessment.Kind.BASELINE), None)
        enrolment.latest = assessments[-1] if assessments else None
        enrolment.verdict = _verdict_from(enrolment, assessments)
    return rows


# The rule's verdict is kept on the enrolment (coaching.verdicts), so finding candidates is a query.
CANDIDATES_WAITING = Q(status=Enrolment.Status.ACTIVE, is_candidate=True)


def candidates(programme: Programme) -> list[Enrolment]:
    """Active enrolments the rule makes candidates, waiting for a staf member to verify them."""
    return with_verdicts(cohort(programme).filter(CANDIDATES_WAITING))


def candidate_count(programme: Programme) -> int:
    return programme.enrolments.filter(CANDIDATES_WAITING).count()


def businesses_not_enrolled(programme: Programme) -> QuerySet[Business]:
    return (
        Business.objects.exclude(enrolments__programme=programme)
        .exclude(status=Business.Status.CLOSED)
        .select_related("kecamatan", "desa", "sector")
    )


# --- sessions --------------------------------------------------------------------------------


def session_list() -> QuerySet[CoachingSession]:
    return (
        CoachingSession.objects.select_related("programme", "kecamatan", "desa", "pendamping")
        .prefetch_related("topics")
        .annotate(attendee_count=Count("attendances", distinct=True))
        # Meta.ordering does not apply to a query with GROUP BY; newest first, as people expect.
        .order_by("-held_on", "-id")
    )


def session_attendees(session: CoachingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related(
        "business__kecamatan", "business__desa", "enrolment__pendamping"
    ).order_by("business__name")


def session_attendee_choices(programme: Programme, user) -> QuerySet[Enrolment]:
    """Cohort members a person may tick as present: all for staf, their own for a pendamping."""
    enrolments = (
        programme.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("business__desa", "business__kecamatan")
        .order_by("business__kecamatan__name", "business__name")
    )
    if not user.has_perm("coaching.record_for_any_business"):
        enrolments = enrolments.filter(pendamping=user)
    return enrolments


def session_changes_since(session: CoachingSession, version: int) -> list[TimelineEntry]:
    """What others saved to the session after the version a person loaded, oldest first, old → new."""
    named = session.history.filter(version__gte=version).values("pendamping_id", "recorded_by_id")
    users = {
        user.pk: who_did(user)
        for user in User.objects.filter(
            Q(pk__in=named.values("pendamping_id")) | Q(pk__in=named.values("recorded_by_id"))
        )
    }
    names = {
        "programme": dict(Programme.objects.values_list("id", "name")),
        "kecamatan": dict(Kecamatan.objects.values_list("id", "name")),
        "desa": dict(Desa.objects.values_list("id", "name")),
        "pendamping": users,
        "recorded_by": users,
    }
    topics = dict(Topic.objects.values_list("id", "name"))

    def show(field, value):
        if value in (None, "", []):
            return "—"
        if field.name == "topics":
            return ", ".join(topics.get(row["topic"], str(row["topic"])) for row in value)
        if field.name in names:
            return names[field.name].get(value, str(value))
        if field.name == "held_on":
            return tanggal(value)
        if field.name == "duration_minutes":
            return f"{value} menit"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return str(value)

    return changes_since(session, version, show=show)


def business_attendances(
    business: Business, programme: Programme | None = None
) -> tuple[list[Attendance], float]:
    """Every session the business attended (in one programme, if given), newest first, and its total hours."""
    attendances = business.attendances.select_related(
        "session__kecamatan", "session__programme", "session__pendamping"
    ).prefetch_related("session__topics")
    if programme is not None:
        attendances = attendances.filter(session__programme=programme)
    attendances = list(attendances.order_by("-session__held_on", "-session__id"))
    return attendances, sum(a.session.duration_minutes for a in attendances) / 60


# --- drives and associations -----------------------------------------------------------------


def event_list() -> QuerySet[Event]:
    return (
        Event.objects.select_related("programme", "kecamatan", "desa")
        .annotate(
            participant_count=Count("participants", distinct=True),
            issued_count=Count("participants", filter=Q(participants__outcome="terbit"), distinct=True),
        )
        .order_by("-held_on", "-id")
    )


@dataclass
class FunnelStep:
    outcome: str
    label: str
    count: int  # participants who reached at least this step
    percent: int


def event_funnel(event: Event) -> list[FunnelStep]:
    """Registered → applied → issued; a participant further along counts in every earlier step."""
    by_outcome = dict(event.participants.values_list("outcome").annotate(n=Count("id")))
    total = sum(by_outcome.values())
    labels = dict(EventParticipant.Outcome.choices)
    steps = []
    for index, outcome in enumerate(OUTCOME_ORDER):
        reached = sum(by_outcome.get(later, 0) for later in OUTCOME_ORDER[index:])
        steps.append(FunnelStep(outcome, labels[outcome], reached, reached * 100 // total if total else 0))
    return steps


def association_list() -> QuerySet[Association]:
    return (
        Association.objects.select_related("sector")
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


# --- budget and realisation ------------------------------------------------------------------

# Spending more than this many percentage points behind (or ahead of) the time elapsed is flagged.
PACE_TOLERANCE_POINTS = 10


# Lines are listed in the order of their categories (speaker fees first, other last), then by name.
LINE_ORDER = [
    Case(*(When(category=c, then=Value(i)) for i, c in enumerate(BudgetLine.Category.values))),
    "name",
]


def budget_lines(programme: Programme) -> QuerySet[BudgetLine]:
    """The programme's lines with what each has spent and how many entries it has."""
    spent = Coalesce(Sum("expenditures__amount"), 0)
    return programme.budget_lines.annotate(
        spent=spent, remaining=F("allocation") - spent, entries=Count("expenditures")
    ).order_by(*LINE_ORDER)


def expenditure_list() -> QuerySet[Expenditure]:
    return Expenditure.objects.select_related(
        "budget_line__programme", "session__kecamatan", "event", "recorded_by"
    ).order_by("-spent_on", "-id")


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


def spending_total(entries: QuerySet[Expenditure]) -> int:
    return entries.aggregate(total=Coalesce(Sum("amount"), 0))["total"]


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


def programme_spent(programme: Programme) -> int:
    return Expenditure.objects.filter(budget_line__programme=programme).aggregate(
        total=Coalesce(Sum("amount"), 0)
    )["total"]


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


def realisation(programme: Programme, quarter: int, today: datetime.date | None = None) -> Realisation:
    """Financial and physical realisation of a programme for a quarter and cumulatively to its end.

    Five queries whatever the number of lines, entries or sessions.
    """
    today = today or timezone.localdate()
    starts_on, ends_on = quarter_bounds(programme.year, quarter)
    in_quarter = Q(expenditures__spent_on__range=(starts_on, ends_on))
    to_date = Q(expenditures__spent_on__lte=ends_on)
    lines = []
    for line in programme.budget_lines.annotate(
        spent_quarter=Coalesce(Sum("expenditures__amount", filter=in_quarter), 0),
        spent_to_date=Coalesce(Sum("expenditures__amount", filter=to_date), 0),
    ).order_by(*LINE_ORDER):
        lines.append(
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
        )
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


# --- the business page -----------------------------------------------------------------------


def business_coaching_timeline(business: Business, attendances: list[Attendance]) -> list[TimelineEntry]:
    """What the programmes did with the business, as timeline entries (a fixed number of queries).

    `attendances` are the business's, as business_attendances() returns them.
    """
    entries = []
    enrolment_history = (
        Enrolment.history.filter(business_id=business.pk)
        .select_related("history_user")
        .order_by("history_date")
    )
    programmes = dict(Programme.objects.filter(enrolments__business=business).values_list("id", "name"))
    previous_status = {}
    for record in enrolment_history:
        # Shown on the day it happened in the programme (enrolled, verified), which may be earlier
        # than the day it was typed in.
        when = record.history_date
        if record.history_type == "+":
            when = record.enrolled_on
        elif record.status == Enrolment.Status.NAIK_KELAS and previous_status.get(record.id) != record.status:
            when = record.verified_on or when
        previous_status[record.id] = record.status
        entries.append(
            TimelineEntry(
                when=when,
                who=who_did(record.history_user),
                kind="enrolment",
                title=record.history_change_reason or "Data peserta diubah",
                reason=programmes.get(record.programme_id, ""),
                url=reverse("coaching:enrolment_detail", args=[record.id]),
            )
        )
    for attendance in attendances:
        session = attendance.session
        entries.append(
            TimelineEntry(
                when=session.held_on,
                who=who_did(session.pendamping),
                kind="session",
                title=f"Hadir di sesi: {session.get_kind_display()} ({session.hours:g} jam)",
                reason=f"Kec. {session.kecamatan.name}{', ' + session.venue if session.venue else ''}",
                url=session.get_absolute_url(),
            )
        )
    for assessment in Assessment.objects.filter(enrolment__business=business).select_related("recorded_by"):
        held = len(assessment.indicators_held)
        entries.append(
            TimelineEntry(
                when=assessment.assessed_on,
                who=who_did(assessment.recorded_by),
                kind="assessment",
                title=assessment.get_kind_display(),
                reason=f"Kelas {assessment.size_class_label.lower()}, {held} indikator dimiliki",
                url=reverse("coaching:enrolment_detail", args=[assessment.enrolment_id]),
            )
        )
    events = dict(Event.objects.filter(participants__business=business).values_list("id", "name"))
    for record in (
        EventParticipant.history.filter(business_id=business.pk)
        .select_related("history_user")
        .order_by("history_date")
    ):
        entries.append(
            TimelineEntry(
                when=record.outcome_on,
                who=who_did(record.history_user),
                kind="event",
                title=f"{events.get(record.event_id, 'Kegiatan fasilitasi')}: "
                f"{dict(EventParticipant.Outcome.choices)[record.outcome]}",
                reason="",
                url=reverse("coaching:event_detail", args=[record.event_id]),
            )
        )
    for membership in Membership.objects.filter(business=business).select_related(
        "association", "recorded_by"
    ):
        entries.append(
            TimelineEntry(
                when=membership.joined_on,
                who=who_did(membership.recorded_by),
                kind="association",
                title=f"Bergabung dengan {membership.association.name}",
                reason="",
                url=membership.association.get_absolute_url(),
            )
        )
    return entries


def sort_timeline(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Newest first; a dated entry (a session) sorts at the end of its day in Asia/Jakarta."""

    def key(numbered):
        position, entry = numbered
        when = entry.when
        if isinstance(when, datetime.datetime):
            when = timezone.localtime(when).replace(tzinfo=None)
        else:
            when = datetime.datetime.combine(when, datetime.time.max)
        # Entries of one source come oldest first, so on a tie the later one is the newer.
        return when, position

    return [entry for _, entry in sorted(enumerate(entries), key=key, reverse=True)]


def business_memberships(business: Business) -> QuerySet[Membership]:
    return business.memberships.select_related("association")


def certificates_issued(programme: Programme, starts_on: datetime.date, ends_on: datetime.date) -> dict:
    """NIB, halal and PIRT issued through the programme's drives, in the quarter and up to its end."""
    figures = {}
    for kind in (Event.Kind.NIB, Event.Kind.HALAL, Event.Kind.PIRT):
        figures[f"{kind}_quarter"] = Count(
            "id", filter=Q(event__kind=kind, outcome_on__range=(starts_on, ends_on))
        )
        figures[f"{kind}_to_date"] = Count("id", filter=Q(event__kind=kind, outcome_on__lte=ends_on))
    return EventParticipant.objects.filter(
        event__programme=programme, outcome=EventParticipant.Outcome.ISSUED
    ).aggregate(**figures)


# --- data to fix -------------------------------------------------------------------------------

# Each list on the "data to fix" page shows at most this many rows; its count stays exact.
FIX_ROWS_SHOWN = 100
# A cohort member who attended none of the programme's sessions in this many days needs a visit.
NOT_VISITED_DAYS = 60


def _cohort_members(programme: Programme) -> QuerySet[Enrolment]:
    """Active and naik-kelas enrolments: a withdrawn business has nothing left to fix."""
    return Enrolment.objects.filter(programme=programme).exclude(status=Enrolment.Status.WITHDRAWN)


def enrolments_without_baseline(programme: Programme) -> QuerySet[Enrolment]:
    baseline = Assessment.objects.filter(enrolment=OuterRef("pk"), kind=Assessment.Kind.BASELINE)
    return _cohort_members(programme).filter(~Exists(baseline))


def sessions_without_attendance(programme: Programme) -> QuerySet[CoachingSession]:
    return CoachingSession.objects.filter(programme=programme).filter(
        ~Exists(Attendance.objects.filter(session=OuterRef("pk")))
    )


def spending_without_receipt(programme: Programme) -> QuerySet[Expenditure]:
    """The entries the spending list shows with its "no receipt" filter on."""
    return Expenditure.objects.filter(budget_line__programme=programme, receipt_number="")


def _attendances_in_programme() -> QuerySet[Attendance]:
    # By business, not by the enrolment link: a business present as a guest before it was enrolled
    # was still visited.
    return Attendance.objects.filter(business=OuterRef("business"), session__programme=OuterRef("programme"))


def enrolments_not_visited(programme: Programme, since: datetime.date) -> QuerySet[Enrolment]:
    """Cohort members who attended none of the programme's sessions held on or after `since`."""
    recent = _attendances_in_programme().filter(session__held_on__gte=since)
    return _cohort_members(programme).filter(~Exists(recent))


def kecamatan_without_session(
    programme: Programme, starts_on: datetime.date, ends_on: datetime.date
) -> QuerySet[Kecamatan]:
    """Kecamatan where the programme held no session between the two dates."""
    held = CoachingSession.objects.filter(
        programme=programme, kecamatan=OuterRef("pk"), held_on__range=(starts_on, ends_on)
    )
    return Kecamatan.objects.filter(~Exists(held))


def _count(queryset: QuerySet) -> Subquery:
    """The number of rows of a queryset as a scalar subquery, so that several counts cost one query."""
    # COUNT as a plain function, not an aggregate, so Django adds no GROUP BY: one row, 0 when empty.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


@dataclass
class FixList:
    key: str  # the section's anchor on the page
    title: str
    count: int
    rows: list

    @property
    def hidden(self) -> int:
        """Rows counted but not shown."""
        return self.count - len(self.rows)


@dataclass
class DataToFix:
    programme: Programme
    today: datetime.date
    visits_counted_to: datetime.date  # today, or the programme's last day once it has ended
    visits_since: datetime.date
    quarter: int
    quarter_starts_on: datetime.date
    quarter_ends_on: datetime.date
    without_baseline: FixList
    sessions_without_attendance: FixList
    spending_without_receipt: FixList
    not_visited: FixList
    kecamatan_without_session: FixList
    not_visited_days = NOT_VISITED_DAYS

    @property
    def lists(self) -> list[FixList]:
        return [self.without_baseline, self.sessions_without_attendance, self.spending_without_receipt,
                self.not_visited, self.kecamatan_without_session]  # fmt: skip

    @property
    def total(self) -> int:
        return sum(fix_list.count for fix_list in self.lists)

    @property
    def quarter_name(self) -> str:
        return QUARTER_NAMES[self.quarter]

    @property
    def has_started(self) -> bool:
        return self.today >= self.programme.starts_on

    @property
    def has_ended(self) -> bool:
        return self.today > self.programme.ends_on


def data_to_fix(programme: Programme, today: datetime.date | None = None) -> DataToFix:
    """The five lists of what is missing or overdue in a programme's records (DESIGN.md §4).

    Six queries whatever the size of the programme: the five counts in one, then each list's first
    FIX_ROWS_SHOWN rows.
    """
    today = today or timezone.localdate()
    visits_counted_to = min(today, programme.ends_on)
    visits_since = visits_counted_to - datetime.timedelta(days=NOT_VISITED_DAYS)
    # The quarter running today; before the programme its first, after it its last.
    quarter = default_quarter(programme, today)
    quarter_starts_on, quarter_ends_on = quarter_bounds(programme.year, quarter)

    found = {
        "without_baseline": enrolments_without_baseline(programme),
        "sessions_without_attendance": sessions_without_attendance(programme),
        "spending_without_receipt": spending_without_receipt(programme),
        "not_visited": enrolments_not_visited(programme, visits_since),
        "kecamatan_without_session": kecamatan_without_session(programme, quarter_starts_on, quarter_ends_on),
    }
    counts = (
        Programme.objects.filter(pk=programme.pk)
        .values(**{name: _count(queryset) for name, queryset in found.items()})
        .get()
    )

    last_attended = _attendances_in_programme().order_by("-session__held_on").values("session__held_on")
    planned_here = KecamatanPlan.objects.filter(programme=programme, kecamatan=OuterRef("pk")).order_by()
    last_held_here = CoachingSession.objects.filter(programme=programme, kecamatan=OuterRef("pk"))
    shown = {
        "without_baseline": found["without_baseline"]
        .select_related("business__kecamatan", "pendamping")
        .order_by("business__name", "id"),
        "sessions_without_attendance": found["sessions_without_attendance"]
        .select_related("kecamatan", "pendamping")
        .order_by("-held_on", "-id"),
        "spending_without_receipt": found["spending_without_receipt"]
        .select_related("budget_line")
        .order_by("-spent_on", "-id"),
        # Never visited first, then the longest since the last visit.
        "not_visited": found["not_visited"]
        .select_related("business__kecamatan", "pendamping")
        .annotate(last_attended_on=Subquery(last_attended[:1]))
        .order_by(F("last_attended_on").asc(nulls_first=True), "business__name", "id"),
        # The kecamatan with the most sessions planned first: they fall furthest behind.
        "kecamatan_without_session": found["kecamatan_without_session"]
        .annotate(
            planned=Coalesce(Subquery(planned_here.values("planned_sessions")[:1]), 0),
            last_held_on=Subquery(last_held_here.order_by("-held_on").values("held_on")[:1]),
        )
        .order_by("-planned", "name"),
    }
    sections = {
        "without_baseline": ("tanpa-penilaian-awal", "Peserta tanpa penilaian awal"),
        "sessions_without_attendance": ("sesi-tanpa-daftar-hadir", "Sesi tanpa daftar hadir"),
        "spending_without_receipt": ("belanja-tanpa-kuitansi", "Belanja tanpa nomor kuitansi/SPJ"),
        "not_visited": ("lama-tanpa-sesi", f"Peserta tanpa sesi dalam {NOT_VISITED_DAYS} hari terakhir"),
        "kecamatan_without_session": (
            "kecamatan-tanpa-sesi",
            f"Kecamatan tanpa sesi di {QUARTER_NAMES[quarter]}",
        ),
    }
    return DataToFix(
        programme=programme,
        today=today,
        visits_counted_to=visits_counted_to,
        visits_since=visits_since,
        quarter=quarter,
        quarter_starts_on=quarter_starts_on,
        quarter_ends_on=quarter_ends_on,
        **{
            name: FixList(*sections[name], count=counts[name], rows=list(queryset[:FIX_ROWS_SHOWN]))
            for name, queryset in shown.items()
        },
    )
