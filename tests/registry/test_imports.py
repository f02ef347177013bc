"""Importing the office's registry spreadsheets: reading messy cells, the preview, the apply, the pages."""

import datetime
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from registry import imports, jobs, services
from registry.models import Business, Desa, RegistryImport
from registry.services import registry_import_run
from tests.factories import BusinessFactory
from tests.registry.fixtures import make_messy

EXPECTED_COUNTS = {"create": 154, "update": 40, "unchanged": 5, "error": 21}
History = Business.history.model


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def messy():
    return make_messy.messy_rows()


@pytest.fixture
def existing(db):
    return make_messy.create_existing()


FILE_KINDS = {
    "xlsx": lambda path, rows: make_messy.write_xlsx(path, rows),
    "csv-semicolon-utf8-bom": lambda path, rows: make_messy.write_csv(path, rows),
    "csv-comma-cp1252": lambda path, rows: make_messy.write_csv(path, rows, delimiter=",", encoding="cp1252"),
}


def write_messy(tmp_path, rows, kind="xlsx"):
    path = tmp_path / f"data-umkm-srengat.{kind.split('-')[0]}"
    FILE_KINDS[kind](path, rows)
    return path


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def previewed(tmp_path, rows, user, kind="xlsx"):
    registry_import = services.registry_import_create(
        user=user, uploaded_file=upload(write_messy(tmp_path, rows, kind))
    )
    services.registry_import_preview(registry_import=registry_import)
    return registry_import


def counts_of(plan):
    return Counter(row.action for row in plan.rows)


# --- Reading cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "rupiah"),
    [
        *make_messy.MONEY_FORMATS,
        ("1.500.000", 1_500_000),
        (1_500_000.0, 1_500_000),
        ("Rp 1,5 M", 1_500_000_000),
    ],
)
def test_money_is_read_in_every_way_offices_write_it(cell, rupiah):
    assert imports.read_money(cell) == rupiah


@pytest.mark.parametrize("cell", ["seratus ribu", "1,5 ton", "Rp"])
def test_unreadable_money_is_an_error_in_indonesian(cell):
    with pytest.raises(imports.CellError, match="tidak dikenali"):
        imports.read_money(cell)


@pytest.mark.parametrize(("cell", "date"), [*make_messy.DATE_FORMATS, (45414, datetime.date(2024, 5, 2))])
def test_dates_are_read_day_first_and_from_excel(cell, date):
    assert imports.read_date(cell) == date


def test_a_month_day_date_is_refused_not_swapped():
    with pytest.raises(imports.CellError, match="hari/bulan/tahun"):
        imports.read_date("05/25/2024")


@pytest.mark.parametrize(
    ("cell", "phone"), [*make_messy.PHONE_FORMATS, ("+62 0812 3456 7890", "+6281234567890")]
)
def test_phones_are_normalised_as_the_registry_keeps_them(cell, phone):
    assert imports.read_phone(cell) == phone


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nama Usaha", "name"),
        ("NAMA UMKM", "name"),
        ("Desa/Kelurahan", "desa"),
        ("desa / kel.", "desa"),
        ("Omzet", "turnover"),
        ("Omset per Tahun", "turnover"),
        ("OMZET PER TAHUN (Rp)", "turnover"),
        ("No. HP", "phone"),
        ("No HP/WA", "phone"),
        ("Bidang Usaha", "sector"),
        ("Kec.", "kecamatan"),
        ("L/P", "owner_gender"),
        ("Tgl Daftar", "registered_on"),
    ],
)
def test_header_variants_find_their_field(header, field):
    assert imports.HEADER_FIELDS[imports.header_key(header)] == field


@pytest.mark.parametrize(
    ("cell", "held"),
    [("Ya", True), ("v", True), ("Sudah", True), ("Tidak", False), ("belum", False), (1, True)],
)
def test_yes_no_cells(cell, held):
    assert imports.read_flag(cell) is held


