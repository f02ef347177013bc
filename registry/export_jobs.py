"""Long .xlsx exports prepared on the task queue, so no web worker is held while a big file is written.

Each app names its list exports here from its AppConfig.ready(): the export's URL name, and a function
that rebuilds the exporter from the list's query string, the user and the URL's arguments. The task then
makes the same rows the page would have, without registry importing any other app.
"""

import datetime
import logging
import tempfile
from collections.abc import Callable

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from . import jobs
from .exports import ListExporter, write_xlsx
from .models import ExportJob
from .roles import ADMIN, role_of

logger = logging.getLogger(__name__)

ExporterBuilder = Callable[..., ListExporter]  # (parameters: QueryDict, *, user, **url_kwargs)
BUILDERS: dict[str, ExporterBuilder] = {}
PROGRESS_EVERY = 2000  # rows between two progress reports


def register(name: str, build: ExporterBuilder) -> None:
    """Let the export at URL name `name` be prepared on the queue, its exporter made by `build`."""
    BUILDERS[name] = build


def is_queueable(name: str) -> bool:
    return name in BUILDERS


def export_job_create(*, user, name: str, exporter: ListExporter, parameters: QueryDict, url_kwargs: dict):
    """Log a long export for `user` and put it on the queue; the job page follows it."""
    export_job = ExportJob.objects.create(
        created_by=user,
        exporter=name,
        parameters={key: parameters.getlist(key) for key in parameters},
        url_kwargs=url_kwargs,
        title=exporter.title,
        file_name=exporter.filename("xlsx"),
    )
    _start(export_job)
    return export_job


def _start(export_job: ExportJob) -> None:
    result = export_job_task.enqueue(export_job.pk)
    ExportJob.objects.filter(pk=export_job.pk).update(task_id=str(result.id))
    export_job.refresh_from_db()


class _Counted:
    """The exporter as write_xlsx reads it, reporting every few thousand rows and checking the limits."""

    def __init__(self, exporter: ListExporter, export_job: ExportJob, deadline: jobs.Deadline):
        self.exporter, self.export_job, self.deadline = exporter, export_job, deadline

    def __getattr__(self, name):
        return getattr(self.exporter, name)

    def rows(self):
        for number, row in enumerate(self.exporter.rows()):
            if number % PROGRESS_EVERY == 0:
                self.deadline.check()
                jobs.record_progress(ExportJob, self.export_job.pk, rows_processed=number)
            yield row


def _build(export_job: ExportJob) -> ListExporter:
    parameters = QueryDict(mutable=True)
    for key, values in export_job.parameters.items():
        parameters.setlist(key, values)
    return BUILDERS[export_job.exporter](parameters, user=export_job.created_by, **export_job.url_kwargs)


@task()
def export_job_task(export_job_id: int) -> str:
    """The queue's task: write a long list's .xlsx into the job's file. Returns the status it ends in."""
    export_job = ExportJob.objects.select_related("created_by").get(pk=export_job_id)
    export_job_run(export_job=export_job)
    return export_job.status


def export_job_run(*, export_job: ExportJob) -> None:
    """The task's work: write the .xlsx to a file kept on the job, within the job's limits."""
    ExportJob.objects.filter(pk=export_job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        with jobs.limits() as deadline, tempfile.TemporaryFile() as output:
            exporter = _build(export_job)
            total = exporter.queryset.order_by().count()
            jobs.record_progress(ExportJob, export_job.pk, rows_total=total, rows_processed=0)
            written = write_xlsx(_Counted(exporter, export_job, deadline), output)
            output.seek(0)
            export_job.refresh_from_db()
            export_job.file.save(export_job.file_name, File(output), save=False)
    except jobs.JobStopped as stop:
        _failed(export_job, str(stop))
        return
    except Exception:
        logger.exception("Ekspor #%s gagal", export_job.pk)
        _failed(export_job, "Terjadi galat tak terduga saat menyiapkan berkas. Hubungi admin.")
        raise
    export_job.status = ExportJob.Status.DONE
    export_job.rows_processed = written
    export_job.finished_at = timezone.now()
    export_job.save()


def _failed(export_job: ExportJob, message: str) -> None:
    export_job.refresh_from_db()
    export_job.status = ExportJob.Status.FAILED
    export_job.error_message = message
    export_job.finished_at = timezone.now()
    export_job.save()


EXPORT_SILENT_FOR = datetime.timedelta(minutes=10)
GONE_MESSAGE = (
    "Penyiapan berkas berhenti tanpa kabar (mungkin pekerja antrean dimulai ulang). "
    "Jalankan ulang dengan tombol di bawah."
)


def export_job_give_up_if_gone(export_job: ExportJob) -> bool:
    """Mark a started job that has stopped reporting as failed and retryable; True if so."""
    return jobs.give_up_if_gone(export_job, silent_for=EXPORT_SILENT_FOR, message=GONE_MESSAGE)


def export_job_retry(*, export_job: ExportJob, user) -> bool:
    """Queue again a job that stopped without a word; False when it is not such a job."""
    if not jobs.reopen_for_retry(export_job, status=ExportJob.Status.PENDING):
        return False
    logger.info("Ekspor #%s diulang oleh %s", export_job.pk, user)
    _start(export_job)
    return True


def may_follow(user, export_job: ExportJob) -> bool:
    """The person who asked for an export, or an admin, may follow and download it (it may hold NIKs)."""
    return export_job.created_by_id == user.pk or role_of(user) == ADMIN
