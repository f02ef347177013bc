"""How money, dates and NIK are shown: once, here, for pages and exports alike."""

import datetime
from decimal import Decimal

from django.utils import timezone

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def thousands(value: int) -> str:
    """1200000000 → '1.200.000.000' (Indonesian digit grouping)."""
    return f"{int(value):,}".replace(",", ".")


def rupiah(value) -> str:
    """Whole rupiah as 'Rp 1.200.000.000'; negative as '-Rp 5.000'; empty as '—'."""
    if value is None or value == "":
        return "—"
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {thousands(abs(amount))}"


def share_percent(part: int, whole: int) -> Decimal:
    """part as a percentage of whole, rounded down to one decimal and computed in integers; 0 of nothing."""
    if not whole:
        return Decimal(0)
    return Decimal(part * 1000 // whole) / 10


def one_decimal(value) -> str:
    """A number with one decimal, Indonesian style: Decimal('40.5') → '40,5'."""
    if value is None or value == "":
        return "—"
    return f"{value:.1f}".replace(".", ",")


def percent(value) -> str:
    """A percentage with one decimal, Indonesian style: Decimal('40.5') → '40,5 %'."""
    if value is None or value == "":
        return "—"
    return f"{one_decimal(value)} %"


def tanggal(value) -> str:
    """A date or datetime as '2 Mei 2024' (datetimes in Asia/Jakarta)."""
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def tanggal_jam(value) -> str:
    """A datetime as '2 Mei 2024 14.05' in Asia/Jakarta."""
    if not value:
        return "—"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{tanggal(local)} {local:%H.%M}"


def mask_nik(nik: str | None) -> str:
    """'3505034105900001' → '3505********0001' (UU 27/2022: personal data)."""
    if not nik:
        return "—"
    return f"{nik[:4]}{'*' * (len(nik) - 8)}{nik[-4:]}"
