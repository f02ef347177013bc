"""The registry list as .xlsx and .csv: the list's exact rows, typed cells, no formulas, in bounded memory."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from registry import exports
from registry.exports import MONEY, Column, ListExporter, csv_lines, write_xlsx
from registry.models import Business, Desa, Kecamatan, Sector
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("registry:business_export")
LIST = reverse("registry:business_list")
FORMULAS = ['=HYPERLINK("http://x","klik")', "+1", "-2", "@SUM(A1)", "\tTab di depan", "\rCR di depan"]
NIK = "3505034105900001"


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.worksheets[0]


def sheet_xml(response) -> str:
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def export(client, export_format: str, **params):
    return client.get(EXPORT, {**params, "format": export_format})


def column_of(header: list, name: str) -> int:
    return header.index(name)


@pytest.fixture
def injected(db):
    """Businesses whose names a spreadsheet would otherwise run as formulas."""
    return [BusinessFactory(name=name, owner_name=name) for name in FORMULAS]


# --- formula injection ----------------------------------------------------------------------


def test_a_formula_in_a_business_name_is_plain_text_in_the_csv(client_for, injected):
    rows = read_csv(export(client_for("staf"), "csv"))

    names = {row[column_of(rows[0], "Nama usaha")] for row in rows[1:]}
    assert names == {"'" + name for name in FORMULAS}
    owners = {row[column_of(rows[0], "Nama pemilik")] for row in rows[1:]}
    assert all(owner.startswith("'") for owner in owners)


def test_a_formula_in_a_business_name_is_a_string_in_the_xlsx(client_for, injected):
    response = export(client_for("staf"), "xlsx")
    xml = sheet_xml(response)
    response = export(client_for("staf"), "xlsx")
    sheet = read_xlsx(response)

    assert "<f>" not in xml  # not one formula in the sheet
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    # The sheet keeps a carriage return as the OOXML escape _x000D_, which Excel and LibreOffice
    # decode and openpyxl leaves as it is in an inline string.
    assert {cell.value.replace("_x000D_", "\r") for cell in cells} == {"'" + name for name in FORMULAS}
    assert all(cell.data_type == "s" for cell in cells)


def test_negative_amounts_stay_numbers_and_only_text_is_neutralised(tmp_path):
    class Ledger(ListExporter):
        name = "buku"
        title = "Buku"
        columns = [Column("Uraian", ("text",)), Column("Jumlah (Rp)", ("amount",), MONEY)]

        def records(self):
            return [{"text": "-koreksi", "amount": -5_000}, {"text": "=1+1", "amount": 7_500}]

    ledger = Ledger(Business.objects.none(), user=None)
    output = tmp_path / "buku.xlsx"
    with output.open("wb") as file:
        assert write_xlsx(ledger, file) == 2
    sheet = openpyxl.load_workbook(output).active
    text = "".join(csv_lines(ledger.rows()))

    assert [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2)] == [
        ("'-koreksi", -5_000),
        ("'=1+1", 7_500),
    ]
    assert sheet["B2"].data_type == "n"
    assert text == "\ufeffUraian,Jumlah (Rp)\r\n'-koreksi,-5000\r\n'=1+1,7500\r\n"


# --- the file's shape -----------------------------------------------------------------------


def test_the_csv_has_indonesian_headers_plain_integers_and_iso_dates(client_for):
    BusinessFactory(
        name="Keripik Tempe Bu Sri",
        owner_nik=NIK,
        nib="9120001234567",
        phone="081234567890",
        registered_on=datetime.date(2024, 5, 2),
        turnover=1_500_000_000,
        capital=250_000_000,
        has_halal=True,
        kbli_code="10391",
        year_founded=2015,
    )

    response = export(client_for("staf"), "csv")
    rows = read_csv(response)

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="registri-umkm-{today}.csv"'
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Nama usaha"] == "Keripik Tempe Bu Sri"
    assert row["NIK pemilik"] == NIK
    assert row["NIB"] == "9120001234567"
    assert row["No. HP"] == "081234567890"
    assert row["Desa/Kelurahan"] == "Karanggayam"
    assert row["Kecamatan"] == "Srengat"
    assert row["Sektor"] == "Makanan"
    assert row["Tanggal masuk registri"] == "2024-05-02"
    assert row["Omzet per tahun (Rp)"] == "1500000000"
    assert row["Modal usaha (Rp)"] == "250000000"
    assert row["Kelas usaha"] == "Mikro"
    assert row["Halal"] == "Ya"
    assert row["PIRT"] == "Tidak"
    assert row["Tahun berdiri"] == "2015"
    assert row["Status"] == "Aktif"


def test_the_xlsx_has_typed_cells_a_frozen_header_a_filter_and_widths(client_for):
    BusinessFactory(
        name="Keripik Tempe Bu Sri",
        registered_on=datetime.date(2024, 5, 2),
        turnover=1_500_000_000,
        capital=None,
        nib="9120001234567",
    )
    BusinessFactory(name="Warung Kopi")

    response = export(client_for("staf"), "xlsx")
    sheet = read_xlsx(response)
    header = [cell.value for cell in sheet[1]]

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="registri-umkm-{today}.xlsx"'
    assert sheet.title == "Registri UMKM"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}3"
    assert sheet.column_dimensions["B"].width > 30  # the business name has room
    assert all(cell.font.bold for cell in sheet[1])
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["Omzet per tahun (Rp)"].value == 1_500_000_000
    assert row["Omzet per tahun (Rp)"].number_format == '[$-421]"Rp "#,##0'
    assert row["Modal usaha (Rp)"].value is None  # unknown stays empty, not 0
    assert row["Tanggal masuk registri"].value == datetime.datetime(2024, 5, 2)
    assert row["Tanggal masuk registri"].is_date
    assert row["Tenaga kerja"].value == 2
    assert row["NIB"].value == "9120001234567"
    assert row["NIB"].data_type == "s"  # a 13-digit number as text keeps every digit


def test_an_unknown_format_is_not_found_and_no_format_means_xlsx(client_for):
    BusinessFactory()

    assert client_for("staf").get(EXPORT, {"format": "pdf"}).status_code == 404
    assert read_xlsx(client_for("staf").get(EXPORT)).max_row == 2


@pytest.mark.parametrize("limit", ["XLSX_MAX_ROWS", "XLSX_WEB_ROWS"])
def test_a_list_too_long_for_an_xlsx_sends_the_person_back_to_the_list(client_for, monkeypatch, limit):
    # XLSX_MAX_ROWS: one Excel sheet (the header takes a row); XLSX_WEB_ROWS: what is written in time.
    monkeypatch.setattr(exports, limit, 3 if limit == "XLSX_MAX_ROWS" else 2)
    BusinessFactory.create_batch(3)
    sector = Sector.objects.get(slug="makanan").pk

    response = export(client_for("staf"), "xlsx", sector=sector)

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?sector={sector}"
    [message] = get_messages(response.wsgi_request)
    assert "unduh sebagai .csv" in str(message)
    assert export(client_for("staf"), "csv", sector=sector).status_code == 200


# --- exactly the rows of the list ------------------------------------------------------------


def listed_names(client, params) -> list[str]:
    """Every business the list shows for a filter, page after page."""
    names, number = [], 1
    while True:
        response = client.get(LIST, {**params, "page": number})
        names += [business.name for business in response.context["page"].object_list]
        if not response.context["page"].has_next():
            return names
        number += 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kecamatan": "WONODADI", "sort": "-turnover"},
        {"q": "kopi", "status": "aktif"},
        {"sector": "minuman", "has_halal": "ya", "sort": "registered_on"},
        {"registered_year": "2024", "page": "2"},  # a page number does not narrow the export
    ],
)
def test_an_export_holds_exactly_the_rows_of_the_lists_filter_in_its_order(client_for, params):
    wonodadi = Desa.objects.get(code="35.05.01.2001")
    minuman = Sector.objects.get(slug="minuman")
    for number in range(130):
        BusinessFactory(
            name=f"{'Kopi' if number % 4 == 0 else 'Keripik'} {number % 17:02d}-{number}",
            desa=wonodadi if number % 3 == 0 else Desa.objects.get(code="35.05.03.2001"),
            sector=minuman if number % 2 else Sector.objects.get(slug="makanan"),
            turnover=(number * 7919) % 1000 * 1_000_000,
            has_halal=number % 5 == 0,
            status=Business.Status.CLOSED if number % 11 == 0 else Business.Status.ACTIVE,
            registered_on=datetime.date(2023 + number % 3, 1 + number % 12, 1),
        )
    if "kecamatan" in params:
        params = {**params, "kecamatan": Kecamatan.objects.get(name="Wonodadi").pk}
    if "sector" in params:
        params = {**params, "sector": minuman.pk}
    client = client_for("pimpinan")
    expected = listed_names(client, {key: value for key, value in params.items() if key != "page"})

    csv_rows = read_csv(export(client, "csv", **params))
    sheet = read_xlsx(export(client, "xlsx", **params))

    assert expected  # every filter here matches something
    assert [row[1] for row in csv_rows[1:]] == expected
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == expected


def test_three_thousand_businesses_stream_out_whole(client_for):
    makanan = Sector.objects.get(slug="makanan")
    minuman = Sector.objects.get(slug="minuman")
    desa = Desa.objects.get(code="35.05.03.2001")
    Business.objects.bulk_create(
        Business(
            name=f"Usaha {number:04d}",
            owner_name="Pemilik",
            desa=desa,
            kecamatan_id=desa.kecamatan_id,
            sector=minuman if number % 3 == 0 else makanan,
            turnover=number * 1_000,
        )
        for number in range(3_000)
    )
    client = client_for("admin")
    exports_csv = export(client, "csv")
    filtered = export(client, "csv", sector=minuman.pk)
    listed = client.get(LIST, {"sector": minuman.pk}).context["page"].paginator.count

    assert exports_csv.streaming
    rows = read_csv(exports_csv)
    assert [row[1] for row in rows[1:]] == [f"Usaha {number:04d}" for number in range(3_000)]
    assert len(read_csv(filtered)) - 1 == listed == 1_000
    sheet = read_xlsx(export(client, "xlsx"))
    assert sheet.max_row == 3_001
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [f"Usaha {n:04d}" for n in range(3_000)]
    assert sheet["P3001"].value == 2_999_000


# --- who may export, and what they see of the NIK --------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(EXPORT, {"format": "csv"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "role, nik",
    [
        ("admin", NIK),
        ("staf", NIK),
        ("pendamping", "3505********0001"),
        ("pimpinan", "3505********0001"),
    ],
)
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_role_that_reads_the_registry_exports_it_with_nik_whole_only_for_admin_and_staf(
    client_for, role, nik, export_format
):
    BusinessFactory(owner_nik=NIK)
    BusinessFactory(name="Tanpa NIK", owner_nik=None)

    response = export(client_for(role), export_format)

    assert response.status_code == 200
    if export_format == "csv":
        rows = read_csv(response)
        niks = [row[column_of(rows[0], "NIK pemilik")] for row in rows[1:]]
        assert niks == [nik, ""]
    else:
        sheet = read_xlsx(response)
        column = [cell.value for cell in sheet[1]].index("NIK pemilik")
        assert [row[column].value for row in sheet.iter_rows(min_row=2)] == [nik, None]


def test_the_list_offers_both_downloads_with_its_current_filter(client_for):
    BusinessFactory()
    sector = Sector.objects.get(slug="makanan").pk

    response = client_for("pimpinan").get(LIST, {"sector": sector, "sort": "-turnover", "page": "1"})

    html = response.content.decode()
    assert f'href="{EXPORT}?sector={sector}&amp;sort=-turnover&amp;format=xlsx"' in html
    assert f'href="{EXPORT}?sector={sector}&amp;sort=-turnover&amp;format=csv"' in html


# --- queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 150])
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_query_count_does_not_grow_with_the_registry(
    client_for, count, export_format, django_assert_max_num_queries
):
    BusinessFactory.create_batch(count)
    client = client_for("pimpinan")
    params = {"kecamatan": Kecamatan.objects.get(name="Srengat").pk, "sector": 1, "sort": "-turnover"}

    # 1 session, 2 user, 3 the user's and their groups' permissions (one query), 4 desa choices for the filter
    # form, 5 kecamatan and 6 sector for the filter's choices, 7 the businesses with kecamatan, desa and
    # sector joined (read in chunks from one cursor), 8 the access log's entry (privacy/access.py); an
    # .xlsx first counts, stopping past XLSX_WEB_ROWS.
    with django_assert_max_num_queries(8 + (export_format == "xlsx")):
        response = export(client, export_format, **params)
        body = b"".join(response.streaming_content)

    if export_format == "csv":
        assert body.count(b"Keripik Tempe") == count
    else:
        assert openpyxl.load_workbook(io.BytesIO(body)).active.max_row == count + 1
