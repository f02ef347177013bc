"""The quarterly report (Laporan Triwulan): one xlsx workbook per programme and quarter (DESIGN.md §4).

`quarterly_report()` reads everything the workbook shows, with a fixed number of queries whatever the
size of the programme or the registry, and takes every figure the dashboards also show from the same
selectors (realisation, coverage, cohort), so the file agrees with the pages to the rupiah.
`write_workbook()` turns the sheets into xlsx. The workbook holds values only, never a formula:
totals are written as numbers, so what a reader sees is what the database said when it was printed.
"""

import datetime
import io
from dataclasses import dataclass, field

import xlsxwriter
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from registry import selectors as registry_selectors
from registry.formatting import mask_nik, share_percent, tanggal
from registry.models import Sector
from registry.sizes import SIZE_CLASS_LABELS
from registry.spreadsheets import MONEY_FORMAT, neutralise

from . import selectors
from .indicators import INDICATORS
from .models import Assessment, Enrolment, Programme
from .periods import QUARTER_NAMES, QUARTER_NUMERALS, quarter_bounds

OFFICE = "Dinas Koperasi dan UKM Kabupaten Blitar"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a cell holds decides its number format.
TEXT = "text"
ORDINAL = "ordinal"  # the "No." of a row
COUNT = "count"
MONEY = "money"  # whole rupiah
PERCENT = "percent"  # a share_percent() figure: 40.5 is written as 40,5 %
DATE = "date"
HOURS = "hours"
NUMBER_FORMATS = {
    ORDINAL: "0",
    COUNT: "[$-421]#,##0",
    MONEY: MONEY_FORMAT,
    PERCENT: "[$-421]0.0%",
    # Indonesian ([$-421], see registry.exports): "2 Mei 2024" and "1.200" whatever the reader's locale.
    DATE: "[$-421]d mmmm yyyy",
    HOURS: "[$-421]#,##0.0",
}
# Arial 10, the common office default, which LibreOffice draws with the metric-compatible Liberation
# Sans: column widths and the row heights estimated below then hold in Excel and in Calc alike.
FONT = {"font_name": "Arial", "font_size": 10}
LINE_HEIGHT = 12.75  # points per line of Arial 10
TITLE_ROWS = 5  # office, report, programme, period and print date, the sheet's heading
HEADER_ROW = TITLE_ROWS  # 0-based: the first table's header comes right under the title block


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 14
    wrap: bool = False  # long text wraps inside the column instead of widening it
    centred: bool = False  # a small count beside text, which right-aligned would seem to run into it


@dataclass(frozen=True)
class Cell:
    """A value whose kind differs from its column's (the summary mixes rupiah, counts and shares)."""

    value: object
    kind: str


NUMBER_COLUMN = Column("No.", ORDINAL, 6)


@dataclass
class Table:
    columns: list[Column]
    rows: list[list]
    totals: list | None = None  # the "Jumlah" row, written under the filtered range
    heading: str = ""  # a line above a second table on the same sheet
    filtered: bool = True
    first_column: int = 0  # a second table may start right of the first one's narrow "No." column


@dataclass
class Sheet:
    name: str
    heading: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    freeze_columns: int = 0  # columns kept in view when scrolling right (e.g. the business name)
    freeze: bool = True


@dataclass
class QuarterlyReport:
    programme: Programme
    quarter: int
    starts_on: datetime.date
    ends_on: datetime.date
    printed_on: datetime.date
    show_nik: bool
    sheets: list[Sheet]

    @property
    def title(self) -> str:
        return f"Laporan {QUARTER_NAMES[self.quarter]} {self.programme.year}"

    @property
    def period(self) -> str:
        return f"{tanggal(self.starts_on)} – {tanggal(self.ends_on)}"


def report_filename(programme: Programme, quarter: int) -> str:
    return f"laporan-triwulan-{programme.year}-{QUARTER_NUMERALS[quarter]}.xlsx"


