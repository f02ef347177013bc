"""The task queue as production runs it: the database backend, and a db_worker taking the jobs.

The worker is django-tasks-db's own loop (the one `manage.py db_worker` runs) in a thread of the test
process, so it reads the live server's test database whatever the database is.
"""

import re
import threading

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from registry.models import Business, ExportJob, RegistryImport
from tests.factories import BusinessFactory
from tests.registry.fixtures import make_messy


class RunningWorker:
    """django-tasks-db's worker loop in a thread: started, stopped and started again by a test."""

    def __init__(self, loop: Worker):
        self.loop = loop
        self.thread: threading.Thread | None = None

    def _run(self):
        try:
            self.loop.run()
        finally:
            connection.close()

    def start(self):
        self.loop.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self):
        """Stop taking tasks. On SQLite the worker's polling locks the shared in-memory test database
        for a moment each time, so the test reads rows only once the worker has stopped."""
        self.loop.running = False
        if self.thread:
            self.thread.join(timeout=30)


@pytest.fixture
def worker(settings, tmp_path):
    """A running db_worker on the database backend, stopped after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    running = RunningWorker(
        Worker(
            queue_names=["default"],
            interval=0.2,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="uji-browser",
            excluded_queue_names=[],
        )
    )
    running.start()
    yield running
    running.stop()


def test_staf_uploads_a_file_watches_the_worker_read_it_then_confirms_and_the_worker_saves_it(
    page, staf, log_in, screenshot, tmp_path, worker
):
    make_messy.create_existing()
    path = tmp_path / "data-umkm-srengat.xlsx"
    make_messy.write_xlsx(path, make_messy.messy_rows())
    before = Business.objects.count()

    log_in(page, staf)
    page.goto("/registri/impor/")
    page.get_by_label("Berkas spreadsheet (.xlsx atau .csv)").set_input_files(path)
    # The worker is busy elsewhere: the upload only queues the job, and its page says it waits its turn.
    worker.stop()
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page).to_have_url(re.compile(r"/registri/impor/\d+/$"))
    expect(page.get_by_role("heading", name="Memeriksa berkas…")).to_be_visible()
    expect(page.get_by_text("Menunggu giliran…")).to_be_visible()
    screenshot(page, "antrean-00-menunggu")

    # The worker takes it up; the page, reloading itself every 2 s, follows it to the preview.
    worker.start()
    expect(page.get_by_role("heading", name="Pratinjau: yang akan terjadi")).to_be_visible(timeout=60_000)
    screenshot(page, "antrean-01-pratinjau")

    page.get_by_label("Lewati 21 baris bergalat dan impor baris yang sah saja").check()
    page.get_by_role("button", name="Impor 154 usaha baru dan 40 perubahan").click()

    expect(page.get_by_role("heading", name="Impor selesai")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("status")).to_contain_text("154 usaha baru, 40 diperbarui")
    worker.stop()
    registry_import = RegistryImport.objects.get()
    assert registry_import.task_id  # run by the worker, as a task on the queue
    assert registry_import.heartbeat_at is not None  # it reported its progress on the row
    assert registry_import.status == RegistryImport.Status.DONE
    assert Business.objects.count() == before + 154
    screenshot(page, "antrean-02-selesai")


def test_a_long_registry_list_is_prepared_by_the_worker_and_downloaded(
    page, staf, log_in, screenshot, settings, worker
):
    settings.EXPORT_QUEUE_ROWS = 5
    worker.stop()
    BusinessFactory.create_batch(8)
    total = Business.objects.count()
    worker.start()

    log_in(page, staf)
    page.goto("/registri/ekspor/?format=xlsx")

    expect(page).to_have_url(re.compile(r"/registri/ekspor/\d+/$"))
    download_link = page.get_by_role("link", name=re.compile(r"^Unduh registri-umkm-.*\.xlsx$"))
    expect(download_link).to_be_visible(timeout=60_000)
    expect(page.get_by_role("status")).to_contain_text(f"{total} baris")
    screenshot(page, "antrean-03-ekspor-siap")
    with page.expect_download() as download:
        download_link.click()
    worker.stop()
    assert download.value.suggested_filename.startswith("registri-umkm-")
    assert ExportJob.objects.get().status == ExportJob.Status.DONE
