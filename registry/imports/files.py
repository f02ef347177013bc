"""Reading an .xlsx or .csv file into its header and its data rows."""

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ..formatting import thousands
from . import remembered, xlsx
from .cells import is_empty
from .columns import COLUMN_BY_FIELD, REQUIRED_COLUMNS, Sheet, detect_header

HEADER_SEARCH_ROWS = 20  # offices put a title block above the header row
PROGRESS_EVERY = 500  # rows between two progress reports


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header row, a required column missing)."""


@dataclass
class RawRow:
    number: int  # the row number as the spreadsheet shows it
    cells: dict[str, object]  # field → cell value, empty cells left out


def _rows_from(sheet_name: str, numbered_rows) -> tuple[Sheet, Iterator[RawRow]] | None:
    """The header and the data rows of one sheet, or None when no header row is found near its top."""
    for row_number, cells in numbered_rows:
        if row_number > HEADER_SEARCH_ROWS:
            return None
        sheet = detect_header(row_number, cells, sheet_name)
        if sheet:
            break
    else:
        return None

    def data_rows():
        for number, cells in numbered_rows:
            values = {}
            for name, index in sheet.positions.items():
                if index < len(cells) and not is_empty(cells[index]):
                    values[name] = cells[index]
            if values:
                yield RawRow(number, values)

    return sheet, data_rows()


NO_HEADER = (
    "Baris judul kolom tidak ditemukan di 20 baris pertama. Berkas perlu setidaknya kolom "
    "Nama Usaha, Kecamatan dan Desa/Kelurahan; unduh templat untuk contohnya."
)


def _counted(rows: Iterator[RawRow], estimate: int, progress: Callable) -> list[RawRow]:
    """The rows as a list, reporting how many were read of about how many the file holds."""
    read = []
    for row in rows:
        read.append(row)
        if len(read) % PROGRESS_EVERY == 0:
            progress("membaca", len(read), max(estimate, len(read)))
    return read


UNREADABLE_XLSX = (
    "Berkas .xlsx tidak bisa dibaca. Simpan ulang dari Excel/LibreOffice sebagai Buku Kerja Excel (.xlsx)."
)


def _refuse_oversized_sheets(path: Path) -> None:
    """Refuse, before reading a cell, a workbook whose sheets unpack past settings.IMPORT_MAX_SHEET_MB.

    A few hundred kilobytes of .xlsx can hold hundreds of megabytes of XML (a row repeated 800.000
    times): the sizes the zip's directory declares are checked, and the reader never goes past them.
    """
    limit = settings.IMPORT_MAX_SHEET_MB * 1024 * 1024
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = [
                info.file_size for info in archive.infolist() if info.filename.startswith("xl/worksheets/")
            ]
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(UNREADABLE_XLSX) from error
    if any(size > limit for size in sizes):
        raise ImportFileError(
            "Lembar kerja di berkas ini terlalu besar untuk dibaca (lebih dari "
            f"{settings.IMPORT_MAX_SHEET_MB} MB setelah dibuka). Bagi menjadi beberapa berkas, atau "
            "hapus baris dan kolom kosong di bawah/kanan data lalu simpan ulang."
        )


def _read_xlsx(path: Path, progress: Callable) -> tuple[Sheet, list[RawRow]]:
    _refuse_oversized_sheets(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for name, numbered in xlsx.worksheets(archive):
                found = _rows_from(name, numbered)
                if found:
                    sheet, rows = found
                    return sheet, _counted(rows, 0, progress)
    except MemoryError:
        raise  # the job's memory limit (registry.jobs), not a damaged file
    except Exception as error:  # a damaged or forged workbook fails in many ways, all of them the file's
        raise ImportFileError(UNREADABLE_XLSX) from error
    raise ImportFileError(NO_HEADER)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else the Windows code page offices' Excel uses."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """',' or ';' (Excel in Indonesian locale writes ';') or a tab, from the first lines."""
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {delimiter: sample.count(delimiter) for delimiter in (";", ",", "\t")}
        return max(counts, key=counts.get)


def _read_csv(path: Path, progress: Callable) -> tuple[Sheet, list[RawRow]]:
    text = decode_csv(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        found = _rows_from("CSV", enumerate(reader, start=1))
        if not found:
            raise ImportFileError(NO_HEADER)
        sheet, rows = found
        return sheet, _counted(rows, text.count("\n") - sheet.header_row, progress)
    except csv.Error as error:  # a cell past the csv module's limit: mostly a quote never closed
        raise ImportFileError(
            f"Berkas .csv tidak bisa dibaca: ada sel lebih dari {thousands(csv.field_size_limit())} huruf, "
            "biasanya karena tanda kutip yang tidak ditutup. Periksa berkasnya atau simpan sebagai .xlsx."
        ) from error


def no_progress(*_report) -> None:
    """The progress callback (phase, done, total) of work that nobody watches."""


def _read_xlsx_once(path: Path, progress: Callable, keep: bool) -> tuple[Sheet, list[RawRow]]:
    """The workbook's rows; with `keep`, those its preview kept, or read now and kept for the apply."""
    if keep and (kept := remembered.recall(path)):
        sheet, rows = kept
        return sheet, [RawRow(number, cells) for number, cells in rows]
    sheet, rows = _read_xlsx(path, progress)
    if keep:
        remembered.remember(path, sheet, rows)
    return sheet, rows


def read_file(
    path, file_name: str = "", progress: Callable | None = None, *, keep: bool = False
) -> tuple[Sheet, list[RawRow]]:
    """The header and data rows of an .xlsx or .csv; `keep`: an upload read by its preview and its apply."""
    path = Path(path)
    progress = progress or no_progress
    suffix = Path(file_name or path.name).suffix.lower()
    if suffix == ".xlsx":
        sheet, rows = _read_xlsx_once(path, progress, keep)
    elif suffix == ".csv":
        sheet, rows = _read_csv(path, progress)
    elif suffix in (".xls", ".ods"):
        raise ImportFileError(
            f"Berkas {suffix} belum bisa dibaca. Buka di Excel/LibreOffice lalu simpan sebagai .xlsx."
        )
    else:
        raise ImportFileError("Pilih berkas .xlsx atau .csv.")
    missing = [COLUMN_BY_FIELD[name].header for name in REQUIRED_COLUMNS if name not in sheet.positions]
    if missing:
        raise ImportFileError(
            f"Kolom wajib tidak ditemukan: {', '.join(missing)}. Judul kolom yang terbaca: "
            f"{', '.join([*sheet.headers.values(), *sheet.ignored])}."
        )
    return sheet, rows