def test_a_csv_in_windows_encoding_and_with_a_bom_are_both_read():
    assert imports.decode_csv("Nama Usaha;Désa\n".encode("cp1252")) == "Nama Usaha;Désa\n"
    assert imports.decode_csv("Nama Usaha;Desa\n".encode("utf-8-sig")) == "Nama Usaha;Desa\n"
    assert imports.sniff_delimiter("Nama Usaha;Kecamatan;Omzet\nA;Srengat;1.500.000,00\n") == ";"
    assert imports.sniff_delimiter('Nama Usaha,Kecamatan,Omzet\nA,Srengat,"1.500.000,00"\n') == ","


# --- The messy file's preview -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_messy_file_preview_has_the_known_creates_updates_and_errors(tmp_path, messy, existing, kind):
    plan = imports.build_plan(write_messy(tmp_path, messy, kind))

    assert dict(counts_of(plan)) == EXPECTED_COUNTS
    assert plan.sheet.header_row == make_messy.HEADER_ROW
    assert plan.sheet.ignored == ["No.", "Keterangan"]
    by_number = {row.number: row for row in plan.rows}
    assert len(by_number) == 220  # the blank row is skipped, and no row lost around it
    for expected in messy:
        row = by_number[expected.number]
        assert row.action == expected.outcome, (expected.number, row.errors)
        if expected.error:
            column, message = expected.error
            assert any(c == column and message in m for c, m in row.errors), (expected.number, row.errors)
        if expected.note:
            assert any(expected.note in note for note in row.notes)


def test_preview_reads_every_format_into_the_values_it_will_save(tmp_path, messy, existing):
    plan = imports.build_plan(write_messy(tmp_path, messy))
    by_number = {row.number: row for row in plan.rows}
    for expected in messy:
        if expected.outcome != "create":
            continue
        business = by_number[expected.number].business
        for name, value in expected.expect.items():
            actual = business.sector.slug if name == "sector" else getattr(business, name)
            assert actual == value, (expected.number, name)
    srengat_rows = [e for e in messy if e.outcome == "create" and "rengat" in e.cells["Kecamatan"].lower()]
    assert {e.cells["Kecamatan"] for e in srengat_rows} >= {"Kec. Srengat", "SRENGAT", "Kecamatan Srengat"}
    assert {by_number[e.number].business.kecamatan.name for e in srengat_rows} == {"Srengat"}


def test_a_typo_desa_is_matched_only_when_one_desa_is_close(tmp_path, messy, existing):
    plan = imports.build_plan(write_messy(tmp_path, messy))
    typo = next(row for row in plan.rows if row.number == messy[2].number)  # messy[2] is _creates()[1]
    assert typo.action == "create"
    assert typo.business.desa.name == "Karanggayam"
    assert "Desa “Karanggayan” dibaca sebagai Karanggayam (Kecamatan Srengat)." in typo.notes
    ambiguous = next(row for row in plan.rows if row.values.get("name") == "Usaha Bergalat 01")
    assert ambiguous.errors == [
        (
            "Desa/Kelurahan",
            "Desa “Sumbero” tidak jelas: mirip Sumber dan Sumberjo di Kecamatan Sanankulon. "
            "Tulis nama yang tepat.",
        )
    ]


def test_updates_list_what_changes_old_to_new(tmp_path, messy, existing, staf):
    registry_import = previewed(tmp_path, messy, staf)
    updates = {item["name"]: item for item in registry_import.preview["updates"]}
    assert updates["Keripik Tempe Sumber Rejeki 3"]["changes"] == [
        {"field": "Omzet per Tahun (Rp)", "old": "Rp 100.000.000", "new": "Rp 150.000.000"}
    ]
    assert updates["Jamu Gendong Bu Lastri 0"]["changes"] == [
        {"field": "No. HP", "old": "081200000000", "new": "+6281330000000"}
    ]
    assert updates["Warung Bu Tini 4"]["changes"] == [
        {"field": "Jumlah Tenaga Kerja", "old": "2", "new": "5"}
    ]


