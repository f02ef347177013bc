"""Realisation by quarter: the page and the quarterly report workbook."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from registry.permissions import may_see_nik

from .. import brief, reports, selectors
from ..models import Programme
from ..periods import QUARTER_NAMES, parse_quarter


@permission_required("coaching.view_expenditure", raise_exception=True)
def realisation(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    quarter = parse_quarter(request.GET.get("triwulan"), default=selectors.default_quarter(programme))
    return render(
        request,
        "coaching/realisation.html",
        {
            "programme": programme,
            "realisation": selectors.realisation(programme, quarter),
            "quarter_names": QUARTER_NAMES,
        },
    )


# The report shows the money, so it goes to those who may see the spending: staf, admin and pimpinan.
@permission_required("coaching.view_expenditure", raise_exception=True)
def quarterly_report(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    quarter = parse_quarter(request.GET.get("triwulan"), default=selectors.default_quarter(programme))
    workbook = reports.quarterly_workbook(programme, quarter, show_nik=may_see_nik(request.user))
    filename = reports.report_filename(programme, quarter)
    return HttpResponse(
        workbook,
        content_type=reports.CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# The brief shows the money as the workbook does, so it goes to the same people: staf, admin and pimpinan.
@permission_required("coaching.view_expenditure", raise_exception=True)
def quarterly_brief(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    quarter = parse_quarter(request.GET.get("triwulan"), default=selectors.default_quarter(programme))
    filename = brief.brief_filename(programme, quarter)
    return HttpResponse(
        brief.quarterly_brief_pdf(programme, quarter),
        content_type=brief.CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
