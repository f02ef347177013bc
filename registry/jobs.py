"""What every task on the queue shares: its memory and time limits, and progress the page can see.

A worker runs one task at a time (settings.TASK_WORKERS workers), so the limits below bound what the
queue can take of the machine: a file too big for memory stops its own job with a message, not the
server.
"""

import contextlib
import logging
import resource
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections
from django.db.utils import load_backend
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from .formatting import thousands

logger = logging.getLogger(__name__)


class JobStopped(Exception):
    """A job passed its memory or time limit; the message says so to the person, in Indonesian."""


def _address_space() -> int:
    """The bytes this process has mapped now (Linux), the base the memory limit is added to."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


@contextlib.contextmanager
def memory_limit(megabytes: int):
    """Let this process map at most `megabytes` more while the block runs; past that, JobStopped.

    The soft RLIMIT_AS makes an allocation beyond it fail with MemoryError instead of growing until the
    kernel kills a process (maybe the database's). It is put back afterwards, so the worker lives on.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    except MemoryError:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        raise JobStopped(
            f"Proses dihentikan karena memerlukan lebih dari {thousands(megabytes)} MB memori. Tidak ada "
            "yang tersimpan. Bagi berkasnya menjadi beberapa berkas yang lebih kecil, atau minta admin "
            "menaikkan DJANGO_JOB_MEMORY_MB."
        ) from None
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class Deadline:
    """The time limit of one job, checked each time it reports progress."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self):
        if time.monotonic() > self.ends:
            minutes = max(1, round(self.seconds / 60))
            raise JobStopped(
                f"Proses dihentikan karena berjalan lebih dari {minutes} menit. Tidak ada yang tersimpan. "
                "Bagi berkasnya menjadi beberapa berkas yang lebih kecil, atau minta admin menaikkan "
                "DJANGO_JOB_TIME_LIMIT."
            )


@contextlib.contextmanager
def limits():
    """The settings' memory and time limits around a job; yields its Deadline."""
    with memory_limit(settings.JOB_MEMORY_LIMIT_MB):
        yield Deadline(settings.JOB_TIME_LIMIT_SECONDS)


def _side_connection():
    """A second connection to the default database, for progress written beside a long transaction."""
    settings_dict = {**connections[DEFAULT_DB_ALIAS].settings_dict}
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, "job-progress")


def record_progress(model, pk, *, beside_transaction: bool = False, **fields) -> None:
    """Write a job's progress (and its heartbeat, `heartbeat_at`) onto its row so the page sees it now.

    The import's apply step runs in one transaction, where a write would stay invisible until its end:
    there (`beside_transaction`) the row is written through a connection of its own, which commits at
    once (PostgreSQL). Progress that cannot be written is skipped; the next report tries again.
    """
    fields["heartbeat_at"] = timezone.now()
    queryset = model.objects.filter(pk=pk)
    if not beside_transaction:
        try:
            queryset.update(**fields)
        except OperationalError:  # a database busy past its timeout: the job goes on, the next report tries
            logger.debug("Kemajuan %s #%s tidak tertulis kali ini", model.__name__, pk)
        return
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        # SQLite has one writer: a row committed beside the job's transaction would make the job's own
        # first write fail (its snapshot is stale). The page sees the step's progress when it ends.
        return
    side = _side_connection()
    connections["job-progress"] = side
    try:
        queryset.using("job-progress").update(**fields)
    except DatabaseError:
        logger.debug("Kemajuan %s #%s tidak tertulis kali ini", model.__name__, pk)
    finally:
        side.close()
        del connections["job-progress"]


def task_started(task_id: str) -> bool:
    """Whether the queue has taken the task up; a task still waiting its turn is not silent, only late.

    When the backend cannot say (the immediate backend keeps no results), the job's silence decides.
    """
    if not task_id:
        return True
    try:
        result = default_task_backend.get_result(task_id)
    except (NotImplementedError, TaskResultDoesNotExist):
        return True
    return result.status != TaskResultStatus.READY


def give_up_if_gone(job, *, silent_for, message: str) -> bool:
    """Mark a job (an import or an export) that started, then stopped reporting, as failed and
    retryable, so nobody waits forever; True if so. A job still waiting its turn is only late."""
    if not job.is_working or not task_started(job.task_id):
        return False
    if timezone.now() - job.last_sign < silent_for:
        return False
    # Conditional, so a job that finishes at this very moment keeps its own outcome.
    gone = (
        type(job)
        .objects.filter(pk=job.pk, status=job.status)
        .update(
            status=job.Status.FAILED,
            error_message=message,
            finished_at=timezone.now(),
            retryable=True,
        )
    )
    if gone:
        job.refresh_from_db()
    return bool(gone)


def reopen_for_retry(job, *, status, **reset) -> bool:
    """Set a failed, retryable job back to `status` with its progress cleared; False when it is not
    such a job (someone retried it already, or it failed for a reason a retry would not cure)."""
    return bool(
        type(job)
        .objects.filter(pk=job.pk, status=job.Status.FAILED, retryable=True)
        .update(
            status=status,
            retryable=False,
            error_message="",
            finished_at=None,
            rows_processed=0,
            heartbeat_at=timezone.now(),
            **reset,
        )
    )
