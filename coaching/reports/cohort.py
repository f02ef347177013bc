"""The Peserta sheet: the cohort at the quarter's end, with its first and latest assessment."""

from registry.formatting import mask_nik, tanggal
from registry.sizes import SIZE_CLASS_LABELS
from registry.spreadsheets import COUNT, LONG_DATE, MONEY, Cell, Column, Table

from ..indicators import INDICATORS
from ..models import Enrolment
from .common import NUMBER_COLUMN, Period, Sheet, person, status_at


def cohort_sheet(members, period: Period, *, show_nik: bool) -> Sheet:
    rows = []
    for number, member in enumerate(members, 1):
        business, verdict = member.business, member.verdict
        latest = member.latest if member.latest is not member.baseline else None
        status = status_at(member, period.ends_on)
        nik = business.owner_nik or ""
        criteria = ", ".join(verdict.criteria)
        rows.append(
            [
                number,
                business.name,
                business.owner_name,
                nik if show_nik else (mask_nik(nik) if nik else ""),
                business.kecamatan.name,
                business.sector.name,
                person(member.pendamping),
                _status_label(status, verdict),
                Cell(member.verified_on, LONG_DATE) if status == Enrolment.Status.NAIK_KELAS else None,
                *_assessment_cells(member.baseline, dated=False),
                *_assessment_cells(latest, dated=True),
                f"{verdict.reason} {criteria[:1].upper()}{criteria[1:]}." if criteria else verdict.reason,
                member.sessions_by_then,
            ]
        )
    return Sheet(
        name="Peserta",
        heading=f"Kelompok binaan pada {tanggal(period.ends_on)}: penilaian awal dan terakhir, "
        "kelas dan status",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Nama usaha", width=26, wrap=True),
                    Column("Pemilik", width=18, wrap=True),
                    Column("NIK pemilik", width=18),
                    Column("Kecamatan", width=14),
                    Column("Sektor", width=14, wrap=True),
                    Column("Pendamping", width=17, wrap=True),
                    Column("Status pada akhir triwulan", width=18, wrap=True),
                    Column("Tanggal naik kelas", LONG_DATE, 16),
                    Column("Kelas awal", width=9),
                    Column("Omzet awal (Rp/tahun)", MONEY, 16),
                    Column(f"Indikator awal (dari {len(INDICATORS)})", COUNT, 10, centred=True),
                    Column("Penilaian terakhir", LONG_DATE, 16),
                    Column("Kelas terakhir", width=9),
                    Column("Omzet terakhir (Rp/tahun)", MONEY, 16),
                    Column(f"Indikator terakhir (dari {len(INDICATORS)})", COUNT, 10, centred=True),
                    Column("Aturan naik kelas: hasil dan kriteria terpenuhi", width=40, wrap=True),
                    Column("Sesi dihadiri (kumulatif)", COUNT, 10, centred=True),
                ],
                rows=rows,
            )
        ],
        notes=[
            "Status, penilaian dan aturan naik kelas menurut keadaan pada akhir triwulan: penilaian "
            "sesudahnya tidak dihitung.",
            "NIK ditampilkan utuh."
            if show_nik
            else "NIK disamarkan (UU 27/2022 tentang Pelindungan Data Pribadi).",
        ],
        freeze_columns=2,
    )


def _status_label(status: str, verdict) -> str:
    if status == Enrolment.Status.ACTIVE and verdict.is_candidate:
        return "Aktif dibina · kandidat naik kelas"
    return dict(Enrolment.Status.choices)[status]


def _assessment_cells(assessment, *, dated: bool) -> list:
    """Class, turnover and indicators held (and the date, for the latest) of an assessment."""
    cells = [None, "", None, None] if assessment is None else [
        Cell(assessment.assessed_on, LONG_DATE),
        SIZE_CLASS_LABELS.get(assessment.size_class, ""),
        Cell(assessment.turnover, MONEY) if assessment.turnover is not None else None,
        len(assessment.indicators_held),
    ]  # fmt: skip
    return cells if dated else cells[1:]
