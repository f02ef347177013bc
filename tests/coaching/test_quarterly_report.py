"""The quarterly report (Laporan Triwulan): the workbook read back, its figures against the database and
the dashboards' selectors, who may download it and the command (LibreOffice opening it: the module
test_quarterly_report_libreoffice.py)."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching import reports, selectors
from coaching.models import (
    Enrolment,
    EventParticipant,
    Expenditure,
    Programme,
)
from coaching.periods import QUARTER_NUMERALS
from registry.models import Business, Desa, Kecamatan
from tests.factories import BusinessFactory, ProgrammeFactory
from tests.world import World, build_world, kept_for_module, users_of_every_role

pytestmark = pytest.mark.django_db

Q2 = (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
HEADER = reports.HEADER_ROW + 1  # the first table's header row, counted from 1 as openpyxl does
MONEY_FORMAT = '[$-421]"Rp "#,##0'
FORMULA_NAME = '=HYPERLINK("http://x","klik")'
NIK = "3505034105900001"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def table_of(sheet) -> tuple[list[str], list[tuple], tuple | None]:
    """The first table of a sheet: its header, its rows (cells) and its totals row, if any."""
    header = [cell.value for cell in sheet[HEADER] if cell.value is not None]
    rows, totals = [], None
    for row in sheet.iter_rows(min_row=HEADER + 1):
        first = row[0].value
        if isinstance(first, str) and first.startswith("Jumlah"):
            totals = row
            break
        if first is None:
            break
        rows.append(row)
    return header, rows, totals


def values(cells) -> list:
    return [cell.value for cell in cells]


def summary_rows(sheet) -> dict[str, list]:
    """Ringkasan's rows by their label in column A."""
    return {
        row[0].value: values(row[1:5])
        for row in sheet.iter_rows(min_row=HEADER + 1)
        if isinstance(row[0].value, str)
    }


def download(client, programme, quarter="2") -> openpyxl.Workbook:
    response = client.get(reverse("coaching:quarterly_report", args=[programme.pk]), {"triwulan": quarter})
    assert response.status_code == 200
    return workbook_of(response.content)


