"""The registry's figures: the headline summary, and the registry dashboard (/registri/dasbor/).

Every dashboard figure is a database aggregate, and the only Python loops run over aggregate rows
(22 kecamatan, the sectors, the years). Each figure carries the filter of the registry list behind it
(registry.filters.BusinessFilter), so the two always agree.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

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


@dataclass
class Figure:
    """A count and the registry list (its query string) that shows exactly those businesses."""

    label: str
    count: int
    query: str = ""
    share: Decimal | None = None  # percent of all businesses, for the share figures

    @property
    def url(self) -> str:
        path = reverse("registry:business_list")
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

    Three queries: the sectors, the kecamatan, and the kept figures (registry.tallies) grouped by
    kecamatan, sector and registration year (the years give the growth): a few thousand rows whatever
    the registry's size. Registry-wide figures are sums of the groups: every business lies in a
    kecamatan.
    """
    this_year = (today or timezone.localdate()).year
    sectors = list(Sector.objects.all())
    groups = registry_groups(this_year)
    kecamatan_list = list(Kecamatan.objects.order_by("name"))
    tallies = kecamatan_tallies(groups)
    registry = sum((tallies.get(kecamatan.pk, Tally()) for kecamatan in kecamatan_list), Tally())
    grand_total = registry["n_total"]
    return RegistryOverview(
        new_by_year=registrations_by_year(groups),
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


def share_counts() -> dict[str, Coalesce]:
    """The size-class and legal-status counts taken alongside each group, by name."""
    counts = {
        f"n_size_{size_class or 'unknown'}": kept_sum("total_count", size_class=size_class)
        for size_class, _ in SIZE_CLASS_SHARES
    }
    counts |= {f"n_{param}": kept_sum(field) for param, _, field in LEGAL_SHARES}
    return counts


def registry_groups(this_year: int) -> list[dict]:
    """The registry's counts by kecamatan, sector and registration year, from the kept figures.

    Each group has n_total, n_active, n_this_year (n_total when the group's year is this one) and
    the share_counts().
    """
    groups = list(
        RegistryTally.objects.order_by()
        .values("kecamatan_id", "sector_id", "year")
        .annotate(n_total=kept_sum("total_count"), n_active=kept_sum("active_count"), **share_counts())
        .filter(n_total__gt=0)
    )
    for group in groups:
        group["n_this_year"] = group["n_total"] if group["year"] == this_year else 0
    return groups


def registrations_by_year(groups: list[dict]) -> dict[int, int]:
    """Registrations per year, from the groups."""
    by_year: dict[int, int] = {}
    for group in groups:
        by_year[group["year"]] = by_year.get(group["year"], 0) + group["n_total"]
    return by_year


def kecamatan_tallies(groups: list[dict]) -> dict[int, Tally]:
    """Each kecamatan's counts (by kecamatan id), summed over its groups, with n_sector_<pk> per sector."""
    tallies: dict[int, Tally] = {}
    for group in groups:
        tally = tallies.setdefault(group["kecamatan_id"], Tally())
        tally[f"n_sector_{group['sector_id']}"] += group["n_total"]
        for name, count in group.items():
            if name.startswith("n_"):
                tally[name] += count
    return tallies


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
