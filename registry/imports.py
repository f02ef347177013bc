"""Reading the office's registry spreadsheets (.xlsx, .csv) and planning what an import would change.

Nothing here writes to the database: `build_plan` reads a file and the registry and returns, row by row,
what would be created, updated, left unchanged or refused (and why, in Indonesian). The writers in
registry.services turn an approved plan into rows.

Offices keep messy files, so this module reads what clerks type: header variants (`NAMA UMKM`,
`Omset per Tahun`, `No. HP`), `Kec. Srengat` or `SRENGAT`, `Rp 1.500.000`, `1,5 jt`, `02/05/2024`,
Excel dates and numbers, `+62` phones, sector names or KBLI codes. Where a reading is a guess (a desa
written with a typo) it is taken only when exactly one candidate is close, and the preview says so.
"""

import csv
import datetime
import difflib
import hashlib
import io
import json
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from .exports import neutralise
from .formatting import rupiah, tanggal, thousands
from .kbli import SECTOR_KBLI_PREFIXES
from .models import Business, Desa, Kecamatan, Sector
from .validators import normalize_phone

# A close spelling is accepted only at or above this difflib ratio, and only when it is the one
# candidate that close ("Karanggayan" → Karanggayam; "Sumbero" is as close to Sumber as to Sumberjo).
FUZZY_MIN_RATIO = 0.85
HEADER_SEARCH_ROWS = 20  # offices put a title block above the header row
PROGRESS_EVERY = 500  # rows between two progress reports
# How much of the plan the preview keeps for the page; the counts always cover every row.
PREVIEW_LIMITS = {"errors": 1000, "updates": 300, "creates": 100, "notes": 300}

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header row, a required column missing)."""


class CellError(Exception):
    """A value in one cell cannot be read; the message is shown to the person, in Indonesian."""


# --- Reading values -----------------------------------------------------------------------------

EMPTY_MARKERS = {"", "-", "--", "—", "–", "n/a", "#n/a", "null", "none", "#value!", "#ref!"}
SCIENTIFIC_RE = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY_MARKERS)


def squash(text: str) -> str:
    """Lower case, accents and everything but letters and digits removed: a key for matching names."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("&", "dan"))


def read_text(value) -> str:
    """A cell as text with its spaces tidied; Excel numbers without their '.0'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return tanggal(value)
    return " ".join(str(value).split())


def read_digits(value, *, what: str) -> str:
    """An identifier typed as text, as an Excel number, or with spaces, dots and a leading apostrophe."""
    if isinstance(value, bool):
        raise CellError(f"{what} harus berupa angka.")
    if isinstance(value, int | float):
        return str(int(value))
    text = str(value).strip().lstrip("'")
    if SCIENTIFIC_RE.match(text):
        raise CellError(
            f"{what} tertulis sebagai angka ilmiah ({text}) sehingga digit terakhirnya hilang. "
            f"Format kolom {what} sebagai Teks lalu tulis ulang."
        )
    return re.sub(r"[\s.\-]", "", text)


def read_kbli(value) -> str:
    if isinstance(value, int | float):
        return str(int(value)).zfill(5)
    match = re.match(r"\s*(\d{5})(?!\d)", str(value))
    if not match:
        raise CellError(f"Kode KBLI “{read_text(value)}” tidak dikenali: tulis 5 digit, misalnya 10794.")
    return match.group(1)


def read_phone(value) -> str:
    """A phone as the registry keeps it (registry.fields.PhoneField): separators gone, 08… or +628…."""
    if isinstance(value, int | float):
        text = str(int(value))
    else:
        text = normalize_phone(str(value).strip().lstrip("'"))
    if text.startswith("+620"):
        text = "+62" + text[4:]  # "+62 0812…": the trunk 0 written after the country code
    elif text.startswith("62") and len(text) >= 10:
        text = "+" + text
    elif text.startswith("8"):
        text = "0" + text  # a spreadsheet that stored the number as a number dropped the leading 0
    return text


MONEY_UNITS = {
    "": 1,
    "rb": 10**3,
    "ribu": 10**3,
    "k": 10**3,
    "jt": 10**6,
    "juta": 10**6,
    "m": 10**9,
    "miliar": 10**9,
    "milyar": 10**9,
    "mlyr": 10**9,
}
MONEY_RE = re.compile(r"^(?P<number>\d[\d.,\s]*?)\s*(?P<unit>[a-z]*)\.?$")


def read_money(value) -> int:
    """Whole rupiah from 'Rp 1.500.000', '1.500.000,00', '1,5 jt', '2 juta', '1,2 M', 1500000 or 1.5e6."""
    if isinstance(value, bool):
        raise CellError("Tulis jumlah rupiah, misalnya Rp 1.500.000.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = str(value).strip().lower()
    negative = text.startswith("-")
    text = re.sub(r"^-?\s*(rp\.?|idr)?\s*", "", text)
    text = re.sub(r"\s*,-$|\s*\.-$", "", text)  # "Rp 1.500.000,-"
    match = MONEY_RE.match(text)
    if not match or match.group("unit") not in MONEY_UNITS:
        raise CellError(
            f"Jumlah rupiah “{read_text(value)}” tidak dikenali: tulis misalnya Rp 1.500.000, "
            "1.500.000,00, 1,5 jt atau 2 miliar."
        )
    unit = MONEY_UNITS[match.group("unit")]
    number = re.sub(r"\s", "", match.group("number"))
    if "," in number and "." in number:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        number = number.replace(grouping, "").replace(decimal_mark, ".")
    elif "," in number:
        grouped = re.fullmatch(r"\d{1,3}(,\d{3})+", number) and unit == 1
        number = number.replace(",", "") if grouped else number.replace(",", ".")
    elif "." in number and re.fullmatch(r"\d{1,3}(\.\d{3})+", number):
        number = number.replace(".", "")
    try:
        amount = Decimal(number) * unit
    except InvalidOperation:
        raise CellError(f"Jumlah rupiah “{read_text(value)}” tidak dikenali.") from None
    amount = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return -amount if negative else amount


MONTH_NUMBERS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "pebruari": 2, "february": 2, "peb": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agus": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
WORDED_DATE_RE = re.compile(r"^(\d{1,2})[\s\-]+([a-z]+)\.?[\s\-]+(\d{2}|\d{4})$")
EXCEL_SERIAL_RANGE = range(1, 2_958_466)  # 1 Jan 1900 … 31 Dec 9999
DATE_HINT = "Tulis tanggal seperti 02/05/2024, 2024-05-02 atau 2 Mei 2024."


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    # Two digits: this century up to this year, else the last (a business founded in '98).
    this_year = timezone.localdate().year
    candidate = 2000 + int(year)
    return candidate if candidate <= this_year else candidate - 100


def read_date(value) -> datetime.date:
    """A date from an Excel date, an Excel serial number, dd/mm/yyyy, yyyy-mm-dd or '2 Mei 2024'."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if int(value) in EXCEL_SERIAL_RANGE:
            return from_excel(value).date()
        raise CellError(f"Tanggal “{read_text(value)}” tidak dikenali. {DATE_HINT}")
    text = " ".join(str(value).strip().lower().split())
    if text.isdigit() and int(text) in EXCEL_SERIAL_RANGE and len(text) == 5:
        return from_excel(int(text)).date()  # an Excel date saved to CSV as its serial number
    if match := ISO_DATE_RE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := NUMERIC_DATE_RE.match(text):
        day, month = int(match.group(1)), int(match.group(2))
        year = _full_year(match.group(3))
    elif (match := WORDED_DATE_RE.match(text)) and match.group(2) in MONTH_NUMBERS:
        day, month, year = int(match.group(1)), MONTH_NUMBERS[match.group(2)], _full_year(match.group(3))
    else:
        raise CellError(f"Tanggal “{read_text(value)}” tidak dikenali. {DATE_HINT}")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        # 05/25/2024 is month/day/year; the office writes day/month/year, so never swap silently.
        raise CellError(
            f"Tanggal “{read_text(value)}” tidak ada di kalender (hari/bulan/tahun). {DATE_HINT}"
        ) from None