def test_the_preview_writes_nothing_to_the_registry(tmp_path, messy, existing, staf):
    before = (Business.objects.count(), History.objects.count())
    registry_import = previewed(tmp_path, messy, staf)
    assert (Business.objects.count(), History.objects.count()) == before
    assert registry_import.status == RegistryImport.Status.READY
    assert (
        registry_import.created_count,
        registry_import.updated_count,
        registry_import.unchanged_count,
        registry_import.error_count,
        registry_import.rows_total,
    ) == (154, 40, 5, 21, 220)
    first_error = registry_import.preview["errors"][0]
    assert set(first_error) == {"row", "column", "message"}


def test_building_the_plan_takes_the_same_few_queries_for_few_rows_or_many(
    tmp_path, messy, existing, django_assert_num_queries
):
    small = write_messy(tmp_path, messy[:10])
    large = tmp_path / "large.xlsx"
    make_messy.write_xlsx(large, messy)
    # kecamatan, desa, sectors; the registry's NIB/NIK/name keys; the businesses to update (≤ 1000)
    for path in (small, large):
        with django_assert_num_queries(5):
            imports.build_plan(path)


# --- Applying --------------------------------------------------------------------------------------


def test_confirmed_import_writes_every_row_with_history_and_logs_the_counts(
    tmp_path, messy, existing, staf, admin_user
):
    registry_import = previewed(tmp_path, messy, staf)
    before = Business.objects.count()
    assert services.registry_import_confirm(
        registry_import=registry_import, user=admin_user, skip_error_rows=True
    )
    services.registry_import_apply(registry_import=registry_import)

    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.DONE, registry_import.error_message
    assert (registry_import.created_count, registry_import.updated_count, registry_import.error_count) == (
        154,
        40,
        21,
    )
    assert (registry_import.created_by, registry_import.confirmed_by) == (staf, admin_user)
    assert registry_import.finished_at is not None
    assert Business.objects.count() == before + 154

    reason = f"Impor data-umkm-srengat.xlsx #{registry_import.pk}"
    assert registry_import.change_reason == reason
    written = History.objects.filter(history_change_reason=reason)
    assert Counter(written.values_list("history_type", flat=True)) == {"+": 154, "~": 40}
    assert set(written.values_list("history_user", flat=True)) == {admin_user.pk}

    by_name = {b.name: b for b in Business.objects.filter(name__startswith="Usaha Uji")}
    for expected in messy:
        if expected.outcome == "create":
            business = by_name[expected.cells["NAMA UMKM"]]
            for name, value in expected.expect.items():
                actual = business.sector.slug if name == "sector" else getattr(business, name)
                assert actual == value, (expected.number, name)
            assert business.size_class == business.computed_size_class()
    updated = Business.objects.get(nib=f"{make_messy.NIB_STEM}00003")
    assert updated.turnover == 150_000_000
    assert updated.name == "Keripik Tempe Sumber Rejeki 3"  # the registry keeps its spelling
    assert updated.history.first().history_change_reason == reason
    assert Business.objects.get(name="Warung Bu Tini 4").employees == 5
    unchanged = Business.objects.get(nib=f"{make_messy.NIB_STEM}00021")
    assert unchanged.history.count() == 1  # only its creation
    assert not Business.objects.filter(name__startswith="Usaha Bergalat").exists()


def test_an_import_with_errors_is_confirmed_only_when_the_person_chooses_to_skip_them(
    tmp_path, messy, existing, staf
):
    registry_import = previewed(tmp_path, messy, staf)
    with pytest.raises(ValidationError, match="21 baris bergalat"):
        services.registry_import_confirm(registry_import=registry_import, user=staf)
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.READY


def test_a_second_confirmation_starts_nothing(tmp_path, messy, existing, staf):
    registry_import = previewed(tmp_path, messy, staf)
    assert services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    assert not services.registry_import_confirm(
        registry_import=registry_import, user=staf, skip_error_rows=True
    )


