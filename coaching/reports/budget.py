"""The Anggaran sheet: realisation per budget line and per quarter."""

from registry.formatting import tanggal
from registry.spreadsheets import MONEY, PERCENT, Column, Table

from .common import NUMBER_COLUMN, Period, Sheet, percent


def budget_sheet(realisation, period: Period) -> Sheet:
    def line_cells(line):
        return [
            line.allocation,
            line.plan_quarter,
            line.spent_quarter,
            percent(line.quarter_percent),
            line.plan_to_date,
            line.spent_to_date,
            percent(line.plan_to_date_percent),
            line.remaining,
            percent(line.percent),
        ]

    total = realisation.total
    lines = Table(
        columns=[
            NUMBER_COLUMN,
            Column("Mata anggaran", width=36, wrap=True),
            Column("Kategori", width=20),
            Column("Pagu (Rp)", MONEY, 17),
            Column(f"Rencana {period.name} (Rp)", MONEY, 17),
            Column(f"Belanja {period.name} (Rp)", MONEY, 17),
            Column("% rencana triwulan", PERCENT, 11),
            Column("Rencana kumulatif (Rp)", MONEY, 17),
            Column("Belanja kumulatif (Rp)", MONEY, 17),
            Column("% rencana kumulatif", PERCENT, 11),
            Column("Sisa pagu (Rp)", MONEY, 17),
            Column("% pagu", PERCENT, 9),
        ],
        rows=[
            [number, line.name, line.category, *line_cells(line)]
            for number, line in enumerate(realisation.lines, 1)
        ],
        totals=["Jumlah", None, None, *line_cells(total)],
    )
    quarters = Table(
        heading="Rencana dan belanja per triwulan",
        first_column=1,
        columns=[
            Column("Triwulan"),
            Column("Rencana (Rp)", MONEY, 17),
            Column("Belanja (Rp)", MONEY, 17),
            Column("% rencana", PERCENT, 11),
            Column("Rencana kumulatif (Rp)", MONEY, 17),
            Column("Belanja kumulatif (Rp)", MONEY, 17),
        ],
        rows=[
            [q.name, q.plan, q.spent, percent(q.percent), q.plan_cumulative, q.spent_cumulative]
            for q in realisation.quarters
        ],
        filtered=False,
    )
    notes = [f"Kumulatif: sejak awal tahun anggaran sampai {tanggal(period.ends_on)}."]
    if realisation.unallocated:
        notes.append(
            "Pagu program yang belum dialokasikan ke mata anggaran tidak termasuk dalam jumlah pagu di atas."
        )
    return Sheet(
        name="Anggaran",
        heading=f"Realisasi per mata anggaran, {period.name} dan kumulatif sampai {tanggal(period.ends_on)}",
        tables=[lines, quarters],
        notes=notes,
        freeze_columns=2,
    )