def quarterly_workbook(
    programme: Programme, quarter: int, *, show_nik: bool, today: datetime.date | None = None
) -> bytes:
    """The workbook as bytes, for a download or a file."""
    output = io.BytesIO()
    write_workbook(quarterly_report(programme, quarter, show_nik=show_nik, today=today), output)
    return output.getvalue()


# --- reading ---------------------------------------------------------------------------------


def quarterly_report(
    programme: Programme, quarter: int, *, show_nik: bool, today: datetime.date | None = None
) -> QuarterlyReport:
    """Every sheet of the quarter's report; 16 queries, however large the programme or the registry.

    realisation (5), coverage to the quarter's end and to the day before it (2), the quarter's
    sessions with their topics (2), the cohort with its assessments (2), the quarter's spending (1),
    the enrolment counts (1), the certificates issued (1), the sectors (1) and the registry (1).
    """
    today = today or timezone.localdate()
    starts_on, ends_on = quarter_bounds(programme.year, quarter)
    realisation = selectors.realisation(programme, quarter, today=today)
    # Held in the quarter = held up to its end − held up to the day before it began.
    to_end = sorted(selectors.coverage(programme, until=ends_on), key=lambda row: row.kecamatan.name)
    before = {
        row.kecamatan.pk: row
        for row in selectors.coverage(programme, until=starts_on - datetime.timedelta(days=1))
    }
    kecamatan_rows = [(row, before[row.kecamatan.pk]) for row in to_end]
    sessions = list(
        selectors.session_list()
        .filter(programme=programme, held_on__range=(starts_on, ends_on))
        .order_by("held_on", "id")
    )
    members = _cohort_at(programme, ends_on)
    spending = list(
        selectors.expenditure_list()
        .filter(budget_line__programme=programme, spent_on__range=(starts_on, ends_on))
        .order_by("spent_on", "id")
    )
    enrolments = programme.enrolments.aggregate(
        verified_in_quarter=Count(
            "id",
            filter=Q(status=Enrolment.Status.NAIK_KELAS, verified_on__range=(starts_on, ends_on)),
        ),
        cohort=Count("id", filter=selectors.STILL_IN_COHORT & Q(enrolled_on__lte=ends_on)),
    )
    issued = selectors.certificates_issued(programme, starts_on, ends_on)
    sectors = list(Sector.objects.all())
    registry = registry_selectors.registry_at(starts_on, ends_on)

    common = {"starts_on": starts_on, "ends_on": ends_on, "quarter_name": QUARTER_NAMES[quarter]}
    sheets = [
        _summary_sheet(realisation, kecamatan_rows, enrolments, issued, registry, members, **common),
        _sessions_sheet(sessions, **common),
        _kecamatan_sheet(kecamatan_rows, **common),
        _cohort_sheet(members, show_nik=show_nik, **common),
        _budget_sheet(realisation, **common),
        _spending_sheet(spending, **common),
        _registry_sheet(registry, [row.kecamatan for row, _ in kecamatan_rows], sectors, **common),
    ]
    return QuarterlyReport(programme, quarter, starts_on, ends_on, today, show_nik, sheets)


def _cohort_at(programme: Programme, ends_on: datetime.date) -> list[Enrolment]:
    """The cohort as it stood at the quarter's end: enrolled by then, judged on the assessments by then."""
    assessed_by_then = Prefetch(
        "assessments",
        queryset=Assessment.objects.filter(assessed_on__lte=ends_on).order_by("assessed_on", "id"),
        # The attribute with_verdicts() reads, so the rule sees only what was known at the quarter's end.
        to_attr="ordered_assessments",
    )
    members = (
        selectors.cohort(programme)
        .filter(enrolled_on__lte=ends_on)
        .prefetch_related(None)
        .prefetch_related(assessed_by_then)
        .annotate(
            sessions_by_then=Count(
                "attendances", filter=Q(attendances__session__held_on__lte=ends_on), distinct=True
            )
        )
    )
    return selectors.with_verdicts(members)


# --- the sheets ------------------------------------------------------------------------------


