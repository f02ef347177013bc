"""A kecamatan's page: its desa with their registrations, its businesses by sector and size class."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from ..models import DesaTally, Kecamatan, RegistryTally, Sector


def kecamatan_desa(kecamatan: Kecamatan) -> QuerySet:
    """The kecamatan's desa and kelurahan with how many registered businesses each has."""
    kept = (
        DesaTally.objects.filter(desa=OuterRef("pk"))
        .order_by()
        .values("desa")
        .annotate(registered=Sum("total_count"))
        .values("registered")
    )
    return kecamatan.desa_set.annotate(registered=Coalesce(Subquery(kept), 0)).order_by("name")


@dataclass
class SectorClasses:
    sector: Sector
    total: int = 0
    mikro: int = 0
    kecil: int = 0
    menengah: int = 0
    besar: int = 0
    unknown: int = 0


def kecamatan_registry(kecamatan: Kecamatan) -> list[SectorClasses]:
    """Businesses in the kecamatan by sector and size class, every sector listed; two queries.

    Counted from the kept figures (registry.tallies), never by reading the businesses.
    """
    counts = {
        (row["sector"], row["size_class"]): row["n"]
        for row in RegistryTally.objects.filter(kecamatan=kecamatan)
        .order_by()
        .values("sector", "size_class")
        .annotate(n=Sum("total_count"))
    }
    rows = []
    for sector in Sector.objects.order_by("order", "name"):
        row = SectorClasses(sector)
        for (sector_id, size_class), n in counts.items():
            if sector_id == sector.pk:
                setattr(row, size_class or "unknown", getattr(row, size_class or "unknown") + n)
                row.total += n
        rows.append(row)
    return rows
