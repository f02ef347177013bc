"""The cohort, the sessions and a programme's spending as .xlsx and .csv: the list's rows, typed, safe."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from coaching.models import Attendance, BudgetLine, CoachingSession, Enrolment, Topic
from registry.models import Desa, Kecamatan, Sector
from tests.factories import (
    BudgetLineFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    ExpenditureFactory,
    ProgrammeFactory,
)
from tests.registry.test_exports import FORMULAS, read_csv, read_xlsx, sheet_xml
from tests.world import World

pytestmark = pytest.mark.django_db

NIK = "3505034105900001"
WONODADI_DESA = "35.05.01.2001"
ROLES = ["admin", "staf", "pendamping", "pimpinan"]


@pytest.fixture
def data(new_world, staf, pendamping, other_pendamping) -> World:
    """A cohort of four in Srengat and Wonodadi, two sessions, spending on two lines, and rows of other
    programmes that no export of this one may show.

    Named: hyperlink (a business named like a formula, with a NIK, a baseline and a follow-up), kopi,
    withdrawn, verified, class_in_srengat, visit_in_wonodadi, meals, speakers.
    """
    world = new_world()
    wonodadi = Desa.objects.get(code=WONODADI_DESA)
    minuman = Sector.objects.get(slug="minuman")
    hyperlink = world.enrol(
        business__name=FORMULAS[0],
        business__owner_nik=NIK,
        business__nib="9120001234567",
        pendamping=pendamping,
    )
    world.assess(hyperlink, staf, turnover=120_000_000)
    world.assess(hyperlink, staf, follow_up=True, turnover=150_000_000)
    kopi = world.enrol(
        business__name="Kopi Bubuk Wonodadi",
        business__desa=wonodadi,
        business__sector=minuman,
        pendamping=other_pendamping,
    )
    withdrawn = world.enrol(business__name="Batik Tulis", status=Enrolment.Status.WITHDRAWN)
    verified = world.enrol(
        business__name="Gerabah Naik Kelas",
        status=Enrolment.Status.NAIK_KELAS,
        verified_on=datetime.date(2024, 8, 1),
        pendamping=pendamping,
    )
    EnrolmentFactory(
        programme=ProgrammeFactory(name="Program lain", year=2023), business__name="Bukan peserta program ini"
    )

    marketing, digital = Topic.objects.get(slug="pemasaran-merek"), Topic.objects.get(slug="digital")
    class_in_srengat = world.hold_session(
        held_on=datetime.date(2024, 3, 5),
        pendamping=pendamping,
        recorded_by=pendamping,
        venue="Balai Desa Karanggayam",
        duration_minutes=120,
        topics=[digital, marketing],
        attendees=[hyperlink, kopi, verified],
        attendance_by=staf,
    )
    visit_in_wonodadi = world.hold_session(
        held_on=datetime.date(2024, 7, 10),
        kind=CoachingSession.Kind.SITE_VISIT,
        kecamatan=wonodadi.kecamatan,
        desa=wonodadi,
        pendamping=other_pendamping,
        recorded_by=other_pendamping,
        notes='=HYPERLINK("http://x","catatan")',
        topics=[marketing],
        attendees=[kopi],
        attendance_by=staf,
    )
    CoachingSessionFactory(
        programme=ProgrammeFactory(name="Program 2023", year=2023), held_on=datetime.date(2023, 5, 1)
    )

    meals = world.budget_line(name="Konsumsi kelas")
    speakers = world.budget_line(name="Honor narasumber", category=BudgetLine.Category.SPEAKER_FEES)
    world.spend(
        meals,
        spent_on=datetime.date(2024, 3, 5),
        amount=1_250_000,
        description=FORMULAS[0],
        session=class_in_srengat,
        recorded_by=staf,
    )
    for number, description in enumerate(FORMULAS[1:]):
        world.spend(
            speakers,
            spent_on=datetime.date(2024, 4 + number, 2),
            amount=500_000 + number,
            description=description,
            receipt_number="" if number % 2 else f"SPJ/{number}",
            recorded_by=staf,
        )
    ExpenditureFactory(
        budget_line=BudgetLineFactory(programme=ProgrammeFactory(name="Lain")), recorded_by=staf
    )
    world.name(
        hyperlink=hyperlink,
        kopi=kopi,
        withdrawn=withdrawn,
        verified=verified,
        class_in_srengat=class_in_srengat,
        visit_in_wonodadi=visit_in_wonodadi,
        meals=meals,
        speakers=speakers,
    )
    return world


def rows_by_header(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def xlsx_rows(sheet) -> list[dict]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def get_export(client, url, export_format, params=None):
    return client.get(url, {**(params or {}), "format": export_format})


# --- the cohort ------------------------------------------------------------------------------


def cohort_urls(programme):
    return reverse("coaching:cohort", args=[programme.pk]), reverse(
        "coaching:cohort_export", args=[programme.pk]
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "binaan"},
        {"status": "mundur"},
        {"kecamatan": "Wonodadi"},
        {"sector": "minuman"},
        {"pendamping": "pendamping-uji"},
        {"q": "kopi"},
        {"verified_to": "2024-12-31"},
    ],
)
def test_the_cohort_export_holds_exactly_the_rows_of_the_cohort_filter(client_for, data, users, params):
    if "kecamatan" in params:
        params = {"kecamatan": Kecamatan.objects.get(name=params["kecamatan"]).pk}
    if "sector" in params:
        params = {"sector": Sector.objects.get(slug=params["sector"]).pk}
    if "pendamping" in params:
        params = {"pendamping": users["pendamping"].pk}
    client = client_for("pimpinan")
    listed, export = cohort_urls(data.programme)
    expected = [e.business.name for e in client.get(listed, params).context["page"].object_list]

    csv_rows = read_csv(get_export(client, export, "csv", params))
    sheet = read_xlsx(get_export(client, export, "xlsx", params))

    assert expected
    assert [row[0] for row in csv_rows[1:]] == ["'" + n if n == FORMULAS[0] else n for n in expected]
    assert [row["Nama usaha"].value.removeprefix("'") for row in xlsx_rows(sheet)] == expected


def test_the_cohort_export_has_place_pendamping_sessions_and_turnover_per_business(client_for, data):
    _, export = cohort_urls(data.programme)
    client = client_for("staf")

    csv_rows = {row["NIB"]: row for row in rows_by_header(read_csv(get_export(client, export, "csv")))}
    response = get_export(client, export, "xlsx")
    sheet = read_xlsx(response)

    row = csv_rows["9120001234567"]
    assert row["Nama usaha"] == "'" + FORMULAS[0]
    assert row["NIK pemilik"] == NIK
    assert row["Kecamatan"] == "Srengat"
    assert row["Pendamping"] == "Bagus"
    assert row["Tanggal masuk binaan"] == "2024-01-15"
    assert row["Status"] == "Aktif dibina"
    assert row["Sesi dihadiri"] == "1"
    assert row["Sesi terakhir"] == "2024-03-05"
    assert row["Omzet awal (Rp)"] == "120000000"
    assert row["Omzet terakhir (Rp)"] == "150000000"
    assert row["Tanggal penilaian terakhir"] == "2024-06-01"
    kopi = next(r for r in csv_rows.values() if r["Nama usaha"] == "Kopi Bubuk Wonodadi")
    assert (kopi["Pendamping"], kopi["Sesi dihadiri"], kopi["Omzet awal (Rp)"]) == ("Dewi", "2", "")
    assert response["Content-Disposition"].startswith('attachment; filename="peserta-pembinaan-umkm-2024-')
    cells = {row["Nama usaha"].value: row for row in xlsx_rows(sheet)}
    first = cells["'" + FORMULAS[0]]
    assert first["Nama usaha"].data_type == "s"
    assert first["Omzet awal (Rp)"].value == 120_000_000
    assert first["Omzet awal (Rp)"].number_format == '[$-421]"Rp "#,##0'
    assert first["Sesi terakhir"].value == datetime.datetime(2024, 3, 5)
    assert cells["Gerabah Naik Kelas"]["Tanggal naik kelas"].value == datetime.datetime(2024, 8, 1)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P5"


@pytest.mark.parametrize(
    "role, nik",
    [("admin", NIK), ("staf", NIK), ("pendamping", "3505********0001"), ("pimpinan", "3505********0001")],
)
def test_every_role_exports_the_cohort_with_nik_whole_only_for_admin_and_staf(client_for, data, role, nik):
    _, export = cohort_urls(data.programme)

    response = get_export(client_for(role), export, "csv")

    assert response.status_code == 200
    niks = [row["NIK pemilik"] for row in rows_by_header(read_csv(response))]
    assert sorted(niks) == ["", "", "", nik]


# --- sessions --------------------------------------------------------------------------------

SESSIONS = reverse("coaching:session_list")
SESSION_EXPORT = reverse("coaching:session_export")


@pytest.mark.parametrize(
    "params",
    [{}, {"kecamatan": "Wonodadi"}, {"program": True}, {"topic": "digital"}, {"held_from": "2024-06-01"}],
)
def test_the_session_export_holds_exactly_the_rows_of_the_session_filter(client_for, data, params):
    if "kecamatan" in params:
        params = {"kecamatan": Kecamatan.objects.get(name="Wonodadi").pk}
    if "program" in params:
        params = {"program": data.programme.pk}
    if "topic" in params:
        params = {"topic": Topic.objects.get(slug="digital").pk}
    client = client_for("pendamping")
    expected = [session.held_on for session in client.get(SESSIONS, params).context["page"].object_list]

    csv_rows = rows_by_header(read_csv(get_export(client, SESSION_EXPORT, "csv", params)))
    sheet = read_xlsx(get_export(client, SESSION_EXPORT, "xlsx", params))

    assert expected
    assert [row["Tanggal"] for row in csv_rows] == [day.isoformat() for day in expected]
    assert [row["Tanggal"].value.date() for row in xlsx_rows(sheet)] == expected


def test_the_session_export_joins_topics_and_counts_attendees(client_for, data):
    client = client_for("staf")
    params = {"program": data.programme.pk}

    rows = rows_by_header(read_csv(get_export(client, SESSION_EXPORT, "csv", params)))
    sheet = read_xlsx(get_export(client, SESSION_EXPORT, "xlsx", params))

    visit, group_class = rows  # newest first, as on the list
    assert group_class["Topik"] == "Pemasaran & merek, Digitalisasi"
    assert group_class["Jenis sesi"] == "Kelas kelompok"
    assert group_class["Jumlah hadir"] == "3"
    assert group_class["Durasi (menit)"] == "120"
    assert group_class["Pendamping"] == "Bagus"
    assert group_class["Tempat"] == "Balai Desa Karanggayam"
    assert group_class["Program"] == "Pembinaan UMKM 2024"
    assert (visit["Kecamatan"], visit["Desa/Kelurahan"]) == ("Wonodadi", "Jaten")
    assert visit["Catatan"] == '\'=HYPERLINK("http://x","catatan")'
    cells = xlsx_rows(sheet)
    assert cells[1]["Jumlah hadir"].value == 3
    assert cells[0]["Catatan"].data_type == "s"
    assert sheet.title == "Sesi pendampingan"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_that_reads_sessions_exports_them(client_for, data, role):
    response = get_export(client_for(role), SESSION_EXPORT, "xlsx")

    assert response.status_code == 200
    assert read_xlsx(response).max_row == 1 + CoachingSession.objects.count()


# --- spending --------------------------------------------------------------------------------


def spending_urls(programme):
    return (
        reverse("coaching:expenditure_list", args=[programme.pk]),
        reverse("coaching:expenditure_export", args=[programme.pk]),
    )


def test_a_formula_in_a_spending_description_is_text_and_the_amounts_are_numbers(client_for, data):
    _, export = spending_urls(data.programme)
    client = client_for("staf")

    csv_rows = rows_by_header(read_csv(get_export(client, export, "csv")))
    xml = sheet_xml(get_export(client, export, "xlsx"))
    cells = xlsx_rows(read_xlsx(get_export(client, export, "xlsx")))

    assert {row["Uraian belanja"] for row in csv_rows} == {"'" + text for text in FORMULAS}
    assert "<f>" not in xml
    assert all(row["Uraian belanja"].data_type == "s" for row in cells)
    assert {row["Uraian belanja"].value.replace("_x000D_", "\r") for row in cells} == {
        "'" + t for t in FORMULAS
    }
    assert all(row["Jumlah (Rp)"].data_type == "n" for row in cells)
    assert {row["Jumlah (Rp)"].number_format for row in cells} == {'[$-421]"Rp "#,##0'}
    assert sum(row["Jumlah (Rp)"].value for row in cells) == sum(int(row["Jumlah (Rp)"]) for row in csv_rows)
    paid = next(row for row in csv_rows if row["Uraian belanja"] == "'" + FORMULAS[0])
    assert paid["Untuk"] == "Sesi 5 Maret 2024, Kec. Srengat"
    assert (paid["Tanggal"], paid["Jumlah (Rp)"], paid["Mata anggaran"]) == (
        "2024-03-05",
        "1250000",
        "Konsumsi kelas",
    )
    assert paid["Kategori"] == "Konsumsi"
    assert paid["Dicatat oleh"] == "Siti"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"triwulan": "2"},
        {"no_receipt": "on"},
        {"mata_anggaran": "speakers"},
        {"q": "SUM"},
        {"spent_to": "2024-05-31"},
    ],
)
def test_the_spending_export_holds_exactly_the_rows_of_the_spending_filter(client_for, data, params):
    if "mata_anggaran" in params:
        params = {"mata_anggaran": data.speakers.pk}
    listed, export = spending_urls(data.programme)
    client = client_for("pimpinan")
    page = client.get(listed, params).context
    expected = [entry.amount for entry in page["page"].object_list]

    csv_rows = rows_by_header(read_csv(get_export(client, export, "csv", params)))
    cells = xlsx_rows(read_xlsx(get_export(client, export, "xlsx", params)))

    assert expected
    assert [int(row["Jumlah (Rp)"]) for row in csv_rows] == expected
    assert [row["Jumlah (Rp)"].value for row in cells] == expected
    assert sum(expected) == page["total"]  # the export adds up to the list's total


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("staf", 200), ("pimpinan", 200), ("pendamping", 403)]
)
def test_spending_is_exported_to_those_who_may_see_the_money(client_for, data, role, status):
    _, export = spending_urls(data.programme)

    assert get_export(client_for(role), export, "csv").status_code == status
    assert get_export(client_for(role), export, "xlsx").status_code == status


@pytest.mark.parametrize("url_name", ["cohort_export", "session_export", "expenditure_export"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, data, url_name):
    args = [] if url_name == "session_export" else [data.programme.pk]

    response = client.get(reverse(f"coaching:{url_name}", args=args), {"format": "csv"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url_name, export_name", [("cohort", "cohort_export"), ("expenditure_list", "expenditure_export")]
)
def test_the_programme_lists_offer_both_downloads_with_their_current_filter(
    client_for, data, url_name, export_name
):
    export = reverse(f"coaching:{export_name}", args=[data.programme.pk])

    response = client_for("staf").get(
        reverse(f"coaching:{url_name}", args=[data.programme.pk]), {"q": "kopi", "page": "1"}
    )

    html = response.content.decode()
    assert f'href="{export}?q=kopi&amp;format=xlsx"' in html
    assert f'href="{export}?q=kopi&amp;format=csv"' in html


def test_the_session_list_offers_both_downloads_with_its_current_filter(client_for, data):
    response = client_for("pendamping").get(SESSIONS, {"held_from": "2024-06-01"})

    html = response.content.decode()
    assert f'href="{SESSION_EXPORT}?held_from=2024-06-01&amp;format=xlsx"' in html
    assert f'href="{SESSION_EXPORT}?held_from=2024-06-01&amp;format=csv"' in html


# --- queries ---------------------------------------------------------------------------------


def grow(data: World, staf, extra: int) -> None:
    """`extra` more businesses in the cohort, each at the Srengat class, and `extra` more spending entries."""
    for number in range(extra):
        enrolment = data.enrol(business__name=f"Tambahan {number}")
        data.assess(enrolment, staf)
        Attendance.objects.create(
            session=data.class_in_srengat, business=enrolment.business, enrolment=enrolment, recorded_by=staf
        )
        data.hold_session(recorded_by=staf, topics=Topic.objects.filter(slug="digital"))
    data.spend_in_bulk(
        {"budget_line": data.meals, "amount": 1_000, "description": "Air minum", "recorded_by": staf,
         "spent_on": datetime.date(2024, 2, 1)}
        for _ in range(extra)
    )  # fmt: skip


def data_rows(body: bytes, export_format: str) -> int:
    if export_format == "csv":
        return len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1
    return openpyxl.load_workbook(io.BytesIO(body)).active.max_row - 1


@pytest.mark.parametrize("extra", [0, 40])
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_coaching_exports_query_counts_do_not_grow_with_the_rows(
    client_for, data, staf, extra, export_format, django_assert_num_queries
):
    grow(data, staf, extra)
    client = client_for("pimpinan")
    cohort = reverse("coaching:cohort_export", args=[data.programme.pk])
    spending = reverse("coaching:expenditure_export", args=[data.programme.pk])
    srengat = Kecamatan.objects.get(name="Srengat").pk
    digital = Topic.objects.get(slug="digital").pk

    # 1 session, 2 user, 3 the user's and their groups' permissions in one query (umkm_blitar/auth.py)
    # (every export the same; an .xlsx adds one: a count that stops past XLSX_WEB_ROWS), then: 4 the
    # programme, 5 kecamatan for the filter's choice, 6 the enrolments with business, place and
    # pendamping joined, sessions counted and assessments read in subqueries; and every export: the
    # access log's entry (privacy/access.py).
    queries = 6 + (export_format == "xlsx") + 1
    with django_assert_num_queries(queries):
        cohort_body = b"".join(
            get_export(client, cohort, export_format, {"kecamatan": srengat}).streaming_content
        )
    # 4 the topic for the filter's choice, 5 the topics of the matching sessions, 6 the sessions with
    # programme, kecamatan, desa and pendamping joined and attendees counted.
    with django_assert_num_queries(queries):
        sessions_body = b"".join(
            get_export(client, SESSION_EXPORT, export_format, {"topic": digital}).streaming_content
        )
    # 4 the programme, 5 the budget line for the filter's choice, 6 the spending with line, session,
    # event and recorder joined.
    with django_assert_num_queries(queries):
        spending_body = b"".join(
            get_export(client, spending, export_format, {"mata_anggaran": data.meals.pk}).streaming_content
        )

    # In Srengat: the formula-named business, the withdrawn one, the verified one and the extra ones.
    assert data_rows(cohort_body, export_format) == 3 + extra
    assert data_rows(sessions_body, export_format) == 1 + extra
    assert data_rows(spending_body, export_format) == 1 + extra
