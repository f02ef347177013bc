"""The registry's list exports that the task queue may prepare (registered in RegistryConfig.ready)."""

from . import export_jobs, selectors
from .exports import BusinessExporter
from .filters import BusinessFilter


def business_export(parameters, *, user) -> BusinessExporter:
    """The registry list's export for this query string, as registry.views.business_export makes it."""
    business_filter = BusinessFilter(parameters or None, queryset=selectors.business_list())
    return BusinessExporter(business_filter.qs, user=user)


def register() -> None:
    export_jobs.register("registry:business_export", business_export)