def read_year(value) -> int:
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    try:
        return read_date(text).year
    except CellError:
        raise CellError(
            f"Tahun berdiri “{read_text(value)}” tidak dikenali: tulis 4 digit, misalnya 2015."
        ) from None


def read_count(value) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    match = re.fullmatch(r"(-?\d+)(?:\s*(orang|org|tk|pekerja))?", str(value).strip().lower())
    if not match:
        raise CellError(f"Jumlah tenaga kerja “{read_text(value)}” tidak dikenali: tulis angka bulat.")
    return int(match.group(1))


YES = {"ya", "y", "yes", "ada", "sudah", "punya", "1", "v", "√", "✓", "✔", "true", "benar", "iya", "sdh"}
NO = {"tidak", "t", "tdk", "no", "n", "belum", "blm", "tidak ada", "tidakada", "0", "false", "salah", "bukan"}


def read_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = " ".join(str(value).strip().lower().split())
    if text in YES or text.startswith(("ya ", "sudah ", "ada ")):
        return True
    if text in NO or text.startswith(("belum ", "tidak ")):
        return False
    if len(re.sub(r"\D", "", text)) >= 5:
        return True  # a certificate or licence number (P-IRT 2063505010123-26) means it is held
    raise CellError(f"“{read_text(value)}” tidak dikenali: tulis Ya atau Tidak.")


GENDERS = {
    "l": "L", "lk": "L", "laki": "L", "lakilaki": "L", "pria": "L", "m": "L", "male": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P", "w": "P", "f": "P", "female": "P",
}  # fmt: skip
STATUSES = {
    "aktif": "aktif", "active": "aktif", "beroperasi": "aktif", "jalan": "aktif",
    "tidakaktif": "tidak_aktif", "nonaktif": "tidak_aktif", "vakum": "tidak_aktif",
    "tidakberoperasi": "tidak_aktif", "inactive": "tidak_aktif",
    "tutup": "tutup", "closed": "tutup", "berhenti": "tutup", "bangkrut": "tutup",
}  # fmt: skip


def read_gender(value) -> str:
    try:
        return GENDERS[squash(value)]
    except KeyError:
        raise CellError(f"Jenis kelamin “{read_text(value)}” tidak dikenali: tulis L atau P.") from None


def read_status(value) -> str:
    try:
        return STATUSES[squash(value)]
    except KeyError:
        raise CellError(
            f"Status “{read_text(value)}” tidak dikenali: tulis Aktif, Tidak aktif atau Tutup."
        ) from None


def read_nik(value) -> str:
    return read_digits(value, what="NIK")


def read_nib(value) -> str:
    return read_digits(value, what="NIB")


# --- Columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str  # Business field, or kecamatan/desa/sector resolved against the reference data
    header: str  # the header in the template
    read: Callable
    synonyms: tuple[str, ...] = ()
    example: object = ""
    accepted: str = ""  # what the Petunjuk sheet says the column takes


