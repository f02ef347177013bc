"""A hostile or careless file costs memory and time in line with its rows, never with their square."""

import tracemalloc
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry import imports, services
from registry.imports.plan import DUPLICATES_LISTED, RowPlan, _others

pytestmark = pytest.mark.django_db
ROWS = 100_000
HEADER = ["Nama Usaha", "Kecamatan", "Desa/Kelurahan", "Sektor", "NIB", "Omzet"]
# Measured here: 100.000 rows peak at 102 MB (copies of one row) and 120 MB (every row failing one
# check): read rows, their plan and the preview. Before, 10.000 copies of one row took 896 MB, and
# memory grew with the square of the copies.
PEAK_LIMIT_MB = 250
PAGE_LIMIT_BYTES = 1_500_000


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook(path, row_of):
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("Data UMKM")
    sheet.write_row(0, 0, HEADER)
    for number in range(1, ROWS + 1):
        sheet.write_row(number, 0, row_of(number))
    book.close()
    return path


def preview_measured(path, user):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    registry_import = services.registry_import_create(user=user, uploaded_file=upload)
    tracemalloc.start()
    try:
        services.registry_import_preview(registry_import=registry_import)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return registry_import, peak / 1024 / 1024


def page_size(client_for, registry_import) -> int:
    response = client_for("staf").get(reverse("registry:import_detail", args=[registry_import.pk]))
    assert response.status_code == 200
    return len(response.content)


def test_a_file_of_copies_of_one_row_is_previewed_in_bounded_memory_with_a_small_page(
    tmp_path, staf, client_for
):
    path = workbook(
        tmp_path / "salinan.xlsx",
        lambda _: ["Keripik Tempe", "Srengat", "Karanggayam", "Makanan", "3505031234567", 1],
    )

    registry_import, peak_mb = preview_measured(path, staf)

    assert registry_import.error_count == ROWS
    assert peak_mb < PEAK_LIMIT_MB
    assert registry_import.preview["totals"]["errors"] == ROWS
    assert len(registry_import.preview["errors"]) == imports.preview.PREVIEW_LIMITS["errors"]
    first = registry_import.preview["errors"][0]["message"]
    assert first == "NIB 3505031234567 tertulis juga di baris 3, 4, 5 … dan 99.996 lainnya."
    assert page_size(client_for, registry_import) < PAGE_LIMIT_BYTES


def test_a_file_whose_every_row_fails_the_same_check_is_previewed_in_bounded_memory(
    tmp_path, staf, client_for
):
    path = workbook(
        tmp_path / "galat.xlsx",
        lambda n: [f"Usaha {n}", "Srengat", "Karanggayam", "Makanan", "", "sejuta rupiah"],
    )

    registry_import, peak_mb = preview_measured(path, staf)

    assert registry_import.error_count == ROWS
    assert peak_mb < PEAK_LIMIT_MB
    assert registry_import.preview["totals"]["errors"] == ROWS
    assert page_size(client_for, registry_import) < PAGE_LIMIT_BYTES


def test_a_duplicate_names_a_few_other_rows_and_counts_the_rest():
    group = [RowPlan(number) for number in (12, 40, 77, 90, 91)]
    assert _others(group, group[0]) == "40, 77, 90 … dan 1 lainnya"
    assert _others(group[:2], group[0]) == "40"
    assert _others(group[:3], group[1]) == "12 dan 77"
    assert DUPLICATES_LISTED == 3


def test_a_workbook_whose_sheet_unpacks_past_the_limit_is_refused_before_it_is_read(tmp_path, settings, staf):
    settings.IMPORT_MAX_SHEET_MB = 1
    path = tmp_path / "besar.xlsx"
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for number in range(1, 20_000):
        sheet.write_row(number, 0, ["Keripik Tempe", "Srengat", "Karanggayam", "Makanan"])
    book.close()
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 1024 * 1024

    with pytest.raises(imports.ImportFileError, match="lebih dari 1 MB setelah dibuka"):
        imports.build_plan(path)
