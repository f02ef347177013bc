"""The Per Kecamatan sheet: sessions and attendance per kecamatan, in the quarter and to its end."""

from registry.formatting import tanggal
from registry.spreadsheets import COUNT, PERCENT, Column, Table

from .. import selectors
from .common import NUMBER_COLUMN, Period, Sheet, percent


def kecamatan_sheet(kecamatan_rows, period: Period) -> Sheet:
    rows = []
    for number, (row, earlier) in enumerate(kecamatan_rows, 1):
        rows.append(
            [
                number,
                row.kecamatan.code,
                row.kecamatan.name,
                row.planned,
                row.held - earlier.held,
                row.held,
                percent(row.share) if row.share is not None else None,
                row.shortfall,
                row.attendances - earlier.attendances,
                row.attendances,
                row.businesses,
                row.cohort,
            ]
        )
    totals = selectors.coverage_totals([row for row, _ in kecamatan_rows])
    before = selectors.coverage_totals([earlier for _, earlier in kecamatan_rows])
    return Sheet(
        name="Per Kecamatan",
        heading=f"Sesi per kecamatan: dalam {period.name} dan kumulatif sampai {tanggal(period.ends_on)}",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Kode", width=10),
                    Column("Kecamatan", width=18),
                    Column("Rencana sesi (setahun)", COUNT, 12),
                    Column(f"Sesi terlaksana {period.name}", COUNT, 13),
                    Column("Sesi terlaksana kumulatif", COUNT, 13),
                    Column("% dari rencana (kumulatif)", PERCENT, 13),
                    Column("Kekurangan dari rencana", COUNT, 12),
                    Column(f"Kehadiran {period.name}", COUNT, 12),
                    Column("Kehadiran kumulatif", COUNT, 12),
                    Column("Usaha yang hadir (kumulatif)", COUNT, 13),
                    Column("Peserta binaan", COUNT, 11),
                ],
                rows=rows,
                totals=[
                    "Jumlah",
                    None,
                    f"{totals.reached} terjangkau",
                    totals.planned,
                    totals.held - before.held,
                    totals.held,
                    percent(totals.share) if totals.share is not None else None,
                    sum(row.shortfall for row, _ in kecamatan_rows),
                    totals.attendances - before.attendances,
                    totals.attendances,
                    None,
                    totals.cohort,
                ],
            )  # fmt: skip
        ],
        notes=[
            "Kumulatif: sejak awal program sampai akhir triwulan. Usaha yang hadir tidak dijumlahkan "
            "karena satu usaha dapat hadir di beberapa kecamatan.",
            "Peserta binaan: usaha aktif dan naik kelas yang masuk kelompok binaan sampai akhir triwulan, "
            "menurut kecamatan usahanya.",
        ],
        freeze_columns=3,
    )
