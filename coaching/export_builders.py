"""Coaching's list exports, built from a list's query string: by the export views, and by the task
queue when a long export is prepared there (registered in CoachingConfig.ready).

Each export filters its rows with the same function as its list (coaching.filters), so the file holds
exactly the rows the person saw, and the task needs nothing from the request.
"""

from django.shortcuts import get_object_or_404

from registry import export_jobs

from . import filters, selectors
from .exports import CohortExporter, ExpenditureExporter, SessionExporter
from .models import Programme


def cohort_export(parameters, *, user, pk) -> CohortExporter:
    programme = get_object_or_404(Programme, pk=pk)
    # A business whose owner restricted processing (UU 27/2022) leaves every export.
    cohort = filters.cohort_filter(parameters, programme).qs.exclude(business__processing_restricted=True)
    cohort = selectors.with_last_session(cohort)
    return CohortExporter(cohort, user=user, programme=programme)


def session_export(parameters, *, user) -> SessionExporter:
    return SessionExporter(filters.session_filter(parameters).qs, user=user)


def expenditure_export(parameters, *, user, pk) -> ExpenditureExporter:
    programme = get_object_or_404(Programme, pk=pk)
    spending = filters.spending_filter(parameters, programme)
    return ExpenditureExporter(spending.qs, user=user, programme=programme)


def register() -> None:
    export_jobs.register("coaching:cohort_export", cohort_export)
    export_jobs.register("coaching:session_export", session_export)
    export_jobs.register("coaching:expenditure_export", expenditure_export)