def test_an_import_failing_half_way_leaves_the_registry_unchanged(
    tmp_path, messy, existing, staf, monkeypatch
):
    registry_import = previewed(tmp_path, messy, staf)
    services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    before = (
        Business.objects.count(),
        History.objects.count(),
        list(Business.objects.values_list("turnover")),
    )
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 50)
    real_bulk_create = services.bulk_create_with_history
    written = []

    def fail_at_row_150(batch, *args, **kwargs):
        if len(written) + len(batch) >= 150:
            raise services.DatabaseError("disk penuh")
        written.extend(real_bulk_create(batch, *args, **kwargs))
        return written

    monkeypatch.setattr(services, "bulk_create_with_history", fail_at_row_150)
    services.registry_import_apply(registry_import=registry_import)

    assert len(written) == 100  # two batches were written before the third failed…
    after = (
        Business.objects.count(),
        History.objects.count(),
        list(Business.objects.values_list("turnover")),
    )
    assert after == before  # …and rolled back with it
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.FAILED
    assert "tidak ada yang disimpan" in registry_import.error_message


def test_apply_refuses_when_the_registry_changed_after_the_preview(tmp_path, messy, existing, staf):
    registry_import = previewed(tmp_path, messy, staf)
    services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    edited = Business.objects.get(nib=f"{make_messy.NIB_STEM}00003")
    edited.turnover = 120_000_000
    edited.save()  # as every writer does: the business moves to its next version
    before = (Business.objects.count(), History.objects.count())

    services.registry_import_apply(registry_import=registry_import)

    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.FAILED
    assert "berubah sejak pratinjau" in registry_import.error_message
    assert (Business.objects.count(), History.objects.count()) == before


def _count_plans(monkeypatch) -> list:
    plans = []
    build_plan = imports.build_plan

    def counted(*args, **kwargs):
        plans.append(kwargs.get("lock"))
        return build_plan(*args, **kwargs)

    monkeypatch.setattr(imports, "build_plan", counted)
    return plans


def test_an_unchanged_registry_gets_the_previews_decisions_without_planning_again(
    tmp_path, messy, existing, staf, monkeypatch
):
    registry_import = previewed(tmp_path, messy, staf)
    services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    plans = _count_plans(monkeypatch)

    services.registry_import_apply(registry_import=registry_import)

    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.DONE
    assert plans == []
    assert Business.objects.get(nib=f"{make_messy.NIB_STEM}00003").turnover == 150_000_000
    assert not imports.decided.decided_path(registry_import.file.path).exists()  # forgotten at the end


def test_another_business_edited_since_the_preview_means_planning_again(
    tmp_path, messy, existing, staf, monkeypatch
):
    registry_import = previewed(tmp_path, messy, staf)
    services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    outsider = BusinessFactory(name="Usaha di luar berkas")
    outsider.employees += 1
    outsider.save()
    plans = _count_plans(monkeypatch)

    services.registry_import_apply(registry_import=registry_import)

    registry_import.refresh_from_db()
    # The fingerprint moved, so the file was planned again under lock: the same plan, written.
    assert plans == [True]
    assert registry_import.status == RegistryImport.Status.DONE
    assert Business.objects.get(nib=f"{make_messy.NIB_STEM}00003").turnover == 150_000_000


def test_a_namesake_added_since_the_preview_refuses_the_new_row_that_would_now_match_it(
    tmp_path, messy, existing, staf
):
    registry_import = previewed(tmp_path, messy, staf)
    services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    decided = imports.recall_decisions(registry_import.file.path)
    # A new business the file identifies by its name and desa only: now the registry has one so named.
    new = next(values for values in decided.creates if not values["nib"] and not values["owner_nik"])
    BusinessFactory(name=new["name"], desa=Desa.objects.get(pk=new["desa_id"]))
    before = Business.objects.count()

    services.registry_import_apply(registry_import=registry_import)

    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.FAILED
    assert "berubah sejak pratinjau" in registry_import.error_message
    assert Business.objects.count() == before


def test_unreadable_decisions_mean_planning_again(tmp_path, messy, existing, staf, monkeypatch):
    registry_import = previewed(tmp_path, messy, staf)
    services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    imports.decided.decided_path(registry_import.file.path).write_text("{not json")
    plans = _count_plans(monkeypatch)

    services.registry_import_apply(registry_import=registry_import)

    registry_import.refresh_from_db()
    assert plans == [True]
    assert registry_import.status == RegistryImport.Status.DONE


