"""Coaching's list exports that the task queue may prepare (registered in CoachingConfig.ready).

Each rebuilds the exporter its view in coaching.views makes, from the list's query string, so the
task needs nothing from the request.
"""

from django.shortcuts import get_object_or_404

from registry import export_jobs

from . import selectors
from .exports import CohortExporter, ExpenditureExporter, SessionExporter
from .filters import CohortFilter, ExpenditureFilter, SessionFilter
from .models import Programme


def cohort_export(parameters, *, user, pk) -> CohortExporter:
    programme = get_object_or_404(Programme, pk=pk)
    cohort_filter = CohortFilter(parameters or None, queryset=selectors.cohort(programme))
    return CohortExporter(cohort_filter.qs, user=user, programme=programme)


def session_export(parameters, *, user) -> SessionExporter:
    session_filter = SessionFilter(parameters or None, queryset=selectors.session_list())
    return SessionExporter(session_filter.qs, user=user)


def expenditure_export(parameters, *, user, pk) -> ExpenditureExporter:
    programme = get_object_or_404(Programme, pk=pk)
    spending = ExpenditureFilter(
        parameters or None,
        queryset=selectors.expenditure_list().filter(budget_line__programme=programme),
        programme=programme,
    )
    return ExpenditureExporter(spending.qs, user=user, programme=programme)


def register() -> None:
    export_jobs.register("coaching:cohort_export", cohort_export)
    export_jobs.register("coaching:session_export", session_export)
    export_jobs.register("coaching:expenditure_export", expenditure_export)
