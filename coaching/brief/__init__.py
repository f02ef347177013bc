"""The quarterly brief (Ringkasan Triwulan): one A4 page for the head of the office to take to meetings.

figures.py reads what it shows from the selectors the realisation page and the quarterly workbook use,
so the three agree to the rupiah; charts.py draws its charts as SVG on the server; pdf.py prints the
page (templates/coaching/brief.html, brief.css) with WeasyPrint, so no browser is needed.
"""

from .figures import BriefFigures, RegistryFigures, brief_figures
from .pdf import CONTENT_TYPE, brief_filename, brief_html, quarterly_brief_pdf

__all__ = [
    "CONTENT_TYPE",
    "BriefFigures",
    "RegistryFigures",
    "brief_figures",
    "brief_filename",
    "brief_html",
    "quarterly_brief_pdf",
]
