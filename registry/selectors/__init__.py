"""The registry's complex readers: querysets with their joins, and figures as database aggregates.

One module per concern; everything is re-exported here, so callers write `selectors.business_list()`
or `from registry.selectors import business_list`.
"""

from .businesses import Duplicate, business_find_duplicates, business_list, kbli_title
from .growth import (
    FASTEST_DESA_LIMIT,
    GROWTH_FROM_YEAR,
    DesaGrowth,
    GrowthYear,
    fastest_desa_year,
    fastest_growing_desa,
    registry_at,
    registry_growth,
)
from .open_data import open_data_counts
from .overview import (
    LEGAL_SHARES,
    SIZE_CLASS_SHARES,
    Figure,
    KecamatanRow,
    RegistryOverview,
    registry_overview,
    registry_summary,
)
from .timeline import (
    HISTORY_KINDS,
    MONEY_FIELDS,
    Change,
    TimelineEntry,
    business_changes_since,
    business_timeline,
    business_value_shower,
    changes_since,
    history_timeline,
    timeline_entry,
    who_did,
)
from .wilayah import SectorClasses, kecamatan_desa, kecamatan_registry

__all__ = [
    "business_list",
    "Duplicate",
    "business_find_duplicates",
    "kbli_title",
    "Change",
    "TimelineEntry",
    "MONEY_FIELDS",
    "business_value_shower",
    "business_timeline",
    "business_changes_since",
    "HISTORY_KINDS",
    "who_did",
    "timeline_entry",
    "history_timeline",
    "changes_since",
    "registry_summary",
    "SIZE_CLASS_SHARES",
    "LEGAL_SHARES",
    "Figure",
    "KecamatanRow",
    "RegistryOverview",
    "registry_overview",
    "GROWTH_FROM_YEAR",
    "FASTEST_DESA_LIMIT",
    "GrowthYear",
    "registry_growth",
    "fastest_desa_year",
    "DesaGrowth",
    "fastest_growing_desa",
    "registry_at",
    "open_data_counts",
    "kecamatan_desa",
    "SectorClasses",
    "kecamatan_registry",
]
