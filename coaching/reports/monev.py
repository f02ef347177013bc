"""The Monev sheet: realisation per SIPD sub-kegiatan as e-Monev asks it, and the lines under each."""

from registry.formatting import tanggal
from registry.spreadsheets import COUNT, MONEY, PERCENT, TEXT, Column, Table

from .common import NUMBER_COLUMN, Period, Sheet, percent

MONEV_HEADER = [
    "No.", "Kode sub kegiatan", "Sub kegiatan", "Pagu (Rp)", "Realisasi keuangan (Rp)",
    "Realisasi keuangan (%)", "Indikator keluaran", "Target keluaran", "Satuan", "Realisasi keluaran",
    "Realisasi fisik (%)",
]  # fmt: skip


def monev_sheet(realisation, period: Period) -> Sheet:
    """One row per sub-kegiatan, cumulative to the quarter's end: the figures of the realisation page."""
    groups = realisation.sub_activities
    total = realisation.total
    kinds = [NUMBER_COLUMN.kind, TEXT, TEXT, MONEY, MONEY, PERCENT, TEXT, COUNT, TEXT, COUNT,
             PERCENT]  # fmt: skip
    widths = [6, 20, 40, 17, 17, 12, 36, 11, 12, 11, 12]
    wraps = {2, 6}
    monev = Table(
        columns=[
            Column(header, kind, width, wrap=index in wraps)
            for index, (header, kind, width) in enumerate(zip(MONEV_HEADER, kinds, widths, strict=True))
        ],
        rows=[
            [
                number,
                group.code,
                group.name,
                group.allocation,
                group.spent_to_date,
                percent(group.percent),
                group.output_indicator,
                group.output_target,
                group.output_unit,
                group.output_realised,
                percent(group.physical_percent) if group.physical_percent is not None else None,
            ]
            for number, group in enumerate(groups, 1)
        ],
        totals=[
            "Jumlah",
            None,
            None,
            total.allocation,
            total.spent_to_date,
            percent(total.percent),
            None,
            None,
            None,
            None,
            None,
        ],  # fmt: skip
    )
    notes = [
        f"Realisasi keuangan kumulatif sampai {tanggal(period.ends_on)}, sama dengan halaman Realisasi.",
        "Realisasi keluaran seperti dicatat staf di halaman Sub kegiatan; realisasi fisik = realisasi "
        "keluaran dibagi target.",
    ]
    return Sheet(
        name="Monev",
        heading=f"e-Monev per sub kegiatan, kumulatif sampai {tanggal(period.ends_on)}",
        tables=[monev, _lines_table(groups)],
        notes=notes,
        freeze_columns=3,
    )


def _lines_table(groups) -> Table:
    """Each budget line under its sub-kegiatan, with its account code: how the pagu is made up."""
    return Table(
        heading="Mata anggaran per sub kegiatan",
        filtered=False,
        first_column=1,
        columns=[
            Column("Kode sub kegiatan", width=20),
            Column("Kode rekening", width=20),
            Column("Mata anggaran", width=40, wrap=True),
            Column("Pagu (Rp)", MONEY, 17),
            Column("Realisasi keuangan (Rp)", MONEY, 17),
            Column("Realisasi keuangan (%)", PERCENT, 12),
        ],
        rows=[
            [
                group.code,
                row.line.account_code_shown,
                row.name,
                row.allocation,
                row.spent_to_date,
                percent(row.percent),
            ]
            for group in groups
            for row in group.lines
        ],
    )