def test_a_file_without_the_required_columns_fails_with_a_clear_message(tmp_path, staf):
    path = tmp_path / "tanpa-desa.csv"
    path.write_text("Nama;Pemilik Usaha;Lokasi\nKeripik;Sri;Srengat\n", encoding="utf-8")
    registry_import = services.registry_import_create(user=staf, uploaded_file=upload(path))
    services.registry_import_preview(registry_import=registry_import)
    assert registry_import.status == RegistryImport.Status.FAILED
    assert "Baris judul kolom tidak ditemukan" in registry_import.error_message

    path.write_text("Nama Usaha;Nama Pemilik;Kecamatan;Omzet\nKeripik;Sri;Srengat;1 jt\n", encoding="utf-8")
    with pytest.raises(imports.ImportFileError, match="Kolom wajib tidak ditemukan: Desa/Kelurahan"):
        imports.build_plan(path)


def test_the_downloadable_template_round_trips_into_one_new_business(tmp_path, db):
    path = tmp_path / "templat.xlsx"
    path.write_bytes(imports.template_workbook())
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Data UMKM", "Petunjuk"]
    data = workbook["Data UMKM"]
    assert [cell.value for cell in data[1]] == [column.header for column in imports.COLUMNS]
    assert data["A2"].value == "Keripik Tempe Bu Sri"
    guide = [row[0] for row in workbook["Petunjuk"].iter_rows(values_only=True)]
    assert {"Srengat", "Wlingi", "Makanan", "Jasa Foto", "NIK Pemilik"} <= set(guide)

    plan = imports.build_plan(path)
    assert counts_of(plan) == {"create": 1}
    business = plan.rows[0].business
    assert (business.desa.name, business.sector.slug, business.turnover) == (
        "Karanggayam",
        "makanan",
        120_000_000,
    )
    assert business.registered_on == datetime.date(2024, 5, 2)


# --- The background job and the management command ----------------------------------------------


def test_starting_a_job_puts_it_on_the_task_queue(tmp_path, settings, staf, messy):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    registry_import = services.registry_import_create(
        user=staf, uploaded_file=upload(write_messy(tmp_path, messy))
    )

    services.registry_import_start(registry_import)

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "registry.services.registry_import_run"
    assert queued.args_kwargs == {"args": [registry_import.pk], "kwargs": {}}
    registry_import.refresh_from_db()
    assert registry_import.task_id == str(queued.id)
    assert registry_import.status == RegistryImport.Status.PENDING  # the worker, not the request, reads it


def test_the_task_previews_a_new_upload_then_applies_it_once_confirmed(tmp_path, messy, existing, staf):
    registry_import = services.registry_import_create(
        user=staf, uploaded_file=upload(write_messy(tmp_path, messy))
    )
    registry_import_run.call(registry_import.pk)
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.READY

    services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
    registry_import_run.call(registry_import.pk)
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.DONE
    assert registry_import.rows_processed == registry_import.rows_total


def test_dry_run_prints_the_preview_and_writes_nothing(tmp_path, messy, existing):
    path = write_messy(tmp_path, messy, "csv-semicolon-utf8-bom")
    before = (Business.objects.count(), History.objects.count(), RegistryImport.objects.count())
    out = io.StringIO()

    call_command("import_registry", str(path), "--dry-run", stdout=out)

    assert (Business.objects.count(), History.objects.count(), RegistryImport.objects.count()) == before
    text = out.getvalue()
    assert "Usaha baru: 154, diperbarui: 40, tidak berubah: 5, baris bergalat: 21." in text
    ambiguous = next(row for row in messy if row.cells.get("NAMA UMKM") == "Usaha Bergalat 01")
    assert f"Baris {ambiguous.number}, kolom Desa/Kelurahan: Desa “Sumbero” tidak jelas" in text
    assert "--dry-run: tidak ada yang disimpan." in text