def build_report_data(world: World, staf, pendamping) -> dict:
    """A 2024 programme with activity before, in and after Triwulan II (1 April – 30 Juni)."""
    srengat = Kecamatan.objects.get(name="Srengat")
    wlingi = Kecamatan.objects.get(name="Wlingi")
    wlingi_desa = Desa.objects.filter(kecamatan=wlingi).first()
    world.plan([srengat], planned_sessions=4)
    world.plan([wlingi], planned_sessions=2)

    # The cohort: one verified in the quarter, one verified after it, one withdrawn, one still active.
    formula = world.enrol(
        pendamping=pendamping, business__name=FORMULA_NAME, business__owner_nik=NIK,
        status=Enrolment.Status.NAIK_KELAS, verified_on=datetime.date(2024, 5, 20), verified_by=staf,
    )  # fmt: skip
    later = world.enrol(
        business__name="Keripik Tempe Bu Sri", business__desa=wlingi_desa, business__kecamatan=wlingi,
        status=Enrolment.Status.NAIK_KELAS, verified_on=datetime.date(2024, 8, 1), verified_by=staf,
    )  # fmt: skip
    withdrawn = world.enrol(business__name="Batik Tulis Sawentar", status=Enrolment.Status.WITHDRAWN)
    active = world.enrol(business__name="Anyaman Bambu Tingal")
    for enrolment in (formula, later, withdrawn, active):
        world.assess(enrolment, staf)
    world.assess(
        formula, staf, follow_up=True, assessed_on=datetime.date(2024, 5, 2), has_nib=True, sells_online=True,
        turnover=150_000_000,
    )  # fmt: skip
    # Assessed after the quarter: the Q2 report must not see it.
    world.assess(
        later, staf, follow_up=True, assessed_on=datetime.date(2024, 7, 20), has_nib=True, has_halal=True
    )

    attendees = [formula, active]
    sessions = [
        world.hold_session(held_on=datetime.date(2024, 3, 5), recorded_by=staf, attendees=attendees),
        world.hold_session(
            held_on=datetime.date(2024, 4, 10),
            recorded_by=staf,
            pendamping=pendamping,
            venue="Balai Desa Karanggayam",
            attendees=attendees,
        ),  # fmt: skip
        world.hold_session(
            held_on=datetime.date(2024, 6, 12), kecamatan=wlingi, recorded_by=staf, attendees=attendees
        ),
        world.hold_session(held_on=datetime.date(2024, 7, 3), recorded_by=staf, attendees=attendees),
    ]

    # The money: spending before, in and after the quarter, on two lines.
    speakers = world.budget_line(
        category="narasumber", name="Honorarium narasumber", allocation=40_000_000,
        plan_q1=10_000_000, plan_q2=20_000_000, plan_q3=5_000_000, plan_q4=5_000_000,
    )  # fmt: skip
    meals = world.budget_line(name="Konsumsi kelas kelompok")
    for line, day, amount in [
        (meals, datetime.date(2024, 3, 30), 1_250_000),
        (meals, datetime.date(2024, 4, 1), 987_500),
        (speakers, datetime.date(2024, 5, 2), 2_400_000),
        (meals, datetime.date(2024, 6, 30), 312_750),
        (speakers, datetime.date(2024, 7, 1), 5_000_000),
    ]:
        world.spend(
            line, spent_on=day, amount=amount, recorded_by=staf,
            session=sessions[1] if day == datetime.date(2024, 5, 2) else None,
            description=f"Belanja {day:%d-%m}",
        )  # fmt: skip
    world.spend(
        meals, spent_on=datetime.date(2024, 6, 3), amount=100_000, recorded_by=staf,
        description="-biaya koreksi", receipt_number="@SPJ",
    )  # fmt: skip

    # NIB drive: one issued in the quarter, one after it, one only applied.
    drive = world.hold_drive()
    for enrolment, outcome, day in [
        (formula, EventParticipant.Outcome.ISSUED, datetime.date(2024, 6, 10)),
        (active, EventParticipant.Outcome.ISSUED, datetime.date(2024, 7, 10)),
        (later, EventParticipant.Outcome.APPLIED, datetime.date(2024, 6, 10)),
    ]:
        world.register(drive, enrolment.business, outcome=outcome, outcome_on=day)

    # The registry: one business more enters in the quarter, one after it.
    BusinessFactory(name="Es Dawet Ayu", registered_on=datetime.date(2024, 5, 5))
    BusinessFactory(name="Jamu Gendong Bu Tin", registered_on=datetime.date(2024, 9, 9))
    return {
        "programme": world.programme,
        "formula": formula,
        "later": later,
        "meals": meals,
        "speakers": speakers,
    }