YES_NO = "Ya/Tidak (juga Y/T, Ada/Belum, 1/0, atau nomor izinnya)."
COLUMNS = [
    Column("name", "Nama Usaha", read_text,
           ("nama umkm", "nama ukm", "nama ikm", "nama usaha umkm", "nama perusahaan", "nama toko",
            "nama unit usaha", "usaha", "umkm"),
           "Keripik Tempe Bu Sri", "Wajib. Teks, paling panjang 200 huruf."),
    Column("owner_name", "Nama Pemilik", read_text,
           ("pemilik", "nama pelaku usaha", "pelaku usaha", "nama pengusaha", "pengusaha",
            "nama lengkap pemilik", "nama pemilik usaha"),
           "Sri Wahyuni", "Wajib untuk usaha baru. Teks, paling panjang 150 huruf."),
    Column("owner_nik", "NIK Pemilik", read_nik,
           ("nik", "no nik", "nomor nik", "no ktp", "nomor ktp", "ktp", "nomor induk kependudukan"),
           "3505034105900001", "16 digit. Format kolom sebagai Teks agar Excel tidak memotong digitnya."),
    Column("owner_gender", "Jenis Kelamin", read_gender,
           ("jk", "l p", "gender", "kelamin", "jenis kelamin pemilik"),
           "P", "L atau P (Laki-laki/Perempuan)."),
    Column("phone", "No. HP", read_phone,
           ("nomor hp", "hp", "no hp wa", "no wa", "nomor wa", "whatsapp", "no telp", "no telepon",
            "nomor telepon", "telepon", "telp", "kontak", "no hp telp", "nomor hp telepon"),
           "0812 3456 7890", "08…, +62 8… atau nomor kantor dengan kode area (0342 801234)."),
    Column("nib", "NIB", read_nib, ("nomor induk berusaha", "no nib", "nomor nib"),
           "1234567890123", "13 digit. Format kolom sebagai Teks."),
    Column("address", "Alamat", read_text, ("alamat usaha", "alamat lengkap", "alamat rumah", "jalan"),
           "RT 02 RW 01", "Teks, paling panjang 255 huruf."),
    Column("kecamatan", "Kecamatan", read_text, ("kec", "nama kecamatan"),
           "Srengat", "Wajib. Nama kecamatan (lihat daftar di bawah); “Kec. Srengat” juga diterima."),
    Column("desa", "Desa/Kelurahan", read_text,
           ("desa", "kelurahan", "desa kelurahan", "desa kel", "ds kel", "kelurahan desa", "nama desa"),
           "Karanggayam", "Wajib. Nama desa/kelurahan di kecamatan itu (lihat daftar di bawah)."),
    Column("sector", "Sektor", read_text,
           ("bidang usaha", "jenis usaha", "sektor usaha", "kategori usaha", "bidang", "sektor umkm"),
           "Makanan", "Wajib untuk usaha baru. Nama sektor (lihat daftar) atau kode KBLI 5 digit."),
    Column("kbli_code", "Kode KBLI", read_kbli, ("kbli", "kbli 2020", "kode kbli 2020", "no kbli"),
           "10794", "5 digit KBLI 2020, boleh kosong."),
    Column("year_founded", "Tahun Berdiri", read_year,
           ("tahun mulai usaha", "mulai usaha", "tahun mulai", "berdiri sejak", "tahun usaha"),
           2015, "4 digit, misalnya 2015."),
    Column("registered_on", "Tanggal Masuk Registri", read_date,
           ("tanggal daftar", "tgl daftar", "tanggal pendataan", "tgl pendataan", "tanggal pendaftaran",
            "tgl input", "tanggal input", "tanggal terdaftar", "tgl masuk registri"),
           datetime.date(2024, 5, 2), "Tanggal: 02/05/2024, 2024-05-02 atau 2 Mei 2024. Kosong: hari ini."),
    Column("employees", "Jumlah Tenaga Kerja", read_count,
           ("tenaga kerja", "jumlah karyawan", "karyawan", "jml tk", "tk", "jumlah pekerja", "pekerja"),
           2, "Angka bulat."),
    Column("turnover", "Omzet per Tahun (Rp)", read_money,
           ("omzet", "omset", "omset per tahun", "omzet tahunan", "omset tahunan", "omzet th",
            "omzet setahun", "penjualan per tahun", "hasil penjualan per tahun"),
           120_000_000, "Rupiah: 120000000, Rp 120.000.000, 120 jt atau 1,2 M."),
    Column("capital", "Modal Usaha (Rp)", read_money,
           ("modal", "modal usaha tanpa tanah dan bangunan", "modal kerja", "modal usaha rp"),
           25_000_000, "Rupiah, tanpa tanah dan bangunan."),
    Column("has_pirt", "PIRT", read_flag, ("p irt", "izin pirt", "sppirt", "punya pirt"), "Ya", YES_NO),
    Column("has_halal", "Halal", read_flag, ("sertifikat halal", "bersertifikat halal"), "Tidak", YES_NO),
    Column("has_bpom", "BPOM", read_flag, ("izin bpom", "punya izin bpom"), "Tidak", YES_NO),
    Column("has_brand", "Merek (HKI)", read_flag, ("merek", "hki", "merek terdaftar", "merk"), "Tidak",
           YES_NO),
    Column("sells_online", "Jualan Online", read_flag,
           ("berjualan daring", "online", "daring", "pemasaran online", "jual online", "penjualan online"),
           "Ya", YES_NO),
    Column("has_financing", "Pembiayaan Bank/KUR", read_flag,
           ("pembiayaan", "kur", "akses pembiayaan", "kredit", "punya pembiayaan bank kur"), "Tidak", YES_NO),
    Column("status", "Status", read_status, ("status usaha",), "Aktif", "Aktif, Tidak aktif atau Tutup."),
]  # fmt: skip
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_COLUMNS = ("name", "kecamatan", "desa")


def header_key(text) -> str:
    """'Omzet per Tahun (Rp)', 'OMSET/TAHUN', 'No. HP' → keys that ignore case, spaces and signs."""
    text = re.sub(r"\([^)]*\)", " ", str(text or ""))
    key = squash(text)
    return key[:-2] if key.endswith("rp") and len(key) > 4 else key


HEADER_FIELDS = {
    header_key(name): column.field for column in COLUMNS for name in (column.header, *column.synonyms)
}