def test_the_command_refuses_a_file_with_errors_unless_told_to_skip_them(tmp_path, messy, existing, staf):
    path = write_messy(tmp_path, messy)
    before = Business.objects.count()
    with pytest.raises(CommandError, match="21 baris bergalat: tidak ada yang disimpan"):
        call_command("import_registry", str(path), "--user", staf.username, stdout=io.StringIO())
    assert Business.objects.count() == before

    out = io.StringIO()
    call_command("import_registry", str(path), "--user", staf.username, "--skip-errors", stdout=out)
    assert Business.objects.count() == before + 154
    log = RegistryImport.objects.latest("pk")
    assert (log.status, log.created_by, log.created_count, log.updated_count) == ("selesai", staf, 154, 40)
    assert f"Impor #{log.pk} selesai" in out.getvalue()


# --- Pages ---------------------------------------------------------------------------------------------


@pytest.fixture
def ready_import(tmp_path, messy, existing, staf):
    return previewed(tmp_path, messy, staf)


def import_urls(registry_import):
    return [
        ("get", reverse("registry:import_upload")),
        ("get", reverse("registry:import_template")),
        ("get", registry_import.get_absolute_url()),
        ("post", reverse("registry:import_confirm", args=[registry_import.pk])),
    ]


@pytest.mark.parametrize("role", ["pendamping", "pimpinan"])
def test_roles_without_the_right_to_edit_the_registry_get_403(client_for, role, ready_import):
    client = client_for(role)
    for method, url in import_urls(ready_import):
        assert getattr(client, method)(url).status_code == 403, url
    ready_import.refresh_from_db()
    assert ready_import.status == RegistryImport.Status.READY


def test_anonymous_visitors_are_sent_to_log_in(client, ready_import):
    for method, url in import_urls(ready_import):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["staf", "admin"])
def test_staf_and_admin_upload_read_the_preview_and_confirm(client_for, role, tmp_path, messy, existing):
    client = client_for(role)
    assert "Impor dari spreadsheet" in client.get(reverse("registry:business_list")).content.decode()
    page = client.get(reverse("registry:import_upload"))
    assert "Unduh templat" in page.content.decode()

    with open(write_messy(tmp_path, messy), "rb") as handle:
        response = client.post(reverse("registry:import_upload"), {"file": handle})
    registry_import = RegistryImport.objects.get()
    assert response.status_code == 302
    assert response.url == registry_import.get_absolute_url()

    preview = client.get(response.url)
    text = preview.content.decode()
    assert "Refresh" not in preview.headers
    assert "154" in text and "21" in text
    assert "Desa “Sumbero” tidak jelas: mirip Sumber dan Sumberjo" in text
    assert "Rp 100.000.000" in text and "Rp 150.000.000" in text
    assert "Desa “Karanggayan” dibaca sebagai Karanggayam" in text

    refused = client.post(reverse("registry:import_confirm", args=[registry_import.pk]))
    assert refused.status_code == 302
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.READY

    before = Business.objects.count()
    done = client.post(
        reverse("registry:import_confirm", args=[registry_import.pk]), {"skip_error_rows": "1"}, follow=True
    )
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.DONE
    assert Business.objects.count() == before + 154
    assert "154 usaha baru" in done.content.decode()


def test_the_status_page_refreshes_itself_and_shows_progress_while_the_job_runs(client_for, ready_import):
    RegistryImport.objects.filter(pk=ready_import.pk).update(status=RegistryImport.Status.RUNNING)
    jobs.record_progress(
        RegistryImport, ready_import.pk, phase="menyimpan", rows_processed=1500, rows_total=35000
    )

    response = client_for("staf").get(ready_import.get_absolute_url())

    assert response.headers["Refresh"] == "2"
    text = response.content.decode()
    assert "Menyimpan ke registri" in text
    assert "1.500 dari 35.000 baris" in text


def test_a_job_silent_for_ten_minutes_is_marked_failed_and_the_page_stops_waiting(client_for, ready_import):
    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    RegistryImport.objects.filter(pk=ready_import.pk).update(
        status=RegistryImport.Status.RUNNING,
        confirmed_at=eleven_minutes_ago,
        phase="menyimpan",
        rows_processed=500,
        heartbeat_at=eleven_minutes_ago,
    )
    before = Business.objects.count()

    response = client_for("staf").get(ready_import.get_absolute_url())

    ready_import.refresh_from_db()
    assert ready_import.status == RegistryImport.Status.FAILED
    assert "Refresh" not in response.headers
    assert "unggah ulang berkasnya" in response.content.decode()
    assert Business.objects.count() == before


