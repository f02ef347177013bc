"""Writing lists out to spreadsheets: what every export shares.

After pretix's `base/exporter.py`: one exporter class per list says what its columns are and
yields its rows (header first) from a queryset; a CSV writer that streams and the project's one
spreadsheet writer (registry.spreadsheets) turn those rows into files. Neither holds the list in
memory, so the whole registry (a million rows) goes out in bounded memory: the rows come from
`.values()` with the joins in the one query, read through `.iterator(chunk_size=2000)` (a
server-side cursor on PostgreSQL).
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from . import spreadsheets
from .formatting import mask_nik
from .models import Business
from .permissions import may_see_nik
from .sizes import SIZE_CLASS_LABELS
from .spreadsheets import DATE, IDENTIFIER, MONEY, NUMBER, TEXT, neutralise

# --- columns and exporters -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an export: its Indonesian header, the values() fields it reads, how to make its cell.

    Without `value`, the cell is the row's first field as it comes from the database.
    """

    header: str
    fields: tuple[str, ...]
    kind: str = TEXT
    width: int = 16
    value: Callable[[dict], Any] | None = field(default=None, compare=False)

    def cell(self, row: dict):
        return self.value(row) if self.value else row[self.fields[0]]


def choice_label(name: str, choices) -> Callable[[dict], str]:
    """A cell showing a choice field's label ("Aktif") rather than its stored value ("aktif")."""
    labels = dict(choices)
    return lambda row: labels.get(row[name], row[name])


def yes_no(name: str) -> Callable[[dict], str]:
    return lambda row: "Ya" if row[name] else "Tidak"