@dataclass
class Sheet:
    """Where the data sits in the file, and which column holds which field."""

    name: str
    header_row: int
    headers: dict[str, str]  # field → the header as written in the file
    positions: dict[str, int]  # field → column index
    ignored: list[str]  # headers in the file that feed no field


def detect_header(row_number: int, cells, sheet_name: str) -> Sheet | None:
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        if is_empty(cell):
            continue
        name = read_text(cell)
        found = HEADER_FIELDS.get(header_key(name))
        if found and found not in positions:
            positions[found] = index
            headers[found] = name
        else:
            ignored.append(name)
    if "name" in positions and len(positions) >= 3:
        return Sheet(sheet_name, row_number, headers, positions, ignored)
    return None


# --- Reading files -----------------------------------------------------------------------------


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


def _read_xlsx(path: Path, progress: Callable) -> tuple[Sheet, list[RawRow]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(UNREADABLE_XLSX) from error
    try:
        for worksheet in workbook.worksheets:
            estimate = worksheet.max_row or 0
            # Some programs write a wrong size into the sheet; read every row there is instead.
            worksheet.reset_dimensions()
            numbered = enumerate(worksheet.iter_rows(values_only=True), start=1)
            found = _rows_from(worksheet.title, numbered)
            if found:
                sheet, rows = found
                return sheet, _counted(rows, estimate - sheet.header_row, progress)
    except Exception as error:  # openpyxl reads the cells only now: a damaged sheet fails here, in many ways
        raise ImportFileError(UNREADABLE_XLSX) from error
    finally:
        workbook.close()
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


def read_file(path, file_name: str = "", progress: Callable | None = None) -> tuple[Sheet, list[RawRow]]:
    path = Path(path)
    progress = progress or (lambda phase, done, total: None)
    suffix = Path(file_name or path.name).suffix.lower()
    if suffix == ".xlsx":
        sheet, rows = _read_xlsx(path, progress)
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


# --- Reference data: kecamatan, desa, sectors --------------------------------------------------

KECAMATAN_PREFIX_RE = re.compile(r"^\s*(kecamatan|kec)(\.\s*|\s+)", re.IGNORECASE)
DESA_PREFIX_RE = re.compile(r"^\s*(desa|ds|kelurahan|kel)(\.\s*|\s+)", re.IGNORECASE)
SECTOR_SYNONYMS = {
    "makanan": ["kuliner", "makanan olahan", "olahan makanan", "pangan", "food"],
    "minuman": ["minuman olahan", "jamu", "kopi", "beverage", "minuman tradisional"],
    "kerajinan": ["kriya", "kerajinan tangan", "handicraft", "craft", "anyaman"],
    "fesyen": ["fashion", "busana", "konveksi", "pakaian", "garmen", "fesyen busana"],
    "jasa-foto": ["fotografi", "foto", "studio foto", "jasa fotografi", "photo"],
    "suvenir": ["souvenir", "cenderamata", "cinderamata", "oleh oleh", "souvenir oleh oleh"],
    "perdagangan": ["dagang", "toko", "warung", "toko kelontong", "kelontong", "retail", "jual beli"],
    "pertanian-olahan": [
        "pertanian",
        "olahan pertanian",
        "pertanian olahan",
        "agribisnis",
        "hasil pertanian",
    ],
    "jasa-lainnya": ["jasa", "jasa lain", "jasa lain lain", "layanan", "laundry", "salon", "bengkel"],
}
# KBLI code → sector: the longest matching prefix of the office's grouping wins (10761 coffee is a
# drink although 10… is food). The grouping is the one the demo registry is drawn from.
KBLI_PREFIXES = sorted(
    ((prefix, slug) for slug, prefixes in SECTOR_KBLI_PREFIXES.items() for prefix in prefixes),
    key=lambda item: -len(item[0]),
)


def close_matches(key: str, candidates: dict[str, object]) -> list:
    """The distinct candidates whose key is at least FUZZY_MIN_RATIO alike."""
    found = []
    for candidate_key, candidate in candidates.items():
        close = difflib.SequenceMatcher(None, key, candidate_key).ratio() >= FUZZY_MIN_RATIO
        if close and candidate not in found:
            found.append(candidate)
    return found


class Reference:
    """All kecamatan, desa and sectors, read once (three queries) and looked up by spelling."""

    def __init__(self):
        self.kecamatan = {k.pk: k for k in Kecamatan.objects.all()}
        self.desa = {}
        for desa in Desa.objects.all():
            desa.kecamatan = self.kecamatan[desa.kecamatan_id]  # cached: no query in Business.clean()
            self.desa[desa.pk] = desa
        self.sectors = {sector.pk: sector for sector in Sector.objects.all()}
        self.kecamatan_by_key = {squash(k.name): k for k in self.kecamatan.values()}
        self.desa_by_kecamatan: dict[int, dict[str, Desa]] = defaultdict(dict)
        self.desa_elsewhere: dict[str, list[Desa]] = defaultdict(list)
        for desa in self.desa.values():
            self.desa_by_kecamatan[desa.kecamatan_id][squash(desa.name)] = desa
            self.desa_elsewhere[squash(desa.name)].append(desa)
        by_slug = {sector.slug: sector for sector in self.sectors.values()}
        self.sector_by_key = {squash(sector.name): sector for sector in self.sectors.values()}
        self.sector_by_key.update({squash(sector.slug): sector for sector in self.sectors.values()})
        for slug, words in SECTOR_SYNONYMS.items():
            if slug in by_slug:
                for word in words:
                    self.sector_by_key.setdefault(squash(word), by_slug[slug])
        self.sector_by_kbli_prefix = [(p, by_slug[slug]) for p, slug in KBLI_PREFIXES if slug in by_slug]
        self._cache: dict[tuple, tuple] = {}

    def _cached(self, kind, text, scope, resolve):
        # A file repeats the same few spellings thousands of times; resolve each once.
        key = (kind, text, scope)
        if key not in self._cache:
            try:
                self._cache[key] = (resolve(), "")
            except CellError as error:
                self._cache[key] = (None, str(error))
        value, message = self._cache[key]
        if message:
            raise CellError(message)
        return value

    def find_kecamatan(self, text: str) -> tuple[Kecamatan, str]:
        """The kecamatan and a note when it was read from a close spelling."""
        return self._cached("kecamatan", text, None, lambda: self._find_kecamatan(text))

    def _find_kecamatan(self, text):
        key = squash(KECAMATAN_PREFIX_RE.sub("", text))
        if key in self.kecamatan_by_key:
            return self.kecamatan_by_key[key], ""
        close = close_matches(key, self.kecamatan_by_key)
        if len(close) == 1:
            return close[0], f"Kecamatan “{text}” dibaca sebagai {close[0].name}."
        if close:
            names = " dan ".join(k.name for k in close)
            raise CellError(f"Kecamatan “{text}” tidak jelas: mirip {names}. Tulis nama yang tepat.")
        raise CellError(f"Kecamatan “{text}” tidak ada di Kabupaten Blitar.")

    def find_desa(self, text: str, kecamatan: Kecamatan) -> tuple[Desa, str]:
        return self._cached("desa", text, kecamatan.pk, lambda: self._find_desa(text, kecamatan))

    def _find_desa(self, text, kecamatan):
        key = squash(DESA_PREFIX_RE.sub("", text))
        in_kecamatan = self.desa_by_kecamatan[kecamatan.pk]
        if key in in_kecamatan:
            return in_kecamatan[key], ""
        elsewhere = self.desa_elsewhere.get(key)
        if elsewhere:
            places = ", ".join(f"Kecamatan {desa.kecamatan.name}" for desa in elsewhere)
            raise CellError(
                f"Desa {elsewhere[0].name} tidak terletak di Kecamatan {kecamatan.name} (ada di {places})."
            )
        close = close_matches(key, in_kecamatan)
        if len(close) == 1:
            return close[0], f"Desa “{text}” dibaca sebagai {close[0].name} (Kecamatan {kecamatan.name})."
        if close:
            names = " dan ".join(desa.name for desa in close)
            raise CellError(
                f"Desa “{text}” tidak jelas: mirip {names} di Kecamatan {kecamatan.name}. "
                "Tulis nama yang tepat."
            )
        raise CellError(f"Desa “{text}” tidak ada di Kecamatan {kecamatan.name}.")

    def find_sector(self, text: str) -> tuple[Sector, str, str]:
        """The sector, a note when read from a close spelling, and the KBLI code when one was given."""
        return self._cached("sector", text, None, lambda: self._find_sector(text))

    def _find_sector(self, text):
        if match := re.match(r"\s*(\d{5})(?!\d)", text):
            code = match.group(1)
            for prefix, sector in self.sector_by_kbli_prefix:
                if code.startswith(prefix):
                    return sector, "", code
            raise CellError(f"Kode KBLI {code} tidak bisa dipetakan ke sektor. Tulis nama sektornya.")
        key = squash(text)
        if key in self.sector_by_key:
            return self.sector_by_key[key], "", ""
        close = close_matches(key, self.sector_by_key)
        if len(close) == 1:
            return close[0], f"Sektor “{text}” dibaca sebagai {close[0].name}.", ""
        names = ", ".join(sector.name for sector in self.sectors.values())
        raise CellError(f"Sektor “{text}” tidak dikenal. Pilih salah satu: {names}, atau tulis kode KBLI.")


# --- Matching rows to the registry --------------------------------------------------------------


def name_key(name: str) -> str:
    """Names compared case- and space-insensitively (the same business typed twice)."""
    return " ".join(str(name).lower().split())


class RegistryIndex:
    """The registry's NIB, NIK and name + desa keys, read in one streamed query."""

    def __init__(self):
        self.by_nib: dict[str, int] = {}
        self.by_nik: dict[str, int] = {}
        self.by_name_desa: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.identifiers: dict[int, tuple[str | None, str | None]] = {}
        rows = Business.objects.order_by().values_list("pk", "nib", "owner_nik", "name", "desa_id")
        for pk, nib, nik, name, desa_id in rows.iterator(chunk_size=10_000):
            if nib:
                self.by_nib[nib] = pk
            if nik:
                self.by_nik[nik] = pk
            self.by_name_desa[(name_key(name), desa_id)].append(pk)
            self.identifiers[pk] = (nib, nik)


# --- The plan ----------------------------------------------------------------------------------


@dataclass
class RowPlan:
    number: int
    values: dict = field(default_factory=dict)  # field → value read from the row's filled cells
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column as in the file, message)
    notes: list[str] = field(default_factory=list)
    target: int | None = None  # the existing business this row updates
    business: Business | None = None  # unsaved new business, or the existing one with new values
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # (field, old, new)
    action: str = ""

    def add_error(self, column: str, message: str):
        self.errors.append((column, message))


