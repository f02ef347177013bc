"""The coaching lists as spreadsheets: the cohort, the sessions and a programme's spending.

Each exporter takes the list's own filtered queryset; the columns, the CSV and the xlsx writing are
shared with the registry's export (registry/exports.py, over registry/spreadsheets.py).
"""

from collections import defaultdict

from django.db.models import OuterRef, QuerySet, Subquery

from registry.exports import (
    Column,
    ListExporter,
    choice_label,
    nik_column,
    person_name,
    slug_for_file,
)
from registry.formatting import tanggal
from registry.spreadsheets import DATE, MONEY, NUMBER

from .models import Assessment, BudgetLine, CoachingSession, Enrolment, Programme


def _assessments_of_the_row():
    return Assessment.objects.filter(enrolment=OuterRef("pk"))


class CohortExporter(ListExporter):
    """A programme's cohort (coaching:cohort) with each business's baseline and latest turnover."""

    title = "Kelompok binaan"

    def __init__(self, queryset: QuerySet[Enrolment], *, user, programme: Programme):
        super().__init__(queryset, user=user)
        self.name = f"peserta-{slug_for_file(programme.name)}"

    def prepare(self, queryset):
        latest = _assessments_of_the_row().order_by("-assessed_on", "-id")
        return queryset.annotate(
            baseline_turnover=Subquery(
                _assessments_of_the_row().filter(kind=Assessment.Kind.BASELINE).values("turnover")[:1]
            ),
            latest_turnover=Subquery(latest.values("turnover")[:1]),
            latest_assessed_on=Subquery(latest.values("assessed_on")[:1]),
        )

    @property
    def columns(self) -> list[Column]:
        pendamping_fields, pendamping = person_name("pendamping")
        return [
            Column("Nama usaha", ("business__name",), width=32),
            Column("Nama pemilik", ("business__owner_name",), width=24),
            nik_column("business__owner_nik", user=self.user),
            Column("NIB", ("business__nib",), width=16),
            Column("Desa/Kelurahan", ("business__desa__name",), width=18),
            Column("Kecamatan", ("business__kecamatan__name",), width=16),
            Column("Sektor", ("business__sector__name",), width=18),
            Column("Pendamping", pendamping_fields, width=20, value=pendamping),
            Column("Tanggal masuk binaan", ("enrolled_on",), DATE, width=12),
            Column("Status", ("status",), width=12, value=choice_label("status", Enrolment.Status.choices)),
            Column("Tanggal naik kelas", ("verified_on",), DATE, width=12),
            Column("Sesi dihadiri", ("sessions_attended",), NUMBER, width=9),
            Column("Sesi terakhir", ("last_session_on",), DATE, width=12),
            Column("Omzet awal (Rp)", ("baseline_turnover",), MONEY, width=18),
            Column("Omzet terakhir (Rp)", ("latest_turnover",), MONEY, width=18),
            Column("Tanggal penilaian terakhir", ("latest_assessed_on",), DATE, width=12),
        ]


class SessionExporter(ListExporter):
    """The coaching sessions (coaching:session_list)."""

    name = "sesi-pendampingan"
    title = "Sesi pendampingan"

    def records(self):
        # A session has several topics: read them all in one query, then join them by session.
        topics = defaultdict(list)
        links = (
            CoachingSession.topics.through.objects.filter(
                coachingsession_id__in=self.queryset.order_by().values("pk")
            )
            .order_by("topic__order", "topic__name")
            .values_list("coachingsession_id", "topic__name")
        )
        for session_id, topic in links:
            topics[session_id].append(topic)
        for record in super().records():
            record["topics"] = ", ".join(topics.get(record["id"], []))
            yield record

    @property
    def columns(self) -> list[Column]:
        pendamping_fields, pendamping = person_name("pendamping")
        return [
            Column("Tanggal", ("held_on",), DATE, width=12),
            Column("Program", ("programme__name",), width=28),
            Column(
                "Jenis sesi", ("kind",), width=18, value=choice_label("kind", CoachingSession.Kind.choices)
            ),
            Column("Topik", ("id",), width=36, value=lambda row: row["topics"]),
            Column("Kecamatan", ("kecamatan__name",), width=16),
            Column("Desa/Kelurahan", ("desa__name",), width=18),
            Column("Tempat", ("venue",), width=24),
            Column("Pendamping", pendamping_fields, width=20, value=pendamping),
            Column("Narasumber luar", ("speaker",), width=20),
            Column("Durasi (menit)", ("duration_minutes",), NUMBER, width=9),
            Column("Jumlah hadir", ("attendee_count",), NUMBER, width=9),
            Column("Catatan", ("notes",), width=40),
        ]


def _paid_for(row) -> str | None:
    if row["session__held_on"]:
        return f"Sesi {tanggal(row['session__held_on'])}, Kec. {row['session__kecamatan__name']}"
    return row["event__name"]


class ExpenditureExporter(ListExporter):
    """A programme's spending (coaching:expenditure_list)."""

    title = "Belanja"

    def __init__(self, queryset, *, user, programme: Programme):
        super().__init__(queryset, user=user)
        self.name = f"belanja-{slug_for_file(programme.name)}"

    @property
    def columns(self) -> list[Column]:
        recorder_fields, recorder = person_name("recorded_by")
        return [
            Column("Tanggal", ("spent_on",), DATE, width=12),
            Column("Uraian belanja", ("description",), width=36),
            Column("Mata anggaran", ("budget_line__name",), width=28),
            Column(
                "Kategori",
                ("budget_line__category",),
                width=20,
                value=choice_label("budget_line__category", BudgetLine.Category.choices),
            ),
            Column("Jumlah (Rp)", ("amount",), MONEY, width=16),
            Column("No. kuitansi/SPJ", ("receipt_number",), width=24),
            Column(
                "Untuk",
                ("session__held_on", "session__kecamatan__name", "event__name"),
                width=32,
                value=_paid_for,
            ),
            Column("Dicatat oleh", recorder_fields, width=20, value=recorder),
        ]