def person_name(prefix: str) -> tuple[tuple[str, ...], Callable[[dict], str | None]]:
    """The fields and the cell of a person's full name, else their login (as the `nama` filter shows it)."""
    fields = (f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username")

    def value(row):
        first, last, username = (row[name] for name in fields)
        if username is None:
            return None
        return f"{first} {last}".strip() or username

    return fields, value


def nik_column(field_name: str, *, user) -> Column:
    """NIK whole for those allowed to see it (admin, staf), masked for everyone else (UU 27/2022)."""
    if may_see_nik(user):
        return Column("NIK pemilik", (field_name,), IDENTIFIER, width=19)
    return Column(
        "NIK pemilik",
        (field_name,),
        IDENTIFIER,
        width=19,
        value=lambda row: mask_nik(row[field_name]) if row[field_name] else None,
    )


class ListExporter:
    """One list's export: `name` for its file, `title` for its sheet, `columns`, and rows from a queryset.

    The queryset is the list's own filtered queryset (the FilterSet's `.qs`), so an export holds
    exactly the rows of the current filter, in the list's order, across all its pages.
    """

    name = ""
    title = ""
    chunk_size = 2000

    def __init__(self, queryset: QuerySet, *, user):
        self.queryset = queryset
        self.user = user

    @property
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def filename(self, extension: str) -> str:
        return f"{self.name}-{timezone.localdate().isoformat()}.{extension}"

    def prepare(self, queryset: QuerySet) -> QuerySet:
        """Room for a subclass to annotate what its columns read."""
        return queryset

    def records(self) -> Iterable[dict]:
        fields = list(dict.fromkeys(name for column in self.columns for name in column.fields))
        # values() joins what the columns read into the one query; prefetching does not apply to it.
        queryset = self.prepare(self.queryset.prefetch_related(None))
        return queryset.values(*fields).iterator(chunk_size=self.chunk_size)

    def rows(self) -> Iterator[list]:
        """The header, then one list of typed cells (text, int, date or None) per row."""
        columns = self.columns
        yield [column.header for column in columns]
        for record in self.records():
            yield [column.cell(record) for column in columns]


def slug_for_file(text: str, length: int = 40) -> str:
    return slugify(text)[:length].strip("-")


# --- CSV -------------------------------------------------------------------------------------

# Comma-separated, UTF-8 with a byte-order mark: the BOM makes Excel read "Ma’ruf" or
# "Kopi — Robusta" as UTF-8 rather than in the Windows code page; the comma is RFC 4180's and the
# default of LibreOffice, pandas and import tools. Money goes out as plain integers and nothing has
# decimals, so a comma never clashes with a number. Excel set to Indonesian (list separator ";")
# may put a comma file in one column on a double-click, and it reads a NIK or NIB as a number and
# drops digits: the .xlsx is the file for Excel (those cells are text there), the CSV for other programs.
CSV_DELIMITER = ","
CSV_ROWS_PER_CHUNK = 500


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value) if isinstance(value, str) else str(value)


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """The CSV text in chunks of some hundred rows (one chunk per row would mean a million writes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer.write("\ufeff")
    for number, row in enumerate(rows, 1):
        writer.writerow([csv_cell(value) for value in row])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- xlsx ------------------------------------------------------------------------------------

# Excel's last row; a longer list cannot go into one sheet (the CSV has no such limit).
XLSX_MAX_ROWS = 1_048_576
# xlsxwriter writes about 10.000 rows a second here: past this many the file would not be ready
# within a web server's 30-second timeout, so the person is offered the CSV, which streams.
XLSX_WEB_ROWS = 200_000


def write_xlsx(exporter: ListExporter, output) -> int:
    """Write the export to `output` as an .xlsx, row by row; returns the number of data rows.

    The spreadsheet writer's list look works in constant memory: xlsxwriter flushes each row to a
    temporary file as soon as the next one starts, so memory does not grow with the rows.
    """
    rows = exporter.rows()
    next(rows)  # the header, which the writer takes from the columns
    columns = [spreadsheets.Column(column.header, column.kind, column.width) for column in exporter.columns]
    with spreadsheets.Spreadsheet(output) as spreadsheet:
        sheet = spreadsheet.add_sheet(exporter.title[:31])
        place = sheet.table(0, spreadsheets.Table(columns, rows), freeze_columns=0, row_limit=XLSX_MAX_ROWS)
    return place.rows


# --- the registry list -----------------------------------------------------------------------


class BusinessExporter(ListExporter):
    """The registry list (registry:business_list) with every field a Dinas spreadsheet keeps."""

    name = "registri-umkm"
    title = "Registri UMKM"

    @property
    def columns(self) -> list[Column]:
        return [
            Column("ID", ("id",), NUMBER, width=8),
            Column("Nama usaha", ("name",), width=32),
            Column("Nama pemilik", ("owner_name",), width=24),
            nik_column("owner_nik", user=self.user),
            Column(
                "Jenis kelamin pemilik",
                ("owner_gender",),
                width=12,
                value=choice_label("owner_gender", Business.Gender.choices),
            ),
            Column("No. HP", ("phone",), IDENTIFIER, width=15),
            Column("NIB", ("nib",), IDENTIFIER, width=16),
            Column("Alamat", ("address",), width=32),
            Column("Desa/Kelurahan", ("desa__name",), width=18),
            Column("Kecamatan", ("kecamatan__name",), width=16),
            Column("Sektor", ("sector__name",), width=18),
            Column("KBLI", ("kbli_code",), IDENTIFIER, width=8),
            Column("Tahun berdiri", ("year_founded",), NUMBER, width=9),
            Column("Tanggal masuk registri", ("registered_on",), DATE, width=12),
            Column("Tenaga kerja", ("employees",), NUMBER, width=9),
            Column("Omzet per tahun (Rp)", ("turnover",), MONEY, width=18),
            Column("Modal usaha (Rp)", ("capital",), MONEY, width=18),
            Column(
                "Kelas usaha",
                ("size_class",),
                width=12,
                value=lambda row: SIZE_CLASS_LABELS.get(row["size_class"], "Belum diketahui"),
            ),
            Column("PIRT", ("has_pirt",), width=7, value=yes_no("has_pirt")),
            Column("Halal", ("has_halal",), width=7, value=yes_no("has_halal")),
            Column("BPOM", ("has_bpom",), width=7, value=yes_no("has_bpom")),
            Column("Merek/HKI", ("has_brand",), width=7, value=yes_no("has_brand")),
            Column("Jualan daring", ("sells_online",), width=8, value=yes_no("sells_online")),
            Column("Pembiayaan bank/KUR", ("has_financing",), width=10, value=yes_no("has_financing")),
            Column("Status", ("status",), width=11, value=choice_label("status", Business.Status.choices)),
        ]