def _percent(value) -> Cell:
    """A share_percent() figure (40.5 meaning 40,5 %) as a spreadsheet percentage."""
    return Cell(value, PERCENT)


def _summary_sheet(
    realisation, kecamatan_rows, enrolments, issued, registry, members, *, starts_on, ends_on, quarter_name
) -> Sheet:
    total, physical, pace = realisation.total, realisation.physical, realisation.pace
    held_in_quarter = sum(row.held - earlier.held for row, earlier in kecamatan_rows)
    reached_in_quarter = sum(1 for row, earlier in kecamatan_rows if row.held > earlier.held)
    attendances_to_end = sum(row.attendances for row, _ in kecamatan_rows)
    attendances_before = sum(earlier.attendances for _, earlier in kecamatan_rows)
    candidates = sum(
        1
        for member in members
        if _status_at(member, ends_on) == Enrolment.Status.ACTIVE and member.verdict.is_candidate
    )
    registry_total = sum(group["total"] for group in registry.values())
    registry_new = sum(group["new"] for group in registry.values())

    def money(value):
        return Cell(value, MONEY)

    def count(value):
        return Cell(value, COUNT)

    main = Table(
        columns=[
            Column("Uraian", width=58, wrap=True),
            Column(quarter_name, width=20),
            Column(f"Kumulatif s.d. {tanggal(ends_on)}", width=24),
            Column("Target / pagu", width=20),
            Column("% capaian kumulatif", width=14),
        ],
        rows=[
            ["Realisasi keuangan: belanja", money(total.spent_quarter), money(total.spent_to_date),
             money(realisation.programme.budget_ceiling), _percent(pace.spent_percent)],
            ["Rencana belanja (rencana per triwulan mata anggaran)", money(total.plan_quarter),
             money(total.plan_to_date), money(total.allocation), None],
            ["Belanja terhadap rencana", _percent(total.quarter_percent),
             _percent(total.plan_to_date_percent), None, None],
            ["Fisik: sesi pendampingan terlaksana", count(held_in_quarter), count(physical.sessions),
             count(physical.planned_sessions), _percent(physical.sessions_percent)],
            ["Fisik: kecamatan terjangkau", count(reached_in_quarter), count(physical.kecamatan_reached),
             count(physical.kecamatan_total), _percent(physical.kecamatan_percent)],
            ["Fisik: UMKM naik kelas terverifikasi", count(enrolments["verified_in_quarter"]),
             count(physical.verified), count(physical.target), _percent(physical.verified_percent)],
            ["Realisasi fisik (rata-rata tiga indikator fisik, masing-masing paling tinggi 100 %)",
             None, None, None, _percent(physical.average_percent)],
            ["Kehadiran peserta di sesi", count(attendances_to_end - attendances_before),
             count(attendances_to_end), None, None],
            ["NIB terbit lewat kegiatan fasilitasi", count(issued["nib_quarter"]),
             count(issued["nib_to_date"]), None, None],
            ["Sertifikat halal terbit lewat kegiatan fasilitasi", count(issued["halal_quarter"]),
             count(issued["halal_to_date"]), None, None],
            ["PIRT terbit lewat kegiatan fasilitasi", count(issued["pirt_quarter"]),
             count(issued["pirt_to_date"]), None, None],
        ],
        filtered=False,
    )  # fmt: skip
    facts = Table(
        heading="Keterangan",
        columns=[Column("Uraian"), Column("Nilai")],
        rows=[
            ["Pagu anggaran program", money(realisation.programme.budget_ceiling)],
            [f"Sisa pagu pada {tanggal(ends_on)}", money(realisation.ceiling_remaining)],
            ["Pagu yang belum dialokasikan ke mata anggaran", money(realisation.unallocated)],
            [f"Waktu program berjalan s.d. {tanggal(realisation.as_of)}", _percent(pace.elapsed_percent)],
            ["Penyerapan anggaran dibanding waktu", pace.label],
            ["Biaya per sesi (belanja kumulatif / sesi terlaksana)", money(realisation.cost_per_session)],
            ["Biaya per UMKM naik kelas (belanja kumulatif / terverifikasi)",
             money(realisation.cost_per_verified)],
            ["Kelompok binaan pada akhir triwulan (aktif + naik kelas)", count(enrolments["cohort"])],
            ["Kandidat naik kelas menunggu verifikasi pada akhir triwulan", count(candidates)],
            [f"UMKM di registri pada {tanggal(ends_on)}", count(registry_total)],
            [f"UMKM baru masuk registri dalam {quarter_name}", count(registry_new)],
        ],
        filtered=False,
    )  # fmt: skip
    return Sheet(
        name="Ringkasan",
        heading=f"Ringkasan realisasi {quarter_name} dan kumulatif sampai {tanggal(ends_on)}",
        tables=[main, facts],
        notes=[
            "Angka-angka ini sama dengan halaman Realisasi dan dasbor untuk program dan triwulan yang sama.",
            "Sesi, kecamatan dan naik kelas dihitung sampai akhir triwulan; persen dibulatkan ke bawah "
            "satu desimal.",
        ],
        freeze=False,
    )


