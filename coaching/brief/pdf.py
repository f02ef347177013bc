"""The brief as a one-page A4 PDF: a template, server-drawn SVG charts and map, printed by WeasyPrint."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.urls import reverse

from registry.formatting import MONTHS
from registry.maps import kecamatan_map

from ..models import Programme
from ..periods import QUARTER_NAMES, QUARTER_NUMERALS, QUARTERS
from . import charts
from .figures import BriefFigures, brief_figures

STYLESHEET = Path(__file__).resolve().parent / "brief.css"
CONTENT_TYPE = "application/pdf"


def brief_filename(programme: Programme, quarter: int) -> str:
    return f"ringkasan-triwulan-{programme.year}-{QUARTER_NUMERALS[quarter]}.pdf"


def _charts(figures: BriefFigures) -> dict:
    realisation, months = figures.realisation, figures.months
    pace, physical = realisation.pace, realisation.physical
    return {
        "verified": charts.line_chart(
            [MONTHS[month.month.month - 1][:3] for month in months],
            [
                charts.Series("terverifikasi (kumulatif)", [month.verified for month in months]),
                charts.Series("garis lurus ke target", [month.target_line for month in months], dashed=True),
            ],
            title="Naik kelas terverifikasi per bulan (kumulatif) dan garis menuju target",
        ),
        "spending": charts.bar_chart(
            [QUARTER_NAMES[q].replace("Triwulan", "TW") for q in QUARTERS],
            [row.plan for row in realisation.quarters],
            [row.spent if row.quarter <= figures.quarter else None for row in realisation.quarters],
            title="Belanja per triwulan: rencana dan realisasi",
        ),
        "pace": charts.meters(
            [
                charts.Meter("Keuangan", pace.spent_percent),
                charts.Meter("Fisik", physical.average_percent),
                charts.Meter("Waktu berjalan", pace.elapsed_percent, solid=False),
            ],
            title="Realisasi keuangan dan fisik dibanding waktu berjalan",
        ),
    }


def _map(figures: BriefFigures):
    return kecamatan_map(
        values={row.kecamatan.code: row.held for row in figures.coverage},
        links={},
        label="sesi terlaksana",
    )


@dataclass(frozen=True)
class MapLabel:
    """A kecamatan's name and sessions on the map, on a white box about as wide as the name."""

    name: str
    value: int
    x: float
    y: float

    @property
    def box_width(self) -> float:
        return round(len(self.name) * 8.6 + 8, 1)  # DejaVu Sans at 15 units: about 8,6 units a letter

    @property
    def box_x(self) -> float:
        return round(self.x - self.box_width / 2, 1)

    @property
    def box_y(self) -> float:
        return round(self.y - 14, 1)


def _map_labels(kecamatan_map) -> list[MapLabel]:
    return [MapLabel(shape.name, shape.value, shape.label_x, shape.label_y) for shape in kecamatan_map.shapes]


def brief_html(figures: BriefFigures) -> str:
    shaded = _map(figures)
    return render_to_string(
        "coaching/brief.html",
        {
            "f": figures,
            "programme": figures.programme,
            "r": figures.realisation,
            "charts": _charts(figures),
            "map": shaded,
            "map_labels": _map_labels(shaded),
            "realisation_path": reverse("coaching:realisation", args=[figures.programme.pk]),
        },
    )


def quarterly_brief_pdf(programme: Programme, quarter: int, *, today: datetime.date | None = None) -> bytes:
    """The Ringkasan Triwulan of a programme and quarter as PDF bytes."""
    # WeasyPrint loads Pango through cffi when imported: only the brief pays for it, not every process.
    import weasyprint

    figures = brief_figures(programme, quarter, today=today)
    document = weasyprint.HTML(string=brief_html(figures), base_url=str(STYLESHEET.parent))
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))])
