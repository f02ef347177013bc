"""Reading one cell's value as clerks type it: Rp 1.500.000, 1,5 jt, 02/05/2024, +62 phones, Ya/Tidak."""

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from ..formatting import tanggal
from ..validators import normalize_phone


class CellError(Exception):
    """A value in one cell cannot be read; the message is shown to the person, in Indonesian."""


EMPTY_MARKERS = {"", "-", "--", "—", "–", "n/a", "#n/a", "null", "none", "#value!", "#ref!"}
SCIENTIFIC_RE = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY_MARKERS)


def squash(text: str) -> str:
    """Lower case, accents and everything but letters and digits removed: a key for matching names."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("&", "dan"))


# What registry.spreadsheets.neutralise puts before a cell that would run as a formula ("'=…", "'+62…").
NEUTRALISED_RE = re.compile(r"^'(?=[=+\-@\t\r])")


def read_text(value) -> str:
    """A cell as text with its spaces tidied; Excel numbers without their '.0'; the export's formula
    guard taken off again, so "'=Toko" written out comes back as "=Toko"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return tanggal(value)
    return " ".join(NEUTRALISED_RE.sub("", str(value)).split())


TEXT_COLUMN_HINT = (
    "Format kolom {what} sebagai Teks (di Excel/LibreOffice: klik kanan kolom → Format Sel → Teks) "
    "lalu tulis ulang isinya, atau ketik tanda petik (') di depannya."
)


# A spreadsheet keeps 15 significant digits of a number: a 16-digit NIK typed into a number cell has
# already lost its last digit, and a number never keeps a leading zero.
SPREADSHEET_DIGITS = 15


def read_digits(value, *, what: str, length: int) -> str:
    """An identifier typed as text, or with spaces, dots and a leading apostrophe; `length` digits long.

    A number cell is taken only when it cannot have lost a digit (a 13-digit NIB); otherwise the row
    is refused with the way to keep the column as text, never guessed.
    """
    if isinstance(value, bool):
        raise CellError(f"{what} harus berupa angka.")
    if isinstance(value, int | float):
        digits = str(int(value))
        if len(digits) == length and length <= SPREADSHEET_DIGITS:
            return digits
        raise CellError(
            f"{what} tersimpan sebagai angka ({digits}), sehingga spreadsheet bisa menghilangkan digitnya. "
            + TEXT_COLUMN_HINT.format(what=what)
        )
    text = str(value).strip().lstrip("'")
    if SCIENTIFIC_RE.match(text):
        raise CellError(
            f"{what} tertulis sebagai angka ilmiah ({text}) sehingga digit terakhirnya hilang. "
            + TEXT_COLUMN_HINT.format(what=what)
        )
    return re.sub(r"[\s.\-]", "", text)


def read_id(value) -> int:
    """The registry's own ID of a business, as its export writes it."""
    text = read_text(value).lstrip("#")
    if not text.isdigit() or len(text) > 12:
        raise CellError(f"ID “{read_text(value)[:20]}” bukan nomor usaha di registri.")
    return int(text)


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
    elif text.startswith("8") or (isinstance(value, int | float) and not text.startswith("+")):
        # A spreadsheet that kept the number as a number dropped its leading 0 (0812… → 812…).
        raise CellError(
            f"No. HP {text} kehilangan angka 0 di depannya karena tersimpan sebagai angka. "
            + TEXT_COLUMN_HINT.format(what="No. HP")
        )
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
    return read_digits(value, what="NIK", length=16)


def read_nib(value) -> str:
    return read_digits(value, what="NIB", length=13)