@dataclass
class Plan:
    sheet: Sheet
    rows: list[RowPlan]

    def of(self, action: str) -> list[RowPlan]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATE, UPDATE, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def digest(self) -> str:
        """A fingerprint of every action with its values, so the apply step writes what was previewed."""
        hasher = hashlib.sha256()
        for row in self.rows:
            if row.action == CREATE:
                detail = sorted((name, display_value(name, value)) for name, value in row.values.items())
            else:
                detail = [
                    (name, display_value(name, old), display_value(name, new))
                    for name, old, new in row.changes
                ]
            hasher.update(json.dumps([row.number, row.action, row.target, detail]).encode())
        return hasher.hexdigest()


def _column_of(sheet: Sheet, name: str) -> str:
    if name in sheet.headers:
        return sheet.headers[name]
    if name in COLUMN_BY_FIELD:
        return COLUMN_BY_FIELD[name].header
    if name == NON_FIELD_ERRORS:
        return "—"
    return str(Business._meta.get_field(name).verbose_name).capitalize()


def _read_row(raw: RawRow, sheet: Sheet, reference: Reference) -> RowPlan:
    """The row's cells as field values (kecamatan, desa and sector resolved), with the cells' errors."""
    row = RowPlan(raw.number)
    for name, cell in list(raw.cells.items()):
        if isinstance(cell, str) and "\x00" in cell:
            # A damaged cell, not data: PostgreSQL stores no NUL character in text.
            row.add_error(
                sheet.headers[name], "Sel berisi karakter NUL yang tidak bisa disimpan; ketik ulang isinya."
            )
            del raw.cells[name]
    for name, cell in raw.cells.items():
        if name in ("kecamatan", "desa", "sector"):
            continue
        try:
            row.values[name] = COLUMN_BY_FIELD[name].read(cell)
        except CellError as error:
            row.add_error(sheet.headers[name], str(error))
        except (ValueError, ArithmeticError):
            # A number no reader can hold: 5.000 digits (int() refuses), 30 (Decimal's precision), inf.
            row.add_error(
                sheet.headers[name],
                f"{COLUMN_BY_FIELD[name].header} “{read_text(cell)[:40]}” tidak bisa dibaca: "
                "angkanya terlalu besar atau bukan angka.",
            )
    kecamatan = None
    if "kecamatan" in raw.cells:
        try:
            kecamatan, note = reference.find_kecamatan(read_text(raw.cells["kecamatan"]))
            row.values["kecamatan"] = kecamatan
            if note:
                row.notes.append(note)
        except CellError as error:
            row.add_error(sheet.headers["kecamatan"], str(error))
    if "desa" in raw.cells:
        if kecamatan:
            try:
                desa, note = reference.find_desa(read_text(raw.cells["desa"]), kecamatan)
                row.values["desa"] = desa
                if note:
                    row.notes.append(note)
            except CellError as error:
                row.add_error(sheet.headers["desa"], str(error))
        elif "kecamatan" not in raw.cells:
            row.add_error(sheet.headers["kecamatan"], "Kecamatan wajib diisi bila desa diisi.")
    if "sector" in raw.cells:
        try:
            sector, note, kbli = reference.find_sector(read_text(raw.cells["sector"]))
            row.values["sector"] = sector
            if note:
                row.notes.append(note)
            if kbli and "kbli_code" not in row.values:
                row.values["kbli_code"] = kbli
        except CellError as error:
            row.add_error(sheet.headers["sector"], str(error))
    return row


