"""How the registry grew: registrations by year, the fastest-growing desa, the registry at a quarter's end.

Database aggregates like the dashboard's (see overview); Python only walks the years and ten desa.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ..formatting import share_percent
from ..models import Business, Desa, DesaTally, MonthTally
from .overview import Figure, kept_sum

GROWTH_FROM_YEAR = 2022  # earlier years are folded into one "s.d. 2021" row
FASTEST_DESA_LIMIT = 10


@dataclass
class GrowthYear:
    """New registrations in a year (or in every year up to it) and the registry at the year's end."""

    label: str
    new: Figure
    cumulative: Figure


def registry_growth(
    new_by_year: dict[int, int], *, today: datetime.date | None = None
) -> tuple[list[GrowthYear], list[int]]:
    """Growth by registration year, and the years that had registrations (newest first).

    From registrations per year (RegistryOverview.new_by_year). Rows: "s.d. 2021" (every earlier
    year), then each year from 2022 to this year (or the latest registration, if later), zeros
    included.
    """
    this_year = (today or timezone.localdate()).year
    before = GROWTH_FROM_YEAR - 1
    cumulative = sum(new for year, new in new_by_year.items() if year <= before)
    rows = [
        GrowthYear(
            f"s.d. {before}",
            Figure(f"s.d. {before}", cumulative, f"registered_until={before}"),
            Figure(f"s.d. {before}", cumulative, f"registered_until={before}"),
        )
    ]
    for year in range(GROWTH_FROM_YEAR, max([this_year, *new_by_year]) + 1):
        new = new_by_year.get(year, 0)
        cumulative += new
        rows.append(
            GrowthYear(
                str(year),
                Figure(str(year), new, f"registered_year={year}"),
                Figure(str(year), cumulative, f"registered_until={year}"),
            )
        )
    years = sorted((year for year, new in new_by_year.items() if new), reverse=True)
    return rows, years


def fastest_desa_year(
    requested, years_with_registrations: list[int], *, today: datetime.date | None = None
) -> tuple[int | None, int | None]:
    """(the year to show, the year asked for when it had no registrations, else None).

    The year asked for (?tahun=) defaults to last year; when it had no registrations, the latest
    year that did is shown instead (None when the registry is empty).
    """
    last_year = (today or timezone.localdate()).year - 1
    try:
        asked = int(requested)
    except (TypeError, ValueError):
        asked = last_year
    if asked in years_with_registrations:
        return asked, None
    return (years_with_registrations[0] if years_with_registrations else None), asked


@dataclass
class DesaGrowth:
    desa_id: int
    desa_name: str
    kecamatan_name: str
    at_start: Figure  # registered before the year
    new: Figure  # registered in the year

    @property
    def url(self) -> str:
        """The desa's registry list."""
        return f"{reverse('registry:business_list')}?desa={self.desa_id}"

    @property
    def growth(self) -> Decimal | None:
        """New as a percentage of the count at the start of the year; None for a desa new to the registry."""
        if not self.at_start.count:
            return None
        return share_percent(self.new.count, self.at_start.count)


def fastest_growing_desa(year: int, *, limit: int = FASTEST_DESA_LIMIT) -> list[DesaGrowth]:
    """The desa with the most new registrations in the year (ties: faster growth, then id). Two queries.

    Counted from the kept figures by desa and year (registry.tallies), a few thousand rows whatever
    the registry's size; the ten names come after in a query of their own.
    """
    rows = list(
        DesaTally.objects.filter(year__lte=year)
        .order_by()
        .values("desa_id")
        .annotate(
            new=kept_sum("total_count", year=year),
            at_start=kept_sum("total_count", year__lt=year),
        )
        .filter(new__gt=0)
        .order_by("-new", "at_start", "desa_id")[:limit]
    )
    desa = Desa.objects.select_related("kecamatan").in_bulk([row["desa_id"] for row in rows])
    return [
        DesaGrowth(
            desa_id=row["desa_id"],
            desa_name=desa[row["desa_id"]].name,
            kecamatan_name=desa[row["desa_id"]].kecamatan.name,
            at_start=Figure(
                desa[row["desa_id"]].name,
                row["at_start"],
                f"desa={row['desa_id']}&registered_until={year - 1}",
            ),
            new=Figure(
                desa[row["desa_id"]].name, row["new"], f"desa={row['desa_id']}&registered_year={year}"
            ),
        )
        for row in rows
    ]


def registry_at(starts_on: datetime.date, ends_on: datetime.date) -> dict[tuple[int, int], dict]:
    """Businesses in the registry at the quarter's end by (kecamatan, sector), with those new in it.

    A business counts from the day it entered the registry, whatever its status now. For whole months
    (a quarter is three) one query over the kept figures by month (registry.tallies); other periods
    are counted from the business table.
    """
    if starts_on.day != 1 or (ends_on + datetime.timedelta(days=1)).day != 1:
        groups = (
            Business.objects.filter(registered_on__lte=ends_on)
            .order_by()
            .values("kecamatan_id", "sector_id")
            .annotate(total=Count("id"), new=Count("id", filter=Q(registered_on__gte=starts_on)))
        )
    else:
        by_end = Q(year__lt=ends_on.year) | Q(year=ends_on.year, month__lte=ends_on.month)
        since_start = Q(year__gt=starts_on.year) | Q(year=starts_on.year, month__gte=starts_on.month)
        groups = (
            MonthTally.objects.filter(by_end)
            .order_by()
            .values("kecamatan_id", "sector_id")
            .annotate(total=kept_sum("total_count"), new=Coalesce(Sum("total_count", filter=since_start), 0))
            .filter(total__gt=0)
        )
    return {(group["kecamatan_id"], group["sector_id"]): group for group in groups}