@pytest.fixture(scope="module")
def _module_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The report's world and its Triwulan II workbook as staf download it, made once for the module;
    what a test changes is undone at its end (tests/world.py kept_for_module)."""
    with kept_for_module(django_db_blocker, tmp_path_factory.mktemp("media")):
        users = users_of_every_role()  # the users of the role fixtures, which find them by username
        data = build_report_data(build_world(users), users["staf"], users["pendamping"])
        client = Client()
        client.force_login(users["staf"])
        url = reverse("coaching:quarterly_report", args=[data["programme"].pk])
        response = client.get(url, {"triwulan": "2"})
        assert response.status_code == 200
        yield data, response.content


@pytest.fixture
def report_data(_module_data, db):
    return _module_data[0]


@pytest.fixture
def q2_workbook(_module_data, db) -> openpyxl.Workbook:
    return workbook_of(_module_data[1])  # read afresh for each test, which may touch its cells


# --- the workbook ----------------------------------------------------------------------------


def test_workbook_has_the_seven_sheets_in_order_then_monev(q2_workbook):
    assert q2_workbook.sheetnames == [
        "Ringkasan", "Sesi", "Per Kecamatan", "Peserta", "Anggaran", "Belanja", "Registri", "Monev"
    ]  # fmt: skip


def test_every_sheet_opens_with_the_title_block(q2_workbook, report_data):
    printed = f"dicetak {timezone.localdate().day}"
    for sheet in q2_workbook.worksheets:
        assert sheet["A1"].value == "Dinas Koperasi dan UKM Kabupaten Blitar"
        assert sheet["A2"].value == "Laporan Triwulan II 2024"
        assert sheet["A3"].value == f"Program: {report_data['programme'].name}"
        assert sheet["A4"].value.startswith("Periode: 1 April 2024 – 30 Juni 2024")
        assert printed in sheet["A4"].value
        assert sheet["A5"].value


@pytest.mark.parametrize(
    "name, header",
    [
        ("Sesi", ["No.", "Tanggal", "Jenis sesi", "Kecamatan", "Desa/kelurahan", "Tempat", "Topik",
                  "Pendamping", "Narasumber luar", "Lama (jam)", "Peserta hadir"]),
        ("Belanja", ["No.", "Tanggal", "Mata anggaran", "Kategori", "Uraian belanja", "No. kuitansi/SPJ",
                     "Untuk sesi/kegiatan", "Jumlah (Rp)"]),
        ("Anggaran", ["No.", "Mata anggaran", "Kategori", "Pagu (Rp)", "Rencana Triwulan II (Rp)",
                      "Belanja Triwulan II (Rp)", "% rencana triwulan", "Rencana kumulatif (Rp)",
                      "Belanja kumulatif (Rp)", "% rencana kumulatif", "Sisa pagu (Rp)", "% pagu"]),
        ("Per Kecamatan", ["No.", "Kode", "Kecamatan", "Rencana sesi (setahun)",
                           "Sesi terlaksana Triwulan II", "Sesi terlaksana kumulatif",
                           "% dari rencana (kumulatif)", "Kekurangan dari rencana", "Kehadiran Triwulan II",
                           "Kehadiran kumulatif", "Usaha yang hadir (kumulatif)", "Peserta binaan"]),
    ],
)  # fmt: skip
def test_tables_have_indonesian_headers(q2_workbook, name, header):
    assert table_of(q2_workbook[name])[0] == header


@pytest.mark.parametrize("name", ["Sesi", "Per Kecamatan", "Peserta", "Anggaran", "Belanja", "Registri"])
def test_tables_have_a_frozen_header_a_filter_and_a_landscape_page(q2_workbook, name):
    sheet = q2_workbook[name]
    header, rows, _ = table_of(sheet)
    # Frozen under the header row, with the row's first columns kept in view.
    assert openpyxl.utils.cell.coordinate_from_string(sheet.freeze_panes)[1] == HEADER + 1
    last_column = openpyxl.utils.get_column_letter(len(header))
    # The filter covers the header and the rows, never the totals under them.
    assert sheet.auto_filter.ref == f"A{HEADER}:{last_column}{HEADER + len(rows)}"
    assert sheet.print_title_rows == f"${HEADER}:${HEADER}"  # the header repeats on every printed page
    assert sheet.page_setup.orientation == "landscape"
    # One page wide (1 is the default, which the file leaves out), as many pages tall as needed.
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(n)].width for n in (1, 2, 3)]
    assert all(width and width >= 6 for width in widths)


def test_summary_matches_realisation_and_the_database_to_the_rupiah(q2_workbook, report_data):
    programme = report_data["programme"]
    realisation = selectors.realisation(programme, 2)
    spending = Expenditure.objects.filter(budget_line__programme=programme)
    in_quarter = spending.filter(spent_on__range=Q2).aggregate(total=Sum("amount"))["total"]
    to_date = spending.filter(spent_on__lte=Q2[1]).aggregate(total=Sum("amount"))["total"]
    assert (in_quarter, to_date) == (3_800_250, 5_050_250)

    rows = summary_rows(q2_workbook["Ringkasan"])
    assert rows["Realisasi keuangan: belanja"][:3] == [in_quarter, to_date, 1_200_000_000]
    assert rows["Realisasi keuangan: belanja"][:2] == [realisation.total.spent_quarter,
                                                       realisation.total.spent_to_date]  # fmt: skip
    assert rows["Realisasi keuangan: belanja"][3] == pytest.approx(
        float(realisation.pace.spent_percent) / 100
    )
    assert rows["Rencana belanja (rencana per triwulan mata anggaran)"][:3] == [45_000_000, 80_000_000,
                                                                                 140_000_000]  # fmt: skip
    physical = realisation.physical
    # Sessions: 2 in the quarter, 3 up to its end (the July one is later), of 6 planned.
    assert rows["Fisik: sesi pendampingan terlaksana"][:3] == [2, physical.sessions, 6]
    assert physical.sessions == 3
    assert rows["Fisik: kecamatan terjangkau"][:3] == [2, physical.kecamatan_reached, 2]
    # Verified in May counts; verified in August does not yet.
    assert rows["Fisik: UMKM naik kelas terverifikasi"][:3] == [1, physical.verified, 170]
    assert physical.verified == 1
    assert rows["Kehadiran peserta di sesi"][:2] == [4, 6]
    assert rows["NIB terbit lewat kegiatan fasilitasi"][:2] == [1, 1]
    assert rows[f"Sisa pagu pada {'30 Juni 2024'}"][0] == realisation.ceiling_remaining
    registry_at_end = Business.objects.filter(registered_on__lte=Q2[1]).count()
    assert rows["UMKM di registri pada 30 Juni 2024"][0] == registry_at_end
    assert rows["UMKM baru masuk registri dalam Triwulan II"][0] == 1
    # Withdrawn and not yet enrolled businesses are not the cohort.
    assert rows["Kelompok binaan pada akhir triwulan (aktif + naik kelas)"][0] == 3


def test_budget_sheet_matches_realisation_line_by_line(q2_workbook, report_data):
    realisation = selectors.realisation(report_data["programme"], 2)
    _, rows, totals = table_of(q2_workbook["Anggaran"])
    assert [row[1].value for row in rows] == [line.name for line in realisation.lines]
    for row, line in zip(rows, realisation.lines, strict=True):
        assert values(row[3:6]) == [line.allocation, line.plan_quarter, line.spent_quarter]
        assert values(row[7:9]) == [line.plan_to_date, line.spent_to_date]
        assert row[10].value == line.remaining
    total = realisation.total
    assert totals[0].value == "Jumlah"
    assert values(totals[3:6]) == [total.allocation, total.plan_quarter, total.spent_quarter]
    assert values(totals[7:9]) == [total.plan_to_date, total.spent_to_date]
    assert totals[10].value == total.remaining
    assert totals[11].value == pytest.approx(float(total.percent) / 100)
    assert total.spent_quarter == 3_800_250


def test_spending_sheet_lists_the_quarter_and_adds_up_to_realisation(q2_workbook, report_data):
    realisation = selectors.realisation(report_data["programme"], 2)
    _, rows, totals = table_of(q2_workbook["Belanja"])
    in_quarter = Expenditure.objects.filter(
        budget_line__programme=report_data["programme"], spent_on__range=Q2
    ).order_by("spent_on", "id")
    assert [row[7].value for row in rows] == [entry.amount for entry in in_quarter]
    assert [row[1].value.date() for row in rows] == [entry.spent_on for entry in in_quarter]
    assert totals[7].value == realisation.total.spent_quarter == sum(entry.amount for entry in in_quarter)
    assert totals[0].value == "Jumlah: 4 belanja"
    paid_for_session = next(row for row in rows if row[7].value == 2_400_000)
    assert paid_for_session[6].value.startswith("Kelas kelompok 10-04-2024, Kec. Srengat")


def test_per_kecamatan_lists_all_22_held_in_the_quarter_and_to_its_end(q2_workbook, report_data):
    _, rows, totals = table_of(q2_workbook["Per Kecamatan"])
    assert len(rows) == 22 == Kecamatan.objects.count()
    by_name = {row[2].value: values(row) for row in rows}
    # planned, held in the quarter, held to its end, share, shortfall, attendances (quarter, to end)
    assert by_name["Srengat"][3:10] == [4, 1, 2, pytest.approx(0.5), 2, 2, 4]
    assert by_name["Wlingi"][3:10] == [2, 1, 1, pytest.approx(0.5), 1, 2, 2]
    assert by_name["Wlingi"][11] == 1  # the cohort member from Wlingi
    assert by_name["Bakung"][3:9] == [0, 0, 0, None, 0, 0]
    to_end = selectors.coverage(report_data["programme"], until=Q2[1])
    summed = selectors.coverage_totals(to_end)
    assert values(totals[3:6]) == [summed.planned, 2, summed.held]
    assert values(totals[8:10]) == [4, summed.attendances]
    assert totals[11].value == summed.cohort == 3


def test_coverage_until_a_day_leaves_out_what_came_later(report_data):
    programme = report_data["programme"]
    everything = {row.kecamatan.name: row for row in selectors.coverage(programme)}
    to_march = {
        row.kecamatan.name: row for row in selectors.coverage(programme, until=datetime.date(2024, 3, 31))
    }
    assert (everything["Srengat"].held, to_march["Srengat"].held) == (3, 1)
    assert (everything["Srengat"].attendances, to_march["Srengat"].attendances) == (6, 2)
    assert (everything["Wlingi"].held, to_march["Wlingi"].held) == (1, 0)
    assert to_march["Srengat"].planned == everything["Srengat"].planned == 4


def test_cohort_sheet_shows_each_member_as_at_the_quarter_end(q2_workbook, report_data):
    header, rows, _ = table_of(q2_workbook["Peserta"])
    column = {name: index for index, name in enumerate(header)}
    by_name = {row[1].value: row for row in rows}
    assert len(rows) == 4
    later = by_name["Keripik Tempe Bu Sri"]
    # Verified in August: still active at the end of June, and its July assessment is not read.
    assert later[column["Status pada akhir triwulan"]].value == "Aktif dibina"
    assert later[column["Tanggal naik kelas"]].value is None
    assert later[column["Penilaian terakhir"]].value is None
    verified = by_name[f"'{FORMULA_NAME}"]
    assert verified[column["Status pada akhir triwulan"]].value == "Naik kelas (terverifikasi)"
    assert verified[column["Tanggal naik kelas"]].value == datetime.datetime(2024, 5, 20)
    assert verified[column["Omzet terakhir (Rp/tahun)"]].value == 150_000_000
    assert verified[column["Indikator awal (dari 10)"]].value == 0
    assert verified[column["Indikator terakhir (dari 10)"]].value == 2
    assert "NIB baru" in verified[column["Aturan naik kelas: hasil dan kriteria terpenuhi"]].value
    assert verified[column["Sesi dihadiri (kumulatif)"]].value == 3
    assert by_name["Batik Tulis Sawentar"][column["Status pada akhir triwulan"]].value == "Mundur"
    statuses = [row[column["Status pada akhir triwulan"]].value for row in rows]
    assert (
        statuses.count("Naik kelas (terverifikasi)")
        == selectors.realisation(report_data["programme"], 2).physical.verified
    )


def test_registry_sheet_counts_businesses_by_kecamatan_and_sector_at_the_quarter_end(q2_workbook):
    header, rows, totals = table_of(q2_workbook["Registri"])
    assert len(rows) == 22
    assert header[:2] == ["No.", "Kecamatan"] and header[-2:] == ["Jumlah", "Baru dalam Triwulan II"]
    at_end = Business.objects.filter(registered_on__lte=Q2[1])
    assert totals[len(header) - 2].value == at_end.count()
    assert totals[len(header) - 1].value == 1
    srengat = next(row for row in rows if row[1].value == "Srengat")
    makanan = header.index("Makanan")
    assert srengat[makanan].value == at_end.filter(kecamatan__name="Srengat", sector__slug="makanan").count()
    assert sum(row[len(header) - 2].value for row in rows) == at_end.count()


def test_money_cells_carry_the_rupiah_format_and_dates_are_dates(q2_workbook):
    _, rows, totals = table_of(q2_workbook["Belanja"])
    for row in [*rows, totals]:
        assert row[7].number_format == MONEY_FORMAT
        assert isinstance(row[7].value, int)
    for row in rows:
        assert row[1].is_date and isinstance(row[1].value, datetime.datetime)
    _, rows, totals = table_of(q2_workbook["Anggaran"])
    for row in [*rows, totals]:
        assert {cell.number_format for cell in row[3:6]} == {MONEY_FORMAT}
        assert row[6].number_format == "[$-421]0.0%"
    summary = q2_workbook["Ringkasan"]
    spent = next(row for row in summary.iter_rows() if row[0].value == "Realisasi keuangan: belanja")
    assert {cell.number_format for cell in spent[1:4]} == {MONEY_FORMAT}
    _, rows, _ = table_of(q2_workbook["Sesi"])
    assert [row[1].value.date() for row in rows] == [datetime.date(2024, 4, 10), datetime.date(2024, 6, 12)]


def test_text_that_looks_like_a_formula_stays_text(q2_workbook):
    cells = [cell for sheet in q2_workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert f"'{FORMULA_NAME}" in texts
    assert "'-biaya koreksi" in texts and "'@SPJ" in texts


def test_nik_is_whole_for_staf_and_masked_for_pimpinan(report_data, client_for):
    def niks(workbook):
        header, rows, _ = table_of(workbook["Peserta"])
        return {row[header.index("NIK pemilik")].value for row in rows} - {None}

    programme = report_data["programme"]
    assert niks(download(client_for("staf"), programme)) == {NIK}
    assert niks(download(client_for("admin"), programme)) == {NIK}
    assert niks(download(client_for("pimpinan"), programme)) == {"3505********0001"}


# --- who may download it, and from where -----------------------------------------------------


@pytest.mark.parametrize("role", ["staf", "admin", "pimpinan"])
def test_staf_admin_and_pimpinan_download_the_workbook(report_data, client_for, role):
    url = reverse("coaching:quarterly_report", args=[report_data["programme"].pk])
    response = client_for(role).get(url, {"triwulan": "2"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="laporan-triwulan-2024-II.xlsx"'
    assert workbook_of(response.content)["Ringkasan"]["A2"].value == "Laporan Triwulan II 2024"


def test_pendamping_may_not_download_it(report_data, client_for):
    url = reverse("coaching:quarterly_report", args=[report_data["programme"].pk])
    response = client_for("pendamping").get(url)
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_anonymous_is_sent_to_log_in(report_data):
    url = reverse("coaching:quarterly_report", args=[report_data["programme"].pk])
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("asked", ["", "5", "dua"])
def test_without_a_valid_quarter_the_current_one_is_reported(report_data, client_for, asked):
    programme = report_data["programme"]
    response = client_for("staf").get(
        reverse("coaching:quarterly_report", args=[programme.pk]), {"triwulan": asked}
    )
    quarter = selectors.default_quarter(programme)
    numeral = QUARTER_NUMERALS[quarter]
    assert response["Content-Disposition"] == f'attachment; filename="laporan-triwulan-2024-{numeral}.xlsx"'
    assert workbook_of(response.content)["Ringkasan"]["A2"].value == f"Laporan Triwulan {numeral} 2024"


def test_unknown_programme_is_not_found(client_for, db):
    assert client_for("staf").get(reverse("coaching:quarterly_report", args=[999])).status_code == 404


def test_programme_and_realisation_pages_offer_the_download(report_data, client_for):
    programme = report_data["programme"]
    url = reverse("coaching:quarterly_report", args=[programme.pk])
    for role in ("staf", "pimpinan"):
        text = client_for(role).get(programme.get_absolute_url()).content.decode()
        assert f'action="{url}"' in text and "Unduh Laporan Triwulan (.xlsx)" in text
    text = client_for("pendamping").get(programme.get_absolute_url()).content.decode()
    assert "Unduh Laporan Triwulan" not in text
    realisation = client_for("pimpinan").get(
        reverse("coaching:realisation", args=[programme.pk]), {"triwulan": 3}
    )
    assert f'href="{url}?triwulan=3"' in realisation.content.decode()


# --- the command -----------------------------------------------------------------------------


def cell_values(workbook) -> dict:
    return {sheet.title: [values(row) for row in sheet.iter_rows()] for sheet in workbook.worksheets}


def test_command_writes_the_same_workbook_as_the_download(report_data, client_for, tmp_path):
    output = tmp_path / "laporan.xlsx"
    call_command("export_quarterly", year=2024, quarter=2, output=str(output), stdout=io.StringIO())
    masked = cell_values(openpyxl.load_workbook(output))
    assert masked == cell_values(download(client_for("pimpinan"), report_data["programme"]))
    call_command(
        "export_quarterly", "--show-nik", year=2024, quarter=2, output=str(output), stdout=io.StringIO()
    )
    whole = cell_values(openpyxl.load_workbook(output))
    assert whole == cell_values(download(client_for("staf"), report_data["programme"]))
    assert whole != masked


def test_command_names_the_file_after_the_quarter_by_default(report_data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("export_quarterly", "--year", "2024", "--quarter", "3", stdout=out)
    assert (tmp_path / "laporan-triwulan-2024-III.xlsx").exists()
    assert "NIK disamarkan" in out.getvalue()


def test_command_asks_which_programme_when_a_year_has_several(report_data, tmp_path):
    other = ProgrammeFactory(name="Pendampingan UMKM Ekspor 2024")
    with pytest.raises(CommandError) as refused:
        call_command("export_quarterly", year=2024, quarter=2, output=str(tmp_path / "x.xlsx"))
    message = str(refused.value)
    assert f"--programme {report_data['programme'].pk}: Pembinaan UMKM 2024" in message
    assert f"--programme {other.pk}: Pendampingan UMKM Ekspor 2024" in message
    call_command(
        "export_quarterly", year=2024, quarter=2, programme=other.pk, output=str(tmp_path / "x.xlsx"),
        stdout=io.StringIO(),
    )  # fmt: skip
    assert openpyxl.load_workbook(tmp_path / "x.xlsx")["Ringkasan"]["A3"].value == f"Program: {other.name}"


def test_command_refuses_a_year_or_programme_it_does_not_know(report_data, tmp_path):
    with pytest.raises(CommandError, match="Tidak ada program di tahun 2023"):
        call_command("export_quarterly", year=2023, quarter=1, output=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Tidak ada program dengan ID 999 di tahun 2024"):
        call_command("export_quarterly", year=2024, quarter=1, programme=999, output=str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


# --- cost ------------------------------------------------------------------------------------


def grow(programme: Programme, n: int, staf) -> None:
    """n more of everything the report reads: cohort members, sessions, spending, drives, registry."""
    world = World(users={"staf": staf}, programme=programme)
    line = world.budget_line(name=f"Bahan pelatihan {n}", allocation=400_000_000, plan_q1=100_000_000,
                             plan_q2=100_000_000, plan_q3=100_000_000, plan_q4=100_000_000)  # fmt: skip
    drive = world.hold_drive(name=f"Fasilitasi NIB {n}")
    for number in range(n):
        enrolment = world.enrol()
        world.assess(enrolment, staf)
        world.assess(enrolment, staf, follow_up=True, assessed_on=datetime.date(2024, 5, 1), has_nib=True)
        session = world.hold_session(held_on=datetime.date(2024, 4, 1 + number), recorded_by=staf,
                                     pendamping=staf, attendees=[enrolment])  # fmt: skip
        world.spend(line, spent_on=datetime.date(2024, 5, 1 + number), session=session, recorded_by=staf)
        world.register(drive, enrolment.business, outcome=EventParticipant.Outcome.ISSUED,
                       outcome_on=datetime.date(2024, 6, 1))  # fmt: skip


@pytest.mark.parametrize("n", [2, 20])
def test_the_report_reads_a_fixed_number_of_queries(report_data, staf, django_assert_max_num_queries, n):
    programme = report_data["programme"]
    grow(programme, n, staf)
    # realisation: 1 lines, 2 spending by quarter, 3 sessions, 4 plans, 5 verified;
    # 6–7 coverage to the quarter's end and to the day before it; 8–9 the quarter's sessions and their
    # topics; 10–11 the cohort and its assessments; 12 the quarter's spending; 13 the enrolment counts;
    # 14 the certificates issued; 15 the sectors; 16 the registry by kecamatan and sector.
    with django_assert_max_num_queries(16):
        content = reports.quarterly_workbook(programme, 2, show_nik=False)
    assert len(table_of(workbook_of(content)["Sesi"])[1]) == 2 + n


@pytest.mark.parametrize("n", [2, 20])
def test_the_download_runs_a_fixed_number_of_queries(
    report_data, staf, client_for, django_assert_max_num_queries, n
):
    grow(report_data["programme"], n, staf)
    client = client_for("pimpinan")
    url = reverse("coaching:quarterly_report", args=[report_data["programme"].pk])
    # The session, the user, the user's and their groups' permissions, the programme, the report's 16,
    # the access log's entry (privacy/access.py).
    with django_assert_max_num_queries(5 + 16 + 1):
        assert client.get(url, {"triwulan": "2"}).status_code == 200
