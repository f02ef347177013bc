"""Quarters (triwulan) of a budget year: the periods spending is planned and reported in."""

import datetime

QUARTERS = (1, 2, 3, 4)
QUARTER_NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}
QUARTER_NAMES = {quarter: f"Triwulan {numeral}" for quarter, numeral in QUARTER_NUMERALS.items()}


def quarter_of(day: datetime.date) -> int:
    """The calendar quarter a date falls in (1–4); dates are local (Asia/Jakarta) dates."""
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a quarter."""
    first = datetime.date(year, 3 * quarter - 2, 1)
    after = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return first, after - datetime.timedelta(days=1)


def parse_quarter(value, default: int) -> int:
    """A quarter from a query string or form value ("1"–"4"); anything else gives the default."""
    text = str(value or "").strip()
    return int(text) if text in ("1", "2", "3", "4") else default
