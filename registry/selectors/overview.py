"""The registry's figures: the headline summary, and the registry dashboard (/registri/dasbor/).

Every dashboard figure is a database aggregate, and the only Python loops run over aggregate rows
(22 kecamatan, the sectors, the years). Each figure carries the filter of the registry list behind it
(registry.filters.BusinessFilter), so the two always agree.
"""

import datetime
import functools
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ..formatting import share_percent
from ..models import Business, Kecamatan, RegistryTally, Sector
from ..sizes import SIZE_CLASS_UNKNOWN


def kept_sum(field: str, **lookups) -> Coalesce:
    """A sum of kept figures (registry.tallies), 0 when no row matches."""
    return Coalesce(Sum(field, filter=Q(**lookups) if lookups else None), 0)


def registry_summary() -> dict:
    """Headline registry figures in one aggregate query over the kept figures (a few thousand rows)."""
    this_year = timezone.localdate().year
    return RegistryTally.objects.aggregate(
        total=kept_sum("total_count"),
        active=kept_sum("active_count"),
        with_nib=kept_sum("nib_count"),
        registered_this_year=kept_sum("total_count", year=this_year),
        mikro=kept_sum("total_count", size_class="mikro"),
        kecil=kept_sum("total_count", size_class="kecil"),
        menengah=kept_sum("total_count", size_class="menengah"),
    )


# --- dashboard --------------------------------------------------------------------------------

SIZE_CLASS_SHARES = [
    ("mikro", "Mikro"),
    ("kecil", "Kecil"),
    ("menengah", "Menengah"),
    ("besar", "Besar (di atas UMKM)"),
    ("", "Belum diketahui"),
]
# (BusinessFilter parameter, label, the kept figure (RegistryTally) that counts "has it")
LEGAL_SHARES = [
    ("nib", "NIB", "nib_count"),
    ("has_pirt", "PIRT", "pirt_count"),
    ("has_halal", "Sertifikat halal", "halal_count"),
]


@functools.cache
def business_list_path() -> str:
    """The registry list's path, resolved once: the dashboard links two hundred figures to it."""
    return reverse("registry:business_list")


@dataclass
class Figure:
    """A count and the registry list (its query string) that shows exactly those businesses."""

    label: str
    count: int
    query: str = ""
    share: Decimal | None = None  # percent of all businesses, for the share figures

    @property
    def url(self) -> str:
        path = business_list_path()
        return f"{path}?{self.query}" if self.query else path


@dataclass
class KecamatanRow:
    kecamatan: Kecamatan
    cells: list[Figure]  # one per sector, in the sectors' order
    total: Figure


@dataclass
class RegistryOverview:
    headline: list[Figure]  # total, active, with NIB, registered this year
    sectors: list[Sector]
    rows: list[KecamatanRow]  # every kecamatan by name, zeros included
    sector_totals: list[Figure]
    total: Figure
    size_classes: list[Figure]
    legal: list[tuple[Figure, Figure]]  # (has it, has it not) for NIB, PIRT and halal
    new_by_year: dict[int, int]  # registrations per year, for registry_growth()


# A kecamatan's tally: its counts by name ("n_total", "n_active", "n_this_year", "n_size_mikro",
# "n_nib", "n_sector_<pk>"…), summed over its groups; a count it has no group for is 0.
Tally = Counter[str]


def registry_overview(*, today: datetime.date | None = None) -> RegistryOverview:
    """Headline figures, the kecamatan × sector table, and the shares by size class and legal status.

    Three queries: the sectors, the kecamatan, and one over the kept figures (registry.tallies): the
    registry by year of registration with every share counted alongside, and the kecamatan × sector
    cells. Neither grows with the registry, and Python walks only those few hundred rows.
    """
    this_year = (today or timezone.localdate()).year
    sectors = list(Sector.objects.all())
    kecamatan_list = list(Kecamatan.objects.order_by("name"))
    years, cells = registry_years_and_cells()
    tallies = kecamatan_tallies(cells)
    registry = registry_tally(years, tallies, this_year)
    grand_total = registry["n_total"]
    return RegistryOverview(
        new_by_year={row["year"]: row["n_total"] for row in years},
        headline=headline_figures(registry, this_year),
        sectors=sectors,
        rows=[
            kecamatan_row(kecamatan, tallies.get(kecamatan.pk, Tally()), sectors)
            for kecamatan in kecamatan_list
        ],
        sector_totals=[
            Figure(sector.name, registry[f"n_sector_{sector.pk}"], f"sector={sector.pk}")
            for sector in sectors
        ],
        total=Figure("Jumlah", grand_total),
        size_classes=[
            share_figure(
                label,
                registry[f"n_size_{size_class or 'unknown'}"],
                f"size_class={size_class or SIZE_CLASS_UNKNOWN}",
                grand_total,
            )
            for size_class, label in SIZE_CLASS_SHARES
        ],
        legal=legal_shares(registry),
    )