def _match(row: RowPlan, index: RegistryIndex, sheet: Sheet):
    """Which existing business the row is: by NIB, then NIK, then name + desa; never a guess."""
    nib, nik = row.values.get("nib"), row.values.get("owner_nik")
    if nib and nib in index.by_nib:
        row.target = index.by_nib[nib]
        owner_of_nik = index.by_nik.get(nik) if nik else None
        if owner_of_nik not in (None, row.target):
            row.add_error(
                _column_of(sheet, "owner_nik"),
                f"NIB cocok dengan usaha #{row.target}, tetapi NIK ini milik usaha lain (#{owner_of_nik}).",
            )
        return
    if nik and nik in index.by_nik:
        row.target = index.by_nik[nik]
        registered_nib = index.identifiers[row.target][0]
        if nib and registered_nib and registered_nib != nib:
            row.add_error(
                _column_of(sheet, "nib"),
                f"NIK cocok dengan usaha #{row.target}, tetapi usaha itu ber-NIB lain ({registered_nib}).",
            )
        return
    desa = row.values.get("desa")
    if not desa or "name" not in row.values:
        return
    candidates = index.by_name_desa.get((name_key(row.values["name"]), desa.pk), [])
    # A namesake that carries another NIB or NIK is another business: this row is new.
    same = [
        pk
        for pk in candidates
        if not (nib and index.identifiers[pk][0] and index.identifiers[pk][0] != nib)
        and not (nik and index.identifiers[pk][1] and index.identifiers[pk][1] != nik)
    ]
    if len(same) == 1:
        row.target = same[0]
    elif len(same) > 1:
        listed = ", ".join(f"#{pk}" for pk in same)
        row.add_error(
            _column_of(sheet, "name"),
            f"Ada {len(same)} usaha bernama “{row.values['name']}” di Desa {desa.name} ({listed}). "
            "Tambahkan NIB atau NIK supaya jelas usaha yang mana.",
        )
    elif candidates:
        row.notes.append(
            f"Nama sama dengan usaha #{candidates[0]} di Desa {desa.name}, tetapi NIB/NIK berbeda: "
            "dicatat sebagai usaha baru."
        )


def _flag_duplicates(rows: list[RowPlan], sheet: Sheet):
    """Rows in the file that are the same business twice: every copy is an error, none is picked."""
    groups: dict[tuple, list[RowPlan]] = defaultdict(list)
    for row in rows:
        if row.values.get("nib"):
            groups[("nib", row.values["nib"])].append(row)
        if row.values.get("owner_nik"):
            groups[("owner_nik", row.values["owner_nik"])].append(row)
        if row.target:
            groups[("target", row.target)].append(row)
        elif not row.values.get("nib") and not row.values.get("owner_nik") and row.values.get("desa"):
            groups[("name", name_key(row.values.get("name", "")), row.values["desa"].pk)].append(row)
    labels = {"nib": "NIB", "owner_nik": "NIK"}
    for key, group in groups.items():
        if len(group) < 2:
            continue
        for row in group:
            others = ", ".join(str(other.number) for other in group if other is not row)
            if key[0] == "target":
                message = f"Baris ini dan baris {others} sama-sama cocok dengan usaha #{key[1]}."
                column = "—"
            elif key[0] == "name":
                message = f"Usaha dengan nama dan desa yang sama tertulis juga di baris {others}."
                column = _column_of(sheet, "name")
            else:
                message = f"{labels[key[0]]} {key[1]} tertulis juga di baris {others}."
                column = _column_of(sheet, key[0])
            if (column, message) not in row.errors:
                row.add_error(column, message)


