"""Long work on the task queue: the import's limits, a worker that died, long exports prepared as jobs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from registry import jobs, services
from registry.models import Business, ExportJob, RegistryImport
from tests.factories import BusinessFactory, ExpenditureFactory
from tests.registry.fixtures import make_messy
from tests.registry.test_imports import previewed, upload, write_messy

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ready_import(tmp_path, staf):
    make_messy.create_existing()
    return previewed(tmp_path, make_messy.messy_rows(), staf)


# --- limits ------------------------------------------------------------------------------------------


def test_a_job_past_its_memory_limit_fails_with_its_message_and_keeps_nothing(tmp_path, settings, staf):
    settings.JOB_MEMORY_LIMIT_MB = 0  # not one more byte than the worker holds already
    before = Business.objects.count()
    # 80 MB to read at once: more than any memory the worker already holds free, so the limit bites.
    path = tmp_path / "besar.csv"
    row = "Usaha Besar;Sri;Srengat;Karanggayam;Makanan;" + "x" * 200 + "\n"
    path.write_text("Nama Usaha;Nama Pemilik;Kecamatan;Desa/Kelurahan;Sektor;Catatan\n" + row * 320_000)
    registry_import = services.registry_import_create(user=staf, uploaded_file=upload(path))
    services.registry_import_start(registry_import)

    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.FAILED
    assert "memerlukan lebih dari 0 MB memori" in registry_import.error_message
    assert registry_import.preview == {}
    assert Business.objects.count() == before
    assert bytearray(50 * 1024 * 1024)  # the limit is lifted again: the worker lives on


def test_a_job_past_its_time_limit_while_saving_fails_and_keeps_none_of_the_rows_it_wrote(
    ready_import, staf, monkeypatch, client_for
):
    before, history_before = Business.objects.count(), Business.history.count()
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 20)
    real_check = jobs.Deadline.check

    def out_of_time_once_rows_are_written(deadline):
        if Business.objects.count() > before:  # inside the apply's transaction: its own rows count
            deadline.ends = 0
        real_check(deadline)

    monkeypatch.setattr(jobs.Deadline, "check", out_of_time_once_rows_are_written)
    services.registry_import_confirm(registry_import=ready_import, user=staf, skip_error_rows=True)

    services.registry_import_start(ready_import)

    ready_import.refresh_from_db()
    assert ready_import.status == RegistryImport.Status.FAILED
    assert ready_import.error_message.startswith("Proses dihentikan karena berjalan lebih dari")
    assert (Business.objects.count(), Business.history.count()) == (before, history_before)
    assert "Proses dihentikan karena berjalan lebih dari" in (
        client_for("staf").get(ready_import.get_absolute_url()).content.decode()
    )


# --- a worker that died --------------------------------------------------------------------------------


def queued_import(tmp_path, staf, settings) -> RegistryImport:
    settings.TASKS = DATABASE_BACKEND
    registry_import = services.registry_import_create(
        user=staf, uploaded_file=upload(write_messy(tmp_path, make_messy.messy_rows()[:20]))
    )
    services.registry_import_start(registry_import)
    return registry_import


def test_a_job_waiting_its_turn_on_the_queue_is_not_taken_for_dead(tmp_path, staf, settings, client_for):
    registry_import = queued_import(tmp_path, staf, settings)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    RegistryImport.objects.filter(pk=registry_import.pk).update(created_at=an_hour_ago)

    response = client_for("staf").get(registry_import.get_absolute_url())

    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.PENDING
    assert "Menunggu giliran" in response.content.decode()


def test_a_dead_workers_job_is_seen_and_the_person_who_may_import_runs_it_again(
    tmp_path, staf, settings, client_for
):
    registry_import = queued_import(tmp_path, staf, settings)
    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    # A worker took the task, reported once, then was killed (nothing marks its task failed).
    DBTaskResult.objects.filter(id=registry_import.task_id).update(
        status="RUNNING", started_at=eleven_minutes_ago
    )
    RegistryImport.objects.filter(pk=registry_import.pk).update(
        phase="membaca", heartbeat_at=eleven_minutes_ago
    )

    page = client_for("staf").get(registry_import.get_absolute_url()).content.decode()

    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.FAILED
    assert registry_import.retryable
    assert "berhenti tanpa kabar" in page
    assert reverse("registry:import_retry", args=[registry_import.pk]) in page

    retry = reverse("registry:import_retry", args=[registry_import.pk])
    for role in ("pendamping", "pimpinan"):
        assert client_for(role).post(retry).status_code == 403
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = client_for("staf").post(retry)

    assert response.url == registry_import.get_absolute_url()
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.READY
    assert not registry_import.retryable
    assert (
        registry_import.created_count
        == 20
        - registry_import.error_count
        - registry_import.updated_count
        - (registry_import.unchanged_count)
    )
    # A second click finds nothing to run again.
    client_for("staf").post(retry)
    registry_import.refresh_from_db()
    assert registry_import.status == RegistryImport.Status.READY


def test_an_import_that_failed_on_its_file_is_not_offered_a_rerun(tmp_path, staf, client_for):
    path = tmp_path / "bukan-data.csv"
    path.write_text("Laporan bulanan\nisi bebas\n", encoding="utf-8")
    registry_import = services.registry_import_create(user=staf, uploaded_file=upload(path))
    services.registry_import_start(registry_import)

    page = client_for("staf").get(registry_import.get_absolute_url()).content.decode()

    assert "Baris judul kolom tidak ditemukan" in page
    assert reverse("registry:import_retry", args=[registry_import.pk]) not in page
    assert not services.registry_import_retry(registry_import=registry_import, user=staf)


# --- long exports -----------------------------------------------------------------------------------


@pytest.fixture
def registry_of_five(db):
    return BusinessFactory.create_batch(5)


def test_an_xlsx_past_the_threshold_is_prepared_on_the_queue_and_downloaded_by_its_requester(
    settings, registry_of_five, client_for, staf
):
    settings.EXPORT_QUEUE_ROWS = 3
    client = client_for("staf")

    response = client.get(reverse("registry:business_export"), {"format": "xlsx", "status": "aktif"})

    export_job = ExportJob.objects.get()
    assert response.url == export_job.get_absolute_url()
    assert (export_job.created_by, export_job.exporter) == (staf, "registry:business_export")
    assert export_job.parameters == {"status": ["aktif"]}
    assert export_job.status == ExportJob.Status.DONE  # the immediate backend ran it
    page = client.get(export_job.get_absolute_url()).content.decode()
    download = reverse("registry:export_job_download", args=[export_job.pk])
    assert download in page
    file = client.get(download)
    assert file["Content-Disposition"].startswith('attachment; filename="registri-umkm-')
    sheet = load_workbook(_saved(file, settings)).active
    active = Business.objects.filter(status="aktif").count()
    assert sheet.max_row == active + 1
    assert export_job.rows_processed == active


def _saved(response, settings):
    path = settings.MEDIA_ROOT / "unduhan.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_an_export_job_is_shown_and_sent_only_to_its_requester_and_admin(
    settings, registry_of_five, client_for, users
):
    settings.EXPORT_QUEUE_ROWS = 3
    client_for("staf").get(reverse("registry:business_export"))
    export_job = ExportJob.objects.get()
    download = reverse("registry:export_job_download", args=[export_job.pk])

    for role in ("pendamping", "pimpinan"):
        assert client_for(role).get(export_job.get_absolute_url()).status_code == 403
        assert client_for(role).get(download).status_code == 403
    assert client_for("admin").get(download).status_code == 200


def test_a_short_xlsx_and_every_csv_are_still_sent_at_once(settings, registry_of_five, client_for):
    settings.EXPORT_QUEUE_ROWS = 3
    client = client_for("staf")
    assert client.get(reverse("registry:business_export"), {"format": "csv"}).status_code == 200
    settings.EXPORT_QUEUE_ROWS = 10
    assert client.get(reverse("registry:business_export")).status_code == 200
    assert not ExportJob.objects.exists()


def test_a_coaching_list_export_is_prepared_on_the_queue_too(settings, client_for, db):
    expenditure = ExpenditureFactory()
    ExpenditureFactory.create_batch(2, budget_line=expenditure.budget_line)
    settings.EXPORT_QUEUE_ROWS = 1
    programme = expenditure.budget_line.programme

    response = client_for("staf").get(reverse("coaching:expenditure_export", args=[programme.pk]))

    export_job = ExportJob.objects.get()
    assert response.url == export_job.get_absolute_url()
    assert export_job.url_kwargs == {"pk": programme.pk}
    assert export_job.status == ExportJob.Status.DONE, export_job.error_message
    assert export_job.rows_processed == 3


def test_a_dead_workers_export_is_seen_and_run_again(settings, registry_of_five, client_for):
    settings.TASKS = DATABASE_BACKEND
    settings.EXPORT_QUEUE_ROWS = 3
    client_for("staf").get(reverse("registry:business_export"))
    export_job = ExportJob.objects.get()
    DBTaskResult.objects.filter(id=export_job.task_id).update(status="RUNNING")
    ExportJob.objects.filter(pk=export_job.pk).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    page = client_for("staf").get(export_job.get_absolute_url()).content.decode()

    export_job.refresh_from_db()
    assert export_job.status == ExportJob.Status.FAILED
    assert "berhenti tanpa kabar" in page
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client_for("staf").post(reverse("registry:export_job_retry", args=[export_job.pk]))
    export_job.refresh_from_db()
    assert export_job.status == ExportJob.Status.DONE
