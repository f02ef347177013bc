"""The "data to fix" page: what is missing or overdue in a programme's records."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from registry.models import Kecamatan

from ..models import Assessment, Attendance, CoachingSession, Enrolment, Expenditure, KecamatanPlan, Programme
from ..periods import QUARTER_NAMES, quarter_bounds
from .realisation import default_quarter

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