def _status_at(member: Enrolment, ends_on) -> str:
    """The enrolment's status at the quarter's end: naik kelas counts from the day it was verified."""
    if member.status == Enrolment.Status.NAIK_KELAS and member.verified_on > ends_on:
        return Enrolment.Status.ACTIVE
    return member.status


def _sessions_sheet(sessions, *, starts_on, ends_on, quarter_name) -> Sheet:
    rows = [
        [
            number,
            Cell(session.held_on, DATE),
            session.get_kind_display(),
            session.kecamatan.name,
            session.desa.name if session.desa else "",
            session.venue,
            ", ".join(topic.name for topic in session.topics.all()),
            _person(session.pendamping),
            session.speaker,
            session.hours,
            session.attendee_count,
        ]
        for number, session in enumerate(sessions, 1)
    ]
    return Sheet(
        name="Sesi",
        heading=f"Sesi pendampingan yang terlaksana dalam {quarter_name} "
        f"({tanggal(starts_on)} – {tanggal(ends_on)})",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Tanggal", DATE, 18),
                    Column("Jenis sesi", width=22),
                    Column("Kecamatan", width=16),
                    Column("Desa/kelurahan", width=18),
                    Column("Tempat", width=28, wrap=True),
                    Column("Topik", width=34, wrap=True),
                    Column("Pendamping", width=20),
                    Column("Narasumber luar", width=22, wrap=True),
                    Column("Lama (jam)", HOURS, 10),
                    Column("Peserta hadir", COUNT, 10),
                ],
                rows=rows,
                totals=[
                    f"Jumlah: {len(rows)} sesi",
                    *[None] * 8,
                    sum(session.hours for session in sessions),
                    sum(session.attendee_count for session in sessions),
                ],
            )
        ],
        notes=[] if rows else [f"Tidak ada sesi yang tercatat dalam {quarter_name}."],
        freeze_columns=2,
    )


def _kecamatan_sheet(kecamatan_rows, *, starts_on, ends_on, quarter_name) -> Sheet:
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
                _percent(row.share) if row.share is not None else None,
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
        heading=f"Sesi per kecamatan: dalam {quarter_name} dan kumulatif sampai {tanggal(ends_on)}",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Kode", width=10),
                    Column("Kecamatan", width=18),
                    Column("Rencana sesi (setahun)", COUNT, 12),
                    Column(f"Sesi terlaksana {quarter_name}", COUNT, 13),
                    Column("Sesi terlaksana kumulatif", COUNT, 13),
                    Column("% dari rencana (kumulatif)", PERCENT, 13),
                    Column("Kekurangan dari rencana", COUNT, 12),
                    Column(f"Kehadiran {quarter_name}", COUNT, 12),
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
                    _percent(totals.share) if totals.share is not None else None,
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


