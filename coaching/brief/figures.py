"""What the quarterly brief shows, read from the same selectors as the realisation page and the workbook."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from registry import selectors as registry_selectors
from registry.formatting import MONTHS, percent, share_percent, thousands

from .. import selectors
from ..models import Programme
from ..periods import QUARTER_NAMES, quarter_bounds

PACE_WORDS = {
    "sejalan": "sejalan",
    "tertinggal": "tertinggal dari waktu",
    "mendahului": "lebih cepat dari waktu",
}


@dataclass
class RegistryFigures:
    total: int  # in the registry at the quarter's end
    new_in_quarter: int
    new_in_year: int  # from 1 January up to the quarter's end

    @property
    def growth_in_year(self) -> Decimal:
        """Growth since the year began: the year's new businesses against the registry at its start."""
        return share_percent(self.new_in_year, self.total - self.new_in_year)


@dataclass
class BriefFigures:
    programme: Programme
    quarter: int
    starts_on: datetime.date
    ends_on: datetime.date
    printed_on: datetime.date
    realisation: selectors.Realisation
    coverage: list[selectors.KecamatanCoverage]  # worst-served first, as the coverage page lists them
    months: list[selectors.MonthFigure]
    issued: dict
    registry: RegistryFigures

    @property
    def quarter_name(self) -> str:
        return QUARTER_NAMES[self.quarter]

    @property
    def totals(self) -> selectors.CoverageTotals:
        return selectors.coverage_totals(self.coverage)

    @property
    def worst_served(self) -> list[selectors.KecamatanCoverage]:
        return [row for row in self.coverage if row.planned][:3]

    @property
    def month_of_quarter_end(self) -> selectors.MonthFigure | None:
        return next((m for m in self.months if m.month == self.ends_on.replace(day=1)), None)

    @property
    def sentences(self) -> list[str]:
        return [self._budget_sentence(), self._naik_kelas_sentence(), self._coverage_sentence()]

    def _budget_sentence(self) -> str:
        pace = self.realisation.pace
        return (
            f"Serapan anggaran {percent(pace.spent_percent)} pada {percent(pace.elapsed_percent)} "
            f"waktu berjalan — {PACE_WORDS[pace.status]}."
        )

    def _naik_kelas_sentence(self) -> str:
        physical = self.realisation.physical
        text = (
            f"{thousands(physical.verified)} UMKM naik kelas terverifikasi dari target "
            f"{thousands(physical.target)} ({percent(physical.verified_percent)})"
        )
        month = self.month_of_quarter_end
        if month is None:
            return f"{text}."
        gap = physical.verified - month.target_line
        where = "tepat pada" if gap == 0 else f"{thousands(abs(gap))} {'di atas' if gap > 0 else 'di bawah'}"
        month_name = MONTHS[month.month.month - 1]
        return f"{text}, {where} garis target akhir {month_name} ({thousands(month.target_line)})."

    def _coverage_sentence(self) -> str:
        totals = self.totals
        text = (
            f"Sesi terlaksana di {totals.reached} dari {len(self.coverage)} kecamatan "
            f"({thousands(totals.held)} dari {thousands(totals.planned)} sesi rencana)"
        )
        if not self.worst_served:
            return f"{text}."
        worst = self.worst_served[0]
        return (
            f"{text}; paling kurang terlayani: {worst.kecamatan.name} "
            f"({thousands(worst.held)} dari {thousands(worst.planned)} sesi)."
        )


def brief_figures(programme: Programme, quarter: int, *, today: datetime.date | None = None) -> BriefFigures:
    """Everything on the brief for a programme and quarter, up to the quarter's end; 10 queries.

    realisation (5), coverage to the quarter's end (1), naik kelas by month (1), certificates issued
    (1), and the registry at the quarter's end with what came in the quarter (1) and in the year (1).
    """
    today = today or timezone.localdate()
    starts_on, ends_on = quarter_bounds(programme.year, quarter)
    quarter_registry = registry_selectors.registry_at(starts_on, ends_on)
    year_registry = registry_selectors.registry_at(datetime.date(ends_on.year, 1, 1), ends_on)
    return BriefFigures(
        programme=programme,
        quarter=quarter,
        starts_on=starts_on,
        ends_on=ends_on,
        printed_on=today,
        realisation=selectors.realisation(programme, quarter, today=today),
        coverage=selectors.coverage(programme, until=ends_on),
        # Months after the quarter's end stay empty: the brief tells the quarter, not what came later.
        months=selectors.verified_by_month(programme, today=min(today, ends_on)),
        issued=selectors.certificates_issued(programme, starts_on, ends_on),
        registry=RegistryFigures(
            total=sum(group["total"] for group in quarter_registry.values()),
            new_in_quarter=sum(group["new"] for group in quarter_registry.values()),
            new_in_year=sum(group["new"] for group in year_registry.values()),
        ),
    )