# The counts registry_years() takes alongside each year, by name, and the kept figure each sums.
YEAR_COUNTS = [
    ("n_total", "total_count", None),
    ("n_active", "active_count", None),
    *(
        (f"n_size_{size_class or 'unknown'}", "total_count", size_class)
        for size_class, _ in SIZE_CLASS_SHARES
    ),
    *((f"n_{param}", field, None) for param, _, field in LEGAL_SHARES),
]


def registry_years_and_cells() -> tuple[list[dict], list[dict]]:
    """One query over the kept figures: the registry by year of registration (n_total, n_active, the
    size-class and legal counts: a row a year, their sum is the registry), and by kecamatan × sector
    (n_total: a couple of hundred cells). A UNION ALL of the two GROUP BYs."""
    quote = connection.ops.quote_name
    table = quote(RegistryTally._meta.db_table)
    year_sums, params = [], []
    for _, field, size_class in YEAR_COUNTS:
        if size_class is None:
            year_sums.append(f"SUM({quote(field)})")
        else:
            year_sums.append(f"SUM(CASE WHEN {quote('size_class')} = %s THEN {quote(field)} ELSE 0 END)")
            params.append(size_class)
    zeros = ", ".join(["0"] * (len(YEAR_COUNTS) - 1))
    year, kecamatan, sector = quote("year"), quote("kecamatan_id"), quote("sector_id")
    # Table and column names come from the model; the size classes go as parameters.
    sql = (
        f"SELECT 1, {year}, NULL, NULL, {', '.join(year_sums)} FROM {table} GROUP BY {year} "
        f"UNION ALL SELECT 2, NULL, {kecamatan}, {sector}, SUM({quote('total_count')}), {zeros} "
        f"FROM {table} GROUP BY {kecamatan}, {sector}"
    )
    years, cells = [], []
    names = [name for name, _, _ in YEAR_COUNTS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, year, kecamatan_id, sector_id, *counts in cursor.fetchall():
            if not counts[0]:
                continue  # a kept row of zeros: no business
            if kind == 1:
                years.append({"year": year, **dict(zip(names, map(int, counts), strict=True))})
            else:
                cells.append(
                    {"kecamatan_id": kecamatan_id, "sector_id": sector_id, "n_total": int(counts[0])}
                )
    return years, cells


def kecamatan_tallies(cells: list[dict]) -> dict[int, Tally]:
    """Each kecamatan's n_total and n_sector_<pk> (by kecamatan id), from the cells."""
    tallies: dict[int, Tally] = {}
    for cell in cells:
        tally = tallies.setdefault(cell["kecamatan_id"], Tally())
        tally[f"n_sector_{cell['sector_id']}"] += cell["n_total"]
        tally["n_total"] += cell["n_total"]
    return tallies


def registry_tally(years: list[dict], tallies: dict[int, Tally], this_year: int) -> Tally:
    """The registry's counts: the years' sums, this year's registrations and each sector's total."""
    registry = Tally()
    for row in years:
        for name, count in row.items():
            if name.startswith("n_"):
                registry[name] += count
        if row["year"] == this_year:
            registry["n_this_year"] += row["n_total"]
    for tally in tallies.values():
        for name, count in tally.items():
            if name.startswith("n_sector_"):
                registry[name] += count
    return registry


def share_figure(label: str, count: int, query: str, grand_total: int) -> Figure:
    return Figure(label, count, query, share_percent(count, grand_total))


def headline_figures(registry: Tally, this_year: int) -> list[Figure]:
    return [
        Figure("UMKM di registri", registry["n_total"]),
        Figure("Aktif", registry["n_active"], f"status={Business.Status.ACTIVE}"),
        Figure("Sudah punya NIB", registry["n_nib"], "nib=ya"),
        Figure(f"Masuk registri tahun {this_year}", registry["n_this_year"], f"registered_year={this_year}"),
    ]


def kecamatan_row(kecamatan: Kecamatan, tally: Tally, sectors: list[Sector]) -> KecamatanRow:
    return KecamatanRow(
        kecamatan=kecamatan,
        cells=[
            Figure(
                sector.name, tally[f"n_sector_{sector.pk}"], f"kecamatan={kecamatan.pk}&sector={sector.pk}"
            )
            for sector in sectors
        ],
        total=Figure(kecamatan.name, tally["n_total"], f"kecamatan={kecamatan.pk}"),
    )


def legal_shares(registry: Tally) -> list[tuple[Figure, Figure]]:
    """(has it, has it not) for NIB, PIRT and halal, each with its share of the registry."""
    grand_total = registry["n_total"]
    legal = []
    for param, label, _ in LEGAL_SHARES:
        held = registry[f"n_{param}"]
        legal.append(
            (
                share_figure(label, held, f"{param}=ya", grand_total),
                share_figure(label, grand_total - held, f"{param}=tidak", grand_total),
            )
        )
    return legal