def _cohort_sheet(members, *, show_nik: bool, starts_on, ends_on, quarter_name) -> Sheet:
    rows = []
    for number, member in enumerate(members, 1):
        business, verdict = member.business, member.verdict
        latest = member.latest if member.latest is not member.baseline else None
        status = _status_at(member, ends_on)
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
                _person(member.pendamping),
                _status_label(status, verdict),
                Cell(member.verified_on, DATE) if status == Enrolment.Status.NAIK_KELAS else None,
                *_assessment_cells(member.baseline, dated=False),
                *_assessment_cells(latest, dated=True),
                f"{verdict.reason} {criteria[:1].upper()}{criteria[1:]}." if criteria else verdict.reason,
                member.sessions_by_then,
            ]
        )
    return Sheet(
        name="Peserta",
        heading=f"Kelompok binaan pada {tanggal(ends_on)}: penilaian awal dan terakhir, kelas dan status",
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
                    Column("Tanggal naik kelas", DATE, 16),
                    Column("Kelas awal", width=9),
                    Column("Omzet awal (Rp/tahun)", MONEY, 16),
                    Column(f"Indikator awal (dari {len(INDICATORS)})", COUNT, 10, centred=True),
                    Column("Penilaian terakhir", DATE, 16),
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
        Cell(assessment.assessed_on, DATE),
        SIZE_CLASS_LABELS.get(assessment.size_class, ""),
        Cell(assessment.turnover, MONEY) if assessment.turnover is not None else None,
        len(assessment.indicators_held),
    ]  # fmt: skip
    return cells if dated else cells[1:]


def _budget_sheet(realisation, *, starts_on, ends_on, quarter_name) -> Sheet:
    def line_cells(line):
        return [
            line.allocation,
            line.plan_quarter,
            line.spent_quarter,
            _percent(line.quarter_percent),
            line.plan_to_date,
            line.spent_to_date,
            _percent(line.plan_to_date_percent),
            line.remaining,
            _percent(line.percent),
        ]

    total = realisation.total
    lines = Table(
        columns=[
            NUMBER_COLUMN,
            Column("Mata anggaran", width=36, wrap=True),
            Column("Kategori", width=20),
            Column("Pagu (Rp)", MONEY, 17),
            Column(f"Rencana {quarter_name} (Rp)", MONEY, 17),
            Column(f"Belanja {quarter_name} (Rp)", MONEY, 17),
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
            [q.name, q.plan, q.spent, _percent(q.percent), q.plan_cumulative, q.spent_cumulative]
            for q in realisation.quarters
        ],
        filtered=False,
    )
    notes = [f"Kumulatif: sejak awal tahun anggaran sampai {tanggal(ends_on)}."]
    if realisation.unallocated:
        notes.append(
            "Pagu program yang belum dialokasikan ke mata anggaran tidak termasuk dalam jumlah pagu di atas."
        )
    return Sheet(
        name="Anggaran",
        heading=f"Realisasi per mata anggaran, {quarter_name} dan kumulatif sampai {tanggal(ends_on)}",
        tables=[lines, quarters],
        notes=notes,
        freeze_columns=2,
    )


def _spending_sheet(spending, *, starts_on, ends_on, quarter_name) -> Sheet:
    rows = []
    for number, entry in enumerate(spending, 1):
        target = entry.session or entry.event
        rows.append(
            [
                number,
                Cell(entry.spent_on, DATE),
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
        heading=f"Belanja dalam {quarter_name} ({tanggal(starts_on)} – {tanggal(ends_on)}); "
        "belanja kumulatif per mata anggaran ada di lembar Anggaran",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Tanggal", DATE, 18),
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
        notes=[] if rows else [f"Tidak ada belanja yang tercatat dalam {quarter_name}."],
        freeze_columns=2,
    )


def _registry_sheet(registry, kecamatan_list, sectors, *, starts_on, ends_on, quarter_name) -> Sheet:
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
            [sector.name, n, _percent(share_percent(n, grand_total))]
            for sector, n in zip(sectors, by_sector, strict=True)
        ],
        filtered=False,
    )
    return Sheet(
        name="Registri",
        heading=f"UMKM di registri per kecamatan dan sektor pada {tanggal(ends_on)}",
        tables=[
            Table(
                columns=[
                    NUMBER_COLUMN,
                    Column("Kecamatan", width=18),
                    *(Column(sector.name, COUNT, _sector_width(sector.name)) for sector in sectors),
                    Column("Jumlah", COUNT, 11),
                    Column(f"Baru dalam {quarter_name}", COUNT, 12),
                ],  # fmt: skip
                rows=rows,
                totals=["Jumlah", None, *by_sector, grand_total, sum(row[-1] for row in rows)],
            ),
            shares,
        ],
        notes=[
            f"Menurut tanggal masuk registri: usaha yang masuk sampai {tanggal(ends_on)}, "
            "apa pun statusnya kini."
        ],
        freeze_columns=2,
    )


