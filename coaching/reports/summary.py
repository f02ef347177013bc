"""The Ringkasan sheet: the quarter's realisation beside the year's, as the Realisasi page shows it."""

from registry.formatting import tanggal
from registry.spreadsheets import COUNT, MONEY, Cell, Column, Table

from ..models import Enrolment
from .common import Period, Sheet, percent, status_at


def summary_sheet(
    realisation, kecamatan_rows, enrolments, issued, registry, members, period: Period
) -> Sheet:
    figures = _figures(kecamatan_rows, enrolments, registry, members, period)
    return Sheet(
        name="Ringkasan",
        heading=f"Ringkasan realisasi {period.name} dan kumulatif sampai {tanggal(period.ends_on)}",
        tables=[
            _main_table(realisation, figures, issued, period),
            _facts_table(realisation, figures, period),
        ],
        notes=[
            "Angka-angka ini sama dengan halaman Realisasi dan dasbor untuk program dan triwulan yang sama.",
            "Sesi, kecamatan dan naik kelas dihitung sampai akhir triwulan; persen dibulatkan ke bawah "
            "satu desimal.",
        ],
        freeze=False,
    )


def _figures(kecamatan_rows, enrolments, registry, members, period: Period) -> dict:
    """The summary's counts that realisation does not hold: the quarter's own, and the registry's."""
    attendances_to_end = sum(row.attendances for row, _ in kecamatan_rows)
    return {
        "held_in_quarter": sum(row.held - earlier.held for row, earlier in kecamatan_rows),
        "reached_in_quarter": sum(1 for row, earlier in kecamatan_rows if row.held > earlier.held),
        "attendances_to_end": attendances_to_end,
        "attendances_in_quarter": attendances_to_end
        - sum(earlier.attendances for _, earlier in kecamatan_rows),
        "candidates": sum(
            1
            for member in members
            if status_at(member, period.ends_on) == Enrolment.Status.ACTIVE and member.verdict.is_candidate
        ),
        "verified_in_quarter": enrolments["verified_in_quarter"],
        "cohort": enrolments["cohort"],
        "registry_total": sum(group["total"] for group in registry.values()),
        "registry_new": sum(group["new"] for group in registry.values()),
    }


def _money(value) -> Cell:
    return Cell(value, MONEY)


def _count(value) -> Cell:
    return Cell(value, COUNT)


def _main_table(realisation, figures: dict, issued, period: Period) -> Table:
    total, physical, pace = realisation.total, realisation.physical, realisation.pace
    money, count = _money, _count
    return Table(
        columns=[
            Column("Uraian", width=58, wrap=True),
            Column(period.name, width=20),
            Column(f"Kumulatif s.d. {tanggal(period.ends_on)}", width=24),
            Column("Target / pagu", width=20),
            Column("% capaian kumulatif", width=14),
        ],
        rows=[
            ["Realisasi keuangan: belanja", money(total.spent_quarter), money(total.spent_to_date),
             money(realisation.programme.budget_ceiling), percent(pace.spent_percent)],
            ["Rencana belanja (rencana per triwulan mata anggaran)", money(total.plan_quarter),
             money(total.plan_to_date), money(total.allocation), None],
            ["Belanja terhadap rencana", percent(total.quarter_percent),
             percent(total.plan_to_date_percent), None, None],
            ["Fisik: sesi pendampingan terlaksana", count(figures["held_in_quarter"]),
             count(physical.sessions), count(physical.planned_sessions), percent(physical.sessions_percent)],
            ["Fisik: kecamatan terjangkau", count(figures["reached_in_quarter"]),
             count(physical.kecamatan_reached), count(physical.kecamatan_total),
             percent(physical.kecamatan_percent)],
            ["Fisik: UMKM naik kelas terverifikasi", count(figures["verified_in_quarter"]),
             count(physical.verified), count(physical.target), percent(physical.verified_percent)],
            ["Realisasi fisik (rata-rata tiga indikator fisik, masing-masing paling tinggi 100 %)",
             None, None, None, percent(physical.average_percent)],
            ["Kehadiran peserta di sesi", count(figures["attendances_in_quarter"]),
             count(figures["attendances_to_end"]), None, None],
            ["NIB terbit lewat kegiatan fasilitasi", count(issued["nib_quarter"]),
             count(issued["nib_to_date"]), None, None],
            ["Sertifikat halal terbit lewat kegiatan fasilitasi", count(issued["halal_quarter"]),
             count(issued["halal_to_date"]), None, None],
            ["PIRT terbit lewat kegiatan fasilitasi", count(issued["pirt_quarter"]),
             count(issued["pirt_to_date"]), None, None],
        ],
        filtered=False,
    )  # fmt: skip


def _facts_table(realisation, figures: dict, period: Period) -> Table:
    pace, money, count = realisation.pace, _money, _count
    return Table(
        heading="Keterangan",
        columns=[Column("Uraian"), Column("Nilai")],
        rows=[
            ["Pagu anggaran program", money(realisation.programme.budget_ceiling)],
            [f"Sisa pagu pada {tanggal(period.ends_on)}", money(realisation.ceiling_remaining)],
            ["Pagu yang belum dialokasikan ke mata anggaran", money(realisation.unallocated)],
            [f"Waktu program berjalan s.d. {tanggal(realisation.as_of)}", percent(pace.elapsed_percent)],
            ["Penyerapan anggaran dibanding waktu", pace.label],
            ["Biaya per sesi (belanja kumulatif / sesi terlaksana)", money(realisation.cost_per_session)],
            ["Biaya per UMKM naik kelas (belanja kumulatif / terverifikasi)",
             money(realisation.cost_per_verified)],
            ["Kelompok binaan pada akhir triwulan (aktif + naik kelas)", count(figures["cohort"])],
            ["Kandidat naik kelas menunggu verifikasi pada akhir triwulan", count(figures["candidates"])],
            [f"UMKM di registri pada {tanggal(period.ends_on)}", count(figures["registry_total"])],
            [f"UMKM baru masuk registri dalam {period.name}", count(figures["registry_new"])],
        ],
        filtered=False,
    )  # fmt: skip
