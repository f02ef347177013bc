"""The quarterly report (Laporan Triwulan): one xlsx workbook per programme and quarter (DESIGN.md §4).

`quarterly_report()` (report.py) reads everything the workbook shows, with a fixed number of queries
whatever the size of the programme or the registry, and takes every figure the dashboards also show
from the same selectors (realisation, coverage, cohort), so the file agrees with the pages to the
rupiah. Each sheet has its module (summary, sessions, kecamatan, cohort, budget, spending,
registry, monev); workbook.py writes them through the project's one spreadsheet writer.
"""

from registry.spreadsheets import CONTENT_TYPE

from .report import quarterly_report, quarterly_workbook, report_filename
from .workbook import HEADER_ROW, write_workbook

__all__ = [
    "CONTENT_TYPE",
    "HEADER_ROW",
    "quarterly_report",
    "quarterly_workbook",
    "report_filename",
    "write_workbook",
]