def _sector_width(name: str) -> float:
    """Wide enough that the header breaks between words, never inside one."""
    return max(11, max(len(word) for word in name.split()) * 1.2 + 2)


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


# --- writing ---------------------------------------------------------------------------------


class _Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, workbook):
        self.office = workbook.add_format({"bold": True, "font_size": 11})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.plain = workbook.add_format({})
        self.heading = workbook.add_format({"bold": True, "font_size": 11, "font_color": "#1f4e79"})
        self.note = workbook.add_format({"italic": True, "font_color": "#595959"})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#dde8f3", "border": 1, "text_wrap": True, "valign": "vcenter",
             "align": "center"}
        )  # fmt: skip
        self._cells = {}
        self._workbook = workbook

    def cell(self, kind: str, *, total: bool = False, wrap: bool = False, centred: bool = False):
        key = (kind, total, wrap, centred)
        if key not in self._cells:
            properties = {"border": 1, "valign": "top"}
            if kind in NUMBER_FORMATS:
                properties["num_format"] = NUMBER_FORMATS[kind]
            if kind in (ORDINAL, DATE) or centred:
                properties["align"] = "center"
            if wrap:
                properties["text_wrap"] = True
            if total:
                properties |= {"bold": True, "bg_color": "#f2f2f2", "top": 2}
            self._cells[key] = self._workbook.add_format(properties)
        return self._cells[key]


def write_workbook(report: QuarterlyReport, output) -> None:
    """Write the report's sheets to `output` (a path or a binary file object)."""
    # Text goes through write_string() only, never write(), so "=HYPERLINK(…)" in a business name
    # cannot become a formula here; it also passes through neutralise(), so the same text copied
    # out of the sheet or saved as CSV stays harmless: one rule for every export of the project.
    workbook = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "default_format_properties": FONT,
            "default_row_height": 17,  # pixels, for Arial 10
            "default_column_width": 64,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    workbook.set_properties(
        {"title": f"{report.title} — {report.programme.name}", "author": OFFICE, "company": OFFICE,
         "created": datetime.datetime.combine(report.printed_on, datetime.time())}
    )  # fmt: skip
    formats = _Formats(workbook)
    for sheet in report.sheets:
        _write_sheet(workbook.add_worksheet(sheet.name), sheet, report, formats)
    workbook.close()


def _write_value(worksheet, row: int, col: int, value, kind: str, cell_format) -> None:
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if value is None or value == "":
        worksheet.write_blank(row, col, None, cell_format)
    elif kind == TEXT or isinstance(value, str):
        worksheet.write_string(row, col, neutralise(str(value)), cell_format)
    elif kind == DATE:
        worksheet.write_datetime(row, col, value, cell_format)
    elif kind == PERCENT:
        worksheet.write_number(row, col, float(value) / 100, cell_format)
    else:
        worksheet.write_number(row, col, value, cell_format)


def _kind_of(value, column: Column) -> str:
    if isinstance(value, Cell):
        return value.kind
    return TEXT if isinstance(value, str) else column.kind


