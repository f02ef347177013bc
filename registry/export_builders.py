"""The registry's list exports, built from a list's query string: by the export view, and by the task
queue when a long export is prepared there (registered in RegistryConfig.ready)."""

from . import export_jobs
from .exports import BusinessExporter
from .filters import business_filter


def business_export(parameters, *, user) -> BusinessExporter:
    """Exactly the rows of the registry list's filter, all pages, same order."""
    # A business whose owner restricted processing (UU 27/2022) leaves every export.
    return BusinessExporter(business_filter(parameters).qs.exclude(processing_restricted=True), user=user)


def register() -> None:
    export_jobs.register("registry:business_export", business_export)
