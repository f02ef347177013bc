"""Everything the app holds about one person (by NIK), in one workbook: the answer to an access request.

Rows are chosen by the person's NIK: their businesses and the history rows that carry their NIK (an
earlier owner's rows are someone else's), and what hangs on those businesses (enrolments, their
history, assessments, attendance, drives, associations), the access log's entries about them with
other businesses' ids left out, and the person's own requests.
"""

from collections.abc import Iterable

from django.db import models

from coaching.models import Assessment, Attendance, Enrolment, EventParticipant, Membership
from registry.models import Business
from registry.spreadsheets import Column, Spreadsheet, Table

from .models import AccessLogEntry, SubjectRequest


def _cell(row, field):
    value = getattr(row, field.name)
    if value is None or value == "":
        return None
    if isinstance(field, models.ForeignKey) or field.choices:
        display = getattr(row, f"get_{field.name}_display", None)
        return display() if display and field.choices else str(value)
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(field, models.FileField):
        return value.name
    return str(value)


def model_sheet(queryset: models.QuerySet, *, exclude: Iterable[str] = ()) -> Table:
    """Every concrete field of the rows, headed by its Indonesian verbose name."""
    fields = [field for field in queryset.model._meta.concrete_fields if field.name not in set(exclude)]
    related = [field.name for field in fields if isinstance(field, models.ForeignKey)]
    rows = queryset.select_related(*related)
    columns = [Column(str(field.verbose_name).capitalize(), width=18) for field in fields]
    return Table(columns, ([_cell(row, field) for field in fields] for row in rows))


def access_sheet(business_ids: list[int]) -> Table:
    mine = {str(pk) for pk in business_ids}
    columns = [
        Column(name, width=20) for name in ("Waktu", "Pengguna", "Jenis", "Usaha (id)", "Jumlah baris")
    ]
    rows = (
        [
            entry.at.isoformat(),
            entry.username,
            entry.get_kind_display(),
            ", ".join(pk for pk in entry.business_ids.strip(",").split(",") if pk in mine),
            "" if entry.rows is None else str(entry.rows),
        ]
        for entry in AccessLogEntry.objects.about_businesses(business_ids).order_by("at", "pk")
    )
    return Table(columns, rows)


def personal_data_sheets(nik: str) -> list[tuple[str, Table]]:
    businesses = Business.objects.filter(owner_nik=nik)
    ids = list(businesses.values_list("pk", flat=True))
    return [
        ("Usaha", model_sheet(businesses.order_by("pk"))),
        ("Riwayat usaha", model_sheet(Business.history.filter(owner_nik=nik).order_by("id", "history_id"))),
        ("Peserta program", model_sheet(Enrolment.objects.filter(business__in=ids).order_by("pk"))),
        (
            "Riwayat peserta",
            model_sheet(Enrolment.history.filter(business_id__in=ids).order_by("history_id")),
        ),
        ("Penilaian", model_sheet(Assessment.objects.filter(enrolment__business__in=ids).order_by("pk"))),
        ("Kehadiran", model_sheet(Attendance.objects.filter(business__in=ids).order_by("pk"))),
        (
            "Kegiatan fasilitasi",
            model_sheet(EventParticipant.objects.filter(business__in=ids).order_by("pk")),
        ),
        ("Asosiasi", model_sheet(Membership.objects.filter(business__in=ids).order_by("pk"))),
        ("Catatan akses", access_sheet(ids)),
        ("Permintaan", model_sheet(SubjectRequest.objects.filter(nik=nik).order_by("pk"))),
    ]


def write_personal_data(nik: str, output) -> list[int]:
    """Write the person's workbook to `output`; the ids of their businesses."""
    with Spreadsheet(output) as spreadsheet:
        for name, table in personal_data_sheets(nik):
            spreadsheet.add_sheet(name).table(0, table)
    return list(Business.objects.filter(owner_nik=nik).values_list("pk", flat=True))
