"""The access log as a spreadsheet (admin's export), written by the registry's one writer."""

from django.utils import timezone

from registry.exports import Column, ListExporter, choice_label
from registry.spreadsheets import COUNT, TEXT

from .models import AccessLogEntry

KINDS = AccessLogEntry.Kind.choices


def business_ids(row) -> str:
    return row["business_ids"].strip(",")


def local_time(row) -> str:
    return timezone.localtime(row["at"]).strftime("%Y-%m-%d %H:%M:%S")


class AccessLogExporter(ListExporter):
    name = "catatan-akses-data-pribadi"
    title = "Catatan akses"

    @property
    def columns(self) -> list[Column]:
        return [
            Column("ID", ("id",), COUNT, width=8),
            Column("Waktu (WIB)", ("at",), TEXT, width=20, value=local_time),
            Column("Pengguna", ("username",), TEXT, width=20),
            Column("Alamat", ("address",), TEXT, width=16),
            Column("Jenis", ("kind",), TEXT, width=22, value=choice_label("kind", KINDS)),
            Column("Halaman", ("path",), TEXT, width=40),
            Column("Usaha (id)", ("business_ids",), TEXT, width=24, value=business_ids),
            Column("Saringan", ("filter",), TEXT, width=30),
            Column("Jumlah baris", ("rows",), COUNT, width=12),
            Column("Keterangan", ("note",), TEXT, width=40),
        ]