def _load_targets(pks, reference: Reference, *, lock: bool) -> dict[int, Business]:
    """The businesses to update, a thousand per query, locked when the plan is about to be applied."""
    pks = sorted(pks)
    found = {}
    for start in range(0, len(pks), 1000):
        queryset = Business.objects.filter(pk__in=pks[start : start + 1000]).order_by("pk")
        if lock:
            queryset = queryset.select_for_update()
        for business in queryset:
            business.desa = reference.desa[business.desa_id]
            business.kecamatan = reference.kecamatan[business.kecamatan_id]
            business.sector = reference.sectors[business.sector_id]
            found[business.pk] = business
    return found


TEXT_FIELDS_KEEPING_SPELLING = ("name", "owner_name", "address")


def _same(name: str, old, new) -> bool:
    if name in TEXT_FIELDS_KEEPING_SPELLING:
        # "KERIPIK TEMPE BU SRI" in an office file is the registry's "Keripik Tempe Bu Sri".
        return name_key(old or "") == name_key(new or "")
    if name == "phone":
        return re.sub(r"^\+62", "0", old or "") == re.sub(r"^\+62", "0", new or "")
    return old == new


def _apply_values(row: RowPlan, business: Business):
    for name, value in row.values.items():
        old = getattr(business, name)
        if not _same(name, old, value):
            row.changes.append((name, old, value))
            setattr(business, name, value)


# full_clean runs the model's field validators and clean() on every row. Foreign keys come from the
# reference data read above, and uniqueness of NIB and NIK is checked against the index in memory:
# left to full_clean, each would cost a query per row (35.000 rows → 140.000 queries).
CLEAN_EXCLUDE = ["kecamatan", "desa", "sector"]


def _validate(row: RowPlan, sheet: Sheet, index: RegistryIndex):
    business = row.business
    if business.pk is None:
        for name in ("desa", "sector"):
            if name not in row.values:
                row.add_error(
                    _column_of(sheet, name), f"{COLUMN_BY_FIELD[name].header} wajib diisi untuk usaha baru."
                )
    try:
        business.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.add_error(_column_of(sheet, name), message)
    for name, lookup in (("nib", index.by_nib), ("owner_nik", index.by_nik)):
        value = getattr(business, name)
        holder = lookup.get(value) if value else None
        if holder is not None and holder != business.pk:
            label = "NIB" if name == "nib" else "NIK"
            row.add_error(
                _column_of(sheet, name), f"{label} ini sudah dipakai oleh usaha lain di registri (#{holder})."
            )


