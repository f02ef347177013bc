"""The Registri sheet: businesses in the registry per kecamatan and sector at the quarter's end."""

from registry.formatting import share_percent, tanggal
from registry.spreadsheets import COUNT, PERCENT, Column, Table

from .common import NUMBER_COLUMN, Period, Sheet, percent


def registry_sheet(registry, kecamatan_list, sectors, period: Period) -> Sheet:
    rows = []
    for number, kecamatan in enumerate(kecamatan_list, 1):
        counts = [registry.get((kecamatan.pk, sector.pk), {}).get("total", 0) for sector in sectors]
        new = sum(registry.get((kecamatan.pk, sector.pk), {}).get("new", 0) for sector in sectors)
        rows.append([number, kecamatan.name, *counts, sum(counts), new])
    by_sector = [sum(row[2 + index] for row in rows) for index in range(len(sectors))]
    grand_total = sum(by_sector)
    shares = Table(
        heading="Sebaran per sektor",
        first_column=1,
        columns=[Column("Sektor"), Column("UMKM", COUNT), Column("% registri", PERCENT)],
        rows=[
            [sector.name, n, percent(share_percent(n, grand_total))]
            for sector, n in zip(sectors, by_sector, strict=True)
        ],
        filtered=False,
    )
    return Sheet(
        name="Registri",
        heading=f"UMKM di registri per kecamatan dan sektor pada {tanggal(period.ends_on)}",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Kecamatan", width=18),
                    *(Column(sector.name, COUNT, _sector_width(sector.name)) for sector in sectors),
                    Column("Jumlah", COUNT, 11),
                    Column(f"Baru dalam {period.name}", COUNT, 12),
                ],  # fmt: skip
                rows=rows,
                totals=["Jumlah", None, *by_sector, grand_total, sum(row[-1] for row in rows)],
            ),
            shares,
        ],
        notes=[
            f"Menurut tanggal masuk registri: usaha yang masuk sampai {tanggal(period.ends_on)}, "
            "apa pun statusnya kini."
        ],
        freeze_columns=2,
    )


def _sector_width(name: str) -> float:
    """Wide enough that the header breaks between words, never inside one."""
    return max(11, max(len(word) for word in name.split()) * 1.2 + 2)
