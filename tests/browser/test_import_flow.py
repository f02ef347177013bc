"""Importing an office spreadsheet in a browser: upload, read the preview, confirm, find the businesses.

The import's tasks run at once inside the test server (the immediate backend of tests/settings.py);
tests/browser/test_task_queue.py runs the same flow with the database backend and a real worker.
"""

import re

import pytest
from playwright.sync_api import expect

from registry.models import Business, RegistryImport
from tests.registry.fixtures import make_messy


@pytest.fixture
def import_in_process(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_staf_uploads_a_messy_file_reads_the_preview_confirms_and_finds_the_businesses(
    page, staf, log_in, screenshot, tmp_path, import_in_process
):
    make_messy.create_existing()
    rows = make_messy.messy_rows()
    path = tmp_path / "data-umkm-srengat.xlsx"
    make_messy.write_xlsx(path, rows)
    before = Business.objects.count()

    log_in(page, staf)
    page.goto("/registri/")
    page.get_by_role("link", name="Impor dari spreadsheet").click()
    expect(page.get_by_role("heading", name="Impor registri dari spreadsheet")).to_be_visible()
    page.get_by_label("Berkas spreadsheet (.xlsx atau .csv)").set_input_files(path)
    page.get_by_role("button", name="Unggah dan periksa").click()

    expect(page).to_have_url(re.compile(r"/registri/impor/\d+/$"))
    expect(page.get_by_role("heading", name="Pratinjau: yang akan terjadi")).to_be_visible()
    summary = page.locator("section", has=page.get_by_role("heading", name="Pratinjau: yang akan terjadi"))
    expect(summary.locator(".card", has_text="Usaha baru")).to_contain_text("154")
    expect(summary.locator(".card", has_text="Diperbarui")).to_contain_text("40")
    expect(summary.locator(".card", has_text="Baris bergalat")).to_contain_text("21")
    ambiguous = next(row for row in rows if row.cells.get("NAMA UMKM") == "Usaha Bergalat 01")
    error_row = page.locator("#galat ~ .table-responsive tr", has_text="Sumbero")
    expect(error_row).to_contain_text(str(ambiguous.number))
    expect(error_row).to_contain_text(
        "Desa “Sumbero” tidak jelas: mirip Sumber dan Sumberjo di Kecamatan Sanankulon"
    )
    expect(page.get_by_text("Desa “Karanggayan” dibaca sebagai Karanggayam")).to_be_visible()
    expect(page.locator("tr", has_text="Keripik Tempe Sumber Rejeki 3")).to_contain_text(
        "Omzet per Tahun (Rp): Rp 100.000.000 → Rp 150.000.000"
    )
    assert Business.objects.count() == before  # nothing written before confirming
    screenshot(page, "impor-01-pratinjau")

    confirm = page.get_by_role("button", name="Impor 154 usaha baru dan 40 perubahan")
    skip = page.get_by_label("Lewati 21 baris bergalat dan impor baris yang sah saja")
    confirm.click()  # the browser holds the form back until the person chooses to skip the errors
    assert skip.evaluate("checkbox => checkbox.validity.valueMissing")
    expect(page).to_have_url(re.compile(r"/registri/impor/\d+/$"))
    assert RegistryImport.objects.get().status == RegistryImport.Status.READY
    skip.check()
    confirm.click()

    expect(page.get_by_role("heading", name="Impor selesai")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("154 usaha baru, 40 diperbarui, 5 tidak berubah")
    registry_import = RegistryImport.objects.get()
    assert registry_import.status == RegistryImport.Status.DONE
    assert Business.objects.count() == before + 154
    screenshot(page, "impor-02-selesai")

    page.get_by_role("link", name="Lihat registri").click()
    page.get_by_role("searchbox", name="Cari").fill("Usaha Uji")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("#jumlah-hasil")).to_have_text(re.compile(r"^154 usaha cocok dengan saringan"))
    page.get_by_role("link", name="Usaha Uji 000").click()
    expect(page.locator(".timeline-entry")).to_contain_text(
        f"Impor data-umkm-srengat.xlsx #{registry_import.pk}"
    )
    screenshot(page, "impor-03-usaha-hasil-impor")