def test_a_job_that_reported_a_minute_ago_is_still_followed(client_for, ready_import):
    RegistryImport.objects.filter(pk=ready_import.pk).update(
        status=RegistryImport.Status.RUNNING, confirmed_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    jobs.record_progress(RegistryImport, ready_import.pk, phase="menyimpan", rows_processed=30000)  # just now

    response = client_for("staf").get(ready_import.get_absolute_url())

    ready_import.refresh_from_db()
    assert ready_import.status == RegistryImport.Status.RUNNING
    assert response.headers["Refresh"] == "2"


def test_an_upload_that_is_not_a_spreadsheet_is_refused_on_the_form(client_for):
    response = client_for("staf").post(
        reverse("registry:import_upload"), {"file": SimpleUploadedFile("data.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 200
    assert "Pilih berkas .xlsx atau .csv" in response.content.decode()
    assert not RegistryImport.objects.exists()


def test_the_upload_page_lists_recent_imports_in_a_fixed_number_of_queries(
    client_for, staf, django_assert_num_queries
):
    client = client_for("staf")
    client.get(reverse("registry:import_upload"))  # warm the session and permission caches
    for size in (1, 8):
        RegistryImport.objects.all().delete()
        for index in range(size):
            RegistryImport.objects.create(created_by=staf, file_name=f"data-{index}.xlsx")
        # session, user, the user's permissions (own and group's, one query: umkm_blitar/auth.py), the
        # recent imports with their uploader
        with django_assert_num_queries(4):
            assert client.get(reverse("registry:import_upload")).status_code == 200


def test_business_list_offers_the_import_link_only_to_those_who_may_import(client_for):
    assert (
        "Impor dari spreadsheet"
        not in client_for("pimpinan").get(reverse("registry:business_list")).content.decode()
    )


def test_a_row_written_differently_but_meaning_the_same_changes_nothing(tmp_path, db):
    business = BusinessFactory(nib="3505030000777", turnover=5_000_000, phone="081234567890")
    path = tmp_path / "sama.csv"
    header = "Nama Usaha,NIB,Kecamatan,Desa/Kelurahan,Omzet,No. HP"
    path.write_text(
        f"{header}\n{business.name.upper()},{business.nib},SRENGAT,Karanggayam,5 jt,+62 812-3456-7890\n",
        encoding="utf-8",
    )
    plan = imports.build_plan(path)
    assert counts_of(plan) == {"unchanged": 1}


def test_the_preview_page_takes_the_same_queries_for_a_small_or_a_large_file(
    client_for, tmp_path, messy, existing, staf, django_assert_num_queries
):
    client = client_for("staf")
    (tmp_path / "kecil").mkdir()
    small = previewed(tmp_path / "kecil", messy[:10], staf)
    large = previewed(tmp_path, messy, staf)
    client.get(small.get_absolute_url())  # warm the session and permission caches
    for registry_import in (small, large):
        # session, user, the user's permissions (own and group's, one query), the import with both of
        # its users
        with django_assert_num_queries(4):
            assert client.get(registry_import.get_absolute_url()).status_code == 200


def test_a_failed_import_says_why_and_offers_no_confirmation(client_for, tmp_path, staf):
    path = tmp_path / "bukan-data.csv"
    path.write_text("Laporan bulanan\nisi bebas\n", encoding="utf-8")
    registry_import = services.registry_import_create(user=staf, uploaded_file=upload(path))
    services.registry_import_start(registry_import)  # runs here: the immediate backend (tests/settings.py)

    text = client_for("admin").get(registry_import.get_absolute_url()).content.decode()

    assert "Impor gagal" in text
    assert "Baris judul kolom tidak ditemukan" in text
    assert reverse("registry:import_confirm", args=[registry_import.pk]) not in text
