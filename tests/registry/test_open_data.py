"""Open data for the Satu Data portal: the registry's counts, no personal data, a .zip with its metadata."""

import csv
import io
import subprocess
import zipfile
from collections import Counter
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.registry import seed_registry
from registry.models import Business
from registry.open_data import COLUMNS, PRODUCER, TITLE
from registry.sizes import SIZE_CLASS_LABELS
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

URL = reverse("registry:open_data")
HEADERS = [
    "kode_kecamatan_kemendagri",
    "kode_kecamatan_bps",
    "nama_kecamatan",
    "sektor",
    "kelas_usaha",
    "tahun_masuk_registri",
    "jumlah_umkm",
    "jumlah_umkm_aktif",
]


@pytest.fixture
def registry():
    seed_registry(total=400, seed=7)
    # A business of no known class, so "Belum diketahui" is counted too.
    BusinessFactory(turnover=None, capital=None, nib="3505000000001", owner_nik="3505034107800001")


def download(client) -> zipfile.ZipFile:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    name = f"data-terbuka-umkm-kabupaten-blitar-{timezone.localdate().isoformat()}.zip"
    assert name in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    text = archive.read(name).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(StringIO(text[1:])))


def fresh_counts() -> Counter:
    """The same figures counted in Python from every business, independently of the selector."""
    counts = Counter()
    for business in Business.objects.select_related("kecamatan", "sector"):
        key = (
            business.kecamatan.code,
            business.kecamatan.bps_code,
            business.kecamatan.name,
            business.sector.name,
            SIZE_CLASS_LABELS.get(business.size_class, "Belum diketahui"),
            str(business.registered_on.year),
        )
        counts[(*key, "total")] += 1
        counts[(*key, "active")] += business.status == Business.Status.ACTIVE
    return counts


def test_the_counts_are_exactly_those_of_the_registry_with_both_kecamatan_codes(registry, client_for):
    archive = download(client_for("pimpinan"))

    assert sorted(archive.namelist()) == ["data.csv", "metadata.csv"]
    header, *rows = read_csv(archive, "data.csv")
    assert header == HEADERS
    published = Counter()
    for *key, total, active in rows:
        assert int(total) > 0  # a combination without businesses is left out
        published[(*key, "total")] += int(total)
        published[(*key, "active")] += int(active)
    assert +published == +fresh_counts()
    assert len(rows) == len({tuple(row[:6]) for row in rows})  # one row per combination
    assert sum(int(row[6]) for row in rows) == Business.objects.count() == 401
    srengat = next(row for row in rows if row[2] == "Srengat")
    assert srengat[:2] == ["35.05.03", "3505200"]
    assert {row[4] for row in rows} >= {"Mikro", "Kecil", "Belum diketahui"}


def test_no_name_nik_phone_nib_or_address_appears(registry, client_for):
    archive = download(client_for("admin"))  # admin sees every NIK elsewhere, and none here
    published = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())

    personal = Business.objects.values_list("name", "owner_name", "owner_nik", "phone", "nib", "address")
    for values in personal:
        for value in values:
            if value:
                assert value not in published
    assert "3505034107800001" not in published and "3505000000001" not in published


def test_the_metadata_names_title_period_producer_licence_and_every_column(registry, client_for):
    archive = download(client_for("pendamping"))

    rows = read_csv(archive, "metadata.csv")
    attributes = {row[0]: row[1] for row in rows[: rows.index([])] if row}
    first = Business.objects.order_by("registered_on").first().registered_on.year
    last = Business.objects.order_by("registered_on").last().registered_on.year
    assert attributes["judul"] == TITLE
    assert attributes["produsen_data"] == PRODUCER
    assert attributes["periode"].startswith(f"Tahun masuk registri {first}–{last}; keadaan registri per ")
    assert attributes["jumlah_seluruh_umkm"] == "401"
    assert "CC BY 4.0" in attributes["lisensi"]
    assert "NIK" in attributes["catatan"]
    definitions = {row[0]: row[1] for row in rows[rows.index(["kolom", "definisi"]) + 1 :]}
    assert list(definitions) == HEADERS == [column.header for column in COLUMNS]
    assert all(definitions.values())


@pytest.mark.parametrize("role", ["admin", "staf", "pendamping", "pimpinan"])
def test_every_role_may_download_it(role, client_for):
    BusinessFactory()

    header, row = read_csv(download(client_for(role)), "data.csv")

    assert header == HEADERS and row[-2:] == ["1", "1"]


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_an_empty_registry_gives_a_header_and_says_there_is_no_data_yet(client_for):
    archive = download(client_for("staf"))

    assert read_csv(archive, "data.csv") == [HEADERS]
    attributes = {row[0]: row[1] for row in read_csv(archive, "metadata.csv") if len(row) == 2}
    assert attributes["periode"].startswith("Tahun masuk registri belum ada data;")
    assert attributes["jumlah_seluruh_umkm"] == "0"


def test_the_registry_dashboard_links_to_it(client_for):
    response = client_for("pendamping").get(reverse("registry:dashboard"))

    assert f'href="{URL}"' in response.content.decode()


def test_the_query_count_does_not_grow_with_the_registry(registry, client_for, django_assert_max_num_queries):
    client = client_for("pimpinan")
    # The session, the user, then the one GROUP BY.
    with django_assert_max_num_queries(3):
        b"".join(client.get(URL).streaming_content)


def test_the_command_writes_the_same_zip_for_the_portal(registry, client_for, tmp_path):
    path = tmp_path / "umkm.zip"
    out = StringIO()

    call_command("export_open_data", output=path, stdout=out)

    assert f"Data terbuka tersimpan: {path}" in out.getvalue()
    with zipfile.ZipFile(path) as written:
        downloaded = download(client_for("pimpinan"))
        for name in ("data.csv", "metadata.csv"):
            assert written.read(name) == downloaded.read(name)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_csv_with_its_indonesian_headers(registry, client_for, soffice, tmp_path):
    data = tmp_path / "data.csv"
    data.write_bytes(download(client_for("pimpinan")).read("data.csv"))
    # A profile of its own, so parallel runs (and a desktop LibreOffice) do not lock each other out.
    profile = (tmp_path / "profil-libreoffice").as_uri()
    result = subprocess.run(
        [str(soffice), f"-env:UserInstallation={profile}", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(data)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    converted = tmp_path / "out" / "data.xlsx"
    assert result.returncode == 0, result.stderr
    assert converted.exists(), result.stdout + result.stderr

    sheet = openpyxl.load_workbook(converted).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) - 1 == len(read_csv(download(client_for("pimpinan")), "data.csv")) - 1
    assert sum(row[6] for row in rows[1:]) == 401  # counts read as numbers
