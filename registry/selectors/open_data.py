"""The registry's open-data aggregate: counts by kecamatan × sector × size class × year of registration."""

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When

from ..models import RegistryTally
from ..sizes import SIZE_CLASS_RANK

# Mikro, kecil, menengah, besar, then the businesses whose class is not known yet.
SIZE_CLASS_ORDER = Case(
    *(When(size_class=size_class, then=Value(rank)) for size_class, rank in SIZE_CLASS_RANK.items()),
    default=Value(len(SIZE_CLASS_RANK) + 1),
    output_field=IntegerField(),
)


def open_data_counts() -> QuerySet:
    """One GROUP BY over the kept figures (registry.tallies); nothing of a person is ever read.

    Only the combinations that hold a business come back (a zero is left out), ordered as they are
    published: by kecamatan code, sector, size class and year.
    """
    return (
        RegistryTally.objects.order_by()
        .values(
            "kecamatan__code",
            "kecamatan__bps_code",
            "kecamatan__name",
            "sector__name",
            "size_class",
            "year",
        )
        .annotate(total=Sum("total_count"), active=Sum("active_count"))
        .filter(total__gt=0)
        .order_by("kecamatan__code", "sector__order", "sector__name", SIZE_CLASS_ORDER, "year")
    )