def build_plan(path, file_name: str = "", *, lock: bool = False, progress: Callable | None = None) -> Plan:
    """Read a file and decide, row by row, what importing it would do. Writes nothing.

    Queries: three for the reference data, one streamed for the registry's keys, and one per thousand
    businesses to update (locked with select_for_update when `lock`, inside the apply's transaction).
    """
    report = progress or (lambda phase, done, total: None)
    report("membaca", 0, 0)
    sheet, raw_rows = read_file(path, file_name, report)
    total = len(raw_rows)
    reference = Reference()
    index = RegistryIndex()
    rows = []
    for done, raw in enumerate(raw_rows, start=1):
        row = _read_row(raw, sheet, reference)
        if not row.errors:
            _match(row, index, sheet)
        rows.append(row)
        if done % PROGRESS_EVERY == 0:
            report("memeriksa", done // 2, total)
    _flag_duplicates(rows, sheet)
    targets = _load_targets(
        {row.target for row in rows if row.target and not row.errors}, reference, lock=lock
    )
    today = timezone.localdate()
    for done, row in enumerate(rows, start=1):
        if not row.errors:
            if row.target:
                row.business = targets[row.target]
                _apply_values(row, row.business)
            else:
                values = {"registered_on": today, **row.values}
                if "desa" in values:
                    values["kecamatan"] = values["desa"].kecamatan
                row.business = Business(**values)
            _validate(row, sheet, index)
        if row.errors:
            row.action = ERROR
        elif row.business.pk is None:
            row.action = CREATE
        else:
            row.action = UPDATE if row.changes else UNCHANGED
        if done % PROGRESS_EVERY == 0:
            report("memeriksa", (total + done) // 2, total)
    report("memeriksa", total, total)
    return Plan(sheet, rows)


# --- What the preview page shows ---------------------------------------------------------------

FIELD_LABELS = {column.field: column.header for column in COLUMNS}
MONEY_FIELDS = ("turnover", "capital")


def display_value(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name in MONEY_FIELDS:
        return rupiah(value)
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, datetime.date):
        return tanggal(value)
    if name == "owner_gender":
        return Business.Gender(value).label
    if name == "status":
        return Business.Status(value).label
    return str(value)


def preview_data(plan: Plan) -> dict:
    """What the preview page shows, as JSON for RegistryImport.preview: samples of each kind, all capped."""
    errors, updates, creates, notes = [], [], [], []
    for row in plan.rows:
        if row.action == ERROR:
            errors.extend({"row": row.number, "column": column, "message": msg} for column, msg in row.errors)
        elif row.action == UPDATE:
            updates.append(
                {
                    "row": row.number,
                    "business_id": row.target,
                    "name": row.business.name,
                    "changes": [
                        {
                            "field": FIELD_LABELS[name],
                            "old": display_value(name, old),
                            "new": display_value(name, new),
                        }
                        for name, old, new in row.changes
                    ],
                }
            )
        elif row.action == CREATE:
            business = row.business
            creates.append(
                {
                    "row": row.number,
                    "name": business.name,
                    "owner_name": business.owner_name,
                    "desa": business.desa.name,
                    "kecamatan": business.kecamatan.name,
                    "sector": business.sector.name,
                    "turnover": display_value("turnover", business.turnover),
                }
            )
        if row.action != ERROR:
            notes.extend({"row": row.number, "message": note} for note in row.notes)
    data = {
        "sheet": plan.sheet.name,
        "header_row": plan.sheet.header_row,
        "columns": [
            {"header": header, "field": FIELD_LABELS[name]} for name, header in plan.sheet.headers.items()
        ],
        "ignored_columns": plan.sheet.ignored,
        "digest": plan.digest,
        "totals": {
            "errors": len(errors),
            "updates": len(updates),
            "creates": len(creates),
            "notes": len(notes),
        },
    }
    for key, items in (("errors", errors), ("updates", updates), ("creates", creates), ("notes", notes)):
        data[key] = items[: PREVIEW_LIMITS[key]]
    return data


# --- Progress, for the page that waits on a background job ------------------------------------


class ProgressFile:
    """How far a background import has got, in a small JSON file beside the upload.

    The apply step runs in one long transaction; a progress row written inside it would stay invisible
    until the end, and SQLite lets no second connection write meanwhile. A file works on both databases.
    """

    PHASES = {
        "membaca": "Membaca berkas",
        "memeriksa": "Memeriksa baris",
        "menyimpan": "Menyimpan ke registri",
    }

    def __init__(self, path: Path):
        self.path = Path(path)

    def write(self, phase: str, done: int, total: int):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
        os.replace(temporary, self.path)  # the page never reads half a file

    def read(self) -> dict:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        data["label"] = self.PHASES.get(data.get("phase"), "")
        return data

    def remove(self):
        self.path.unlink(missing_ok=True)

    def last_written(self) -> datetime.datetime | None:
        """When the job last reported, or None when it has not (yet, or any more)."""
        try:
            return datetime.datetime.fromtimestamp(self.path.stat().st_mtime, tz=datetime.UTC)
        except OSError:
            return None


# --- The template ------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The .xlsx offered for download: the canonical headers, one example row and a 'Petunjuk' sheet."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    money = workbook.add_format({"num_format": '"Rp "#,##0'})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet("Data UMKM")
    for position, column in enumerate(COLUMNS):
        sheet.write_string(0, position, column.header, bold)
        example = column.example
        if column.field in ("owner_nik", "nib", "phone", "kbli_code"):
            # Text columns, so Excel keeps leading zeros and all 16 digits of a NIK.
            sheet.set_column(position, position, 20, text)
            sheet.write_string(1, position, str(example), text)
        elif column.field in MONEY_FIELDS:
            sheet.set_column(position, position, 20, money)
            sheet.write_number(1, position, example, money)
        elif isinstance(example, datetime.date):
            sheet.set_column(position, position, 16, date)
            sheet.write_datetime(1, position, datetime.datetime.combine(example, datetime.time()), date)
        elif isinstance(example, int):
            sheet.set_column(position, position, 14)
            sheet.write_number(1, position, example)
        else:
            sheet.set_column(position, position, max(14, len(column.header) + 2))
            sheet.write_string(1, position, str(example))
    sheet.freeze_panes(1, 0)

    guide = workbook.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 26)
    guide.set_column(1, 1, 80)
    guide.set_column(2, 3, 22)
    line = 0
    for heading, body in (
        ("Cara mengisi", "Satu baris satu usaha, mulai baris 2 lembar “Data UMKM”. Judul kolom tetap."),
        ("Usaha yang sudah ada", "Dicocokkan lewat NIB, lalu NIK, lalu nama usaha + desa. Sel kosong tidak "
         "menghapus data yang sudah ada di registri."),
        ("Pratinjau", "Sebelum disimpan, aplikasi menampilkan usaha baru, perubahan dan baris bergalat."),
    ):  # fmt: skip
        guide.write_string(line, 0, heading, bold)
        guide.write_string(line, 1, body)
        line += 1
    line += 1
    guide.write_string(line, 0, "Kolom", bold)
    guide.write_string(line, 1, "Isi yang diterima", bold)
    line += 1
    for column in COLUMNS:
        guide.write_string(line, 0, column.header)
        guide.write_string(line, 1, column.accepted)
        line += 1
    line += 1
    # Names of sectors, kecamatan and desa come from the database (admin may edit them): neutralised as in
    # every export, so none is ever read as a formula.
    guide.write_string(line, 0, "Sektor", bold)
    guide.write_string(line, 1, "Awalan kode KBLI yang dibaca sebagai sektor ini", bold)
    line += 1
    for sector in Sector.objects.all():
        guide.write_string(line, 0, neutralise(sector.name))
        guide.write_string(line, 1, ", ".join(SECTOR_KBLI_PREFIXES.get(sector.slug, ())))
        line += 1
    line += 1
    guide.write_string(line, 0, "Kecamatan", bold)
    guide.write_string(line, 1, "Desa/Kelurahan", bold)
    line += 1
    desa_by_kecamatan = defaultdict(list)
    for desa in Desa.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        desa_by_kecamatan[desa.kecamatan.name].append(desa.name)
    for kecamatan, names in desa_by_kecamatan.items():
        guide.write_string(line, 0, neutralise(kecamatan))
        guide.write_string(line, 1, neutralise(", ".join(names)))
        line += 1
    workbook.close()
    return output.getvalue()
