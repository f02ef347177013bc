"""Chart specifications: defined in registry.charts (the lowest layer), re-exported for the pages here."""

from registry.charts import Chart, Dataset  # noqa: F401
