"""The Belanja sheet: every expenditure of the quarter."""

from registry.formatting import tanggal
from registry.spreadsheets import LONG_DATE, MONEY, Cell, Column, Table

from .common import NUMBER_COLUMN, Period, Sheet


def spending_sheet(spending, period: Period) -> Sheet:
    rows = []
    for number, entry in enumerate(spending, 1):
        target = entry.session or entry.event
        rows.append(
            [
                number,
                Cell(entry.spent_on, LONG_DATE),
                entry.budget_line.name,
                entry.budget_line.get_category_display(),
                entry.description,
                entry.receipt_number,
                str(target) if target else "",
                entry.amount,
            ]
        )
    return Sheet(
        name="Belanja",
        heading=f"Belanja dalam {period.name} ({tanggal(period.starts_on)} – {tanggal(period.ends_on)}); "
        "belanja kumulatif per mata anggaran ada di lembar Anggaran",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Tanggal", LONG_DATE, 18),
                    Column("Mata anggaran", width=30, wrap=True),
                    Column("Kategori", width=20, wrap=True),
                    Column("Uraian belanja", width=44, wrap=True),
                    Column("No. kuitansi/SPJ", width=24),
                    Column("Untuk sesi/kegiatan", width=36, wrap=True),
                    Column("Jumlah (Rp)", MONEY, 18),
                ],
                rows=rows,
                totals=[f"Jumlah: {len(rows)} belanja", *[None] * 6, sum(entry.amount for entry in spending)],
            )
        ],
        notes=[] if rows else [f"Tidak ada belanja yang tercatat dalam {period.name}."],
        freeze_columns=2,
    )