# Arial's advance widths in thousandths of an em, grouped; a column's width is counted in digits (556).
ARIAL_WIDTHS = {
    **dict.fromkeys("ijl'|", 222),
    **dict.fromkeys(" ftI.,:;/!", 278),
    **dict.fromkeys('r-()"', 333),
    **dict.fromkeys("ckszvxyJ?", 500),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("ABEKPSVXY&", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("mM", 833),
    **dict.fromkeys("%W", 944),
}
DIGIT_WIDTH = 556
BOLD_WIDER = 1.08
CELL_PADDING = 0.8  # of a column's width, in digits, taken by the space either side of the text


def _text_width(text: str, *, bold: bool = False) -> float:
    """The width of `text` in Arial, in digits (the unit of a column's width)."""
    width = sum(ARIAL_WIDTHS.get(character, DIGIT_WIDTH) for character in text) / DIGIT_WIDTH
    return width * BOLD_WIDER if bold else width


def _lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped, word by word, in a column `width` wide."""
    capacity = width - CELL_PADDING
    space = _text_width(" ", bold=bold)
    lines, used = 1, 0.0
    for word in text.split():
        needed = _text_width(word, bold=bold)
        if used and used + space + needed > capacity:
            lines, used = lines + 1, 0.0
        used += (space if used else 0) + needed
        while used > capacity:  # a word longer than the column breaks across lines
            lines, used = lines + 1, used - capacity
    return lines


def _write_sheet(worksheet, sheet: Sheet, report: QuarterlyReport, formats: _Formats) -> None:
    title_lines = [
        (OFFICE, formats.office),
        (report.title, formats.title),
        (f"Program: {report.programme.name}", formats.plain),
        (f"Periode: {report.period} · dicetak {tanggal(report.printed_on)}", formats.plain),
        (sheet.heading, formats.heading),
    ]
    for row, (text, text_format) in enumerate(title_lines):
        worksheet.write_string(row, 0, neutralise(text), text_format)
    worksheet.set_row(1, 20)  # the report's title is set larger

    widths: dict[int, float] = {}
    row = HEADER_ROW
    for index, table in enumerate(sheet.tables):
        if index:
            row += 1
            worksheet.write_string(row, table.first_column, neutralise(table.heading), formats.heading)
            row += 1
        columns = list(enumerate(table.columns, table.first_column))
        header_row = row
        for col, column in columns:
            worksheet.write_string(row, col, neutralise(column.header), formats.header)
            widths[col] = max(widths.get(col, 0), column.width)
        # Calc does not grow a row to fit wrapped text when it opens an xlsx: every height is set here.
        header_lines = max(_lines(column.header, column.width, bold=True) for column in table.columns)
        worksheet.set_row(row, LINE_HEIGHT * header_lines + 4)
        row += 1
        for values in table.rows:
            lines = 1
            for (col, column), value in zip(columns, values, strict=True):
                kind = _kind_of(value, column)
                _write_value(
                    worksheet,
                    row,
                    col,
                    value,
                    kind,
                    formats.cell(kind, wrap=column.wrap, centred=column.centred),
                )
                if column.wrap and isinstance(value, str):
                    lines = max(lines, _lines(value, column.width))
            if lines > 1:
                worksheet.set_row(row, LINE_HEIGHT * lines + 2)
            row += 1
        last_data_row = row - 1
        if table.totals is not None:
            for (col, column), value in zip(columns, table.totals, strict=True):
                kind = _kind_of(value, column)
                _write_value(worksheet, row, col, value, kind, formats.cell(kind, total=True))
            row += 1
        if index == 0:
            if table.filtered:
                # The filter covers the header and the rows, not the totals, which stay put under it.
                worksheet.autofilter(header_row, 0, max(last_data_row, header_row), len(table.columns) - 1)
            if sheet.freeze:
                worksheet.freeze_panes(header_row + 1, sheet.freeze_columns)
            worksheet.repeat_rows(header_row)
    row += 1
    for note in sheet.notes:
        worksheet.write_string(row, 0, neutralise(note), formats.note)
        row += 1

    for col, width in widths.items():
        worksheet.set_column(col, col, width)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as the rows need
    worksheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    worksheet.set_footer(f"&L&8{report.title} · {sheet.name}&R&8Halaman &P dari &N")
