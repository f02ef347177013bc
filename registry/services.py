"""The only writers of registry data."""

import datetime
import logging
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import task
from simple_history.utils import bulk_create_with_history

from . import imports, jobs, tallies
from .formatting import tanggal_jam
from .models import Business, RegistryImport
from .roles import ADMIN, ROLES
from .selectors import who_did

User = get_user_model()


def save_with_history(instance, *, user=None, change_reason: str = ""):
    """Validate and save a row, recording who changed it and why in its history (the apps' writers use it)."""
    instance.full_clean()
    if user is not None:
        instance._history_user = user
    instance._change_reason = change_reason or None
    instance.save()
    return instance


class StaleEdit(Exception):
    """The row was saved by someone else after the person loaded it: the message says who and when.

    Saving anyway would silently undo their change (a lost update), so nothing is saved.
    """

    def __init__(self, message: str, *, loaded_version: int, current_version: int):
        super().__init__(message)
        self.loaded_version = loaded_version
        self.current_version = current_version


def _names(names: list[str]) -> str:
    """['Siti', 'Bagus', 'Ani'] → 'Siti, Bagus dan Ani'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} dan {names[-1]}"


def check_version(row, expected_version: int | None, *, what: str) -> None:
    """StaleEdit unless `row`, read under select_for_update, is still the version the person loaded.

    Lock, then compare: on PostgreSQL the second of two overlapping saves waits at its SELECT … FOR
    UPDATE until the first commits, then reads the version the first wrote and stops here (SQLite has
    no row locks: there the second overlapping writer fails with "database is locked" instead). Not a
    conditional UPDATE … WHERE version = n, because the save must still go through save(): full_clean,
    the computed fields and the history record. `what` names the row in the message ("Usaha ini");
    expected_version None skips the check.
    """
    if expected_version is None or row.version == expected_version:
        return
    later = list(
        row.history.filter(version__gt=expected_version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if later:
        people = list(dict.fromkeys(who_did(record.history_user) for record in later))
        told = f"{what} sudah diubah oleh {_names(people)} pada {tanggal_jam(later[-1].history_date)}"
    else:
        told = f"{what} sudah diubah orang lain"
    raise StaleEdit(
        f"{told} setelah Anda membukanya. Perubahan Anda belum disimpan. "
        "Periksa perubahan mereka di bawah, lalu simpan lagi.",
        loaded_version=expected_version,
        current_version=row.version,
    )


@transaction.atomic
def business_create(*, user, fields: dict, change_reason: str = "") -> Business:
    business = Business(**fields)
    return save_with_history(business, user=user, change_reason=change_reason or "Didaftarkan ke registri")


@transaction.atomic
def business_update(
    *, business: Business, user, fields: dict, change_reason: str = "", expected_version: int | None = None
) -> Business:
    """Change a business; given the version the person's form showed, only if nobody saved it since."""
    business = Business.objects.select_for_update().get(pk=business.pk)
    check_version(business, expected_version, what="Usaha ini")
    for name, value in fields.items():
        setattr(business, name, value)
    return save_with_history(business, user=user, change_reason=change_reason)


@transaction.atomic
def user_create_with_role(
    *, username: str, password: str, role: str, full_name: str = "", email: str = ""
) -> User:
    """Create a login for one of the four roles; admins also get Django admin."""
    if role not in ROLES:
        raise ValueError(f"Peran tidak dikenal: {role}. Pilih salah satu dari {', '.join(ROLES)}.")
    first_name, _, last_name = full_name.partition(" ")
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == ADMIN,
        is_superuser=role == ADMIN,
    )
    user.full_clean(exclude=["password"])
    # The same rules as the password change form (settings.AUTH_PASSWORD_VALIDATORS).
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


# --- Importing the office's spreadsheets: registry.imports reads and plans, these write ---------

IMPORT_BATCH_SIZE = 1000  # rows per INSERT/UPDATE; history rows go in the same batches
logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """The apply step will not write: the message says why, in Indonesian."""


def registry_import_create(*, user, uploaded_file, file_name: str = "") -> RegistryImport:
    """Keep an uploaded spreadsheet and log the import, waiting for its preview."""
    name = Path(file_name or uploaded_file.name).name
    registry_import = RegistryImport(created_by=user, file_name=name[:255])
    registry_import.file.save(name, uploaded_file, save=False)
    registry_import.save()
    return registry_import


def registry_import_from_path(*, path, user=None) -> RegistryImport:
    """registry_import_create for a file on disk (the management command)."""
    with open(path, "rb") as handle:
        return registry_import_create(user=user, uploaded_file=File(handle), file_name=Path(path).name)


def registry_import_start(registry_import: RegistryImport) -> None:
    """Put the import's next step (preview or apply) on the task queue; the status page follows it.

    35.000 rows take longer than gunicorn's 30-second worker timeout, so no web request does the work.
    """
    result = registry_import_run.enqueue(registry_import.pk)
    # The immediate backend (tests) has run the step already; keep its outcome, add the task's id.
    RegistryImport.objects.filter(pk=registry_import.pk).update(task_id=str(result.id))
    registry_import.refresh_from_db()


class ImportProgress:
    """The progress callback of an import's step: written onto its row, the time limit checked."""

    # At most one write a second: beside the apply's transaction each write opens a connection of its
    # own, and a report every 500 rows of 35.000 cost seconds of the import.
    WRITE_EVERY_SECONDS = 1.0

    def __init__(self, registry_import: RegistryImport, deadline: jobs.Deadline):
        self.pk = registry_import.pk
        self.deadline = deadline
        # The apply step reports from inside its one transaction.
        self.beside_transaction = registry_import.status == RegistryImport.Status.RUNNING
        self.written_at = None

    def __call__(self, phase: str, done: int, total: int):
        self.deadline.check()
        now = time.monotonic()
        if self.written_at is not None and now - self.written_at < self.WRITE_EVERY_SECONDS and done < total:
            return
        self.written_at = now
        jobs.record_progress(
            RegistryImport,
            self.pk,
            beside_transaction=self.beside_transaction,
            phase=phase,
            rows_processed=done,
            rows_total=total,
        )


@task()
def registry_import_run(registry_import_id: int) -> str:
    """The queue's task: an import's next step. Returns the status it ends in."""
    registry_import = RegistryImport.objects.get(pk=registry_import_id)
    registry_import_run_job(registry_import=registry_import)
    return registry_import.status


def registry_import_run_job(*, registry_import: RegistryImport) -> None:
    """The task's work: preview a new upload, or apply a confirmed one, within the job's limits."""
    try:
        with jobs.limits() as deadline:
            progress = ImportProgress(registry_import, deadline)
            if registry_import.status == RegistryImport.Status.PENDING:
                registry_import_preview(registry_import=registry_import, progress=progress)
            elif registry_import.status == RegistryImport.Status.RUNNING:
                registry_import_apply(registry_import=registry_import, progress=progress)
    except jobs.JobStopped as stop:
        _import_failed(registry_import, str(stop))
    except Exception:
        logger.exception("Impor registri #%s gagal", registry_import.pk)
        _import_failed(registry_import, "Terjadi galat tak terduga; tidak ada yang disimpan. Hubungi admin.")
        raise


# A job reports every few hundred rows, so this long without a word means it is gone (a worker killed,
# a server restarted). Its writes were one transaction, so nothing of it was kept.
IMPORT_SILENT_FOR = datetime.timedelta(minutes=10)
GONE_MESSAGE = (
    "Proses impor berhenti tanpa kabar (mungkin server atau pekerja antrean dimulai ulang). Tidak ada data "
    "yang tersimpan; jalankan ulang dengan tombol di bawah, atau unggah ulang berkasnya."
)


def registry_import_give_up_if_gone(registry_import: RegistryImport) -> bool:
    """Mark an import that has stopped reporting as failed and retryable; True if so."""
    return jobs.give_up_if_gone(registry_import, silent_for=IMPORT_SILENT_FOR, message=GONE_MESSAGE)


def registry_import_retry(*, registry_import: RegistryImport, user) -> bool:
    """Run again the step of a job that stopped without a word; False when it is not such a job."""
    step = RegistryImport.Status.RUNNING if registry_import.confirmed_at else RegistryImport.Status.PENDING
    if not jobs.reopen_for_retry(registry_import, status=step, phase=""):
        return False
    logger.info("Impor registri #%s diulang oleh %s", registry_import.pk, user)
    registry_import_start(registry_import)
    return True


def _import_failed(registry_import: RegistryImport, message: str) -> None:
    registry_import.status = RegistryImport.Status.FAILED
    registry_import.error_message = message
    registry_import.finished_at = timezone.now()
    registry_import.save(update_fields=["status", "error_message", "finished_at"])


def _record_counts(registry_import: RegistryImport, plan: imports.Plan) -> None:
    counts = plan.counts
    registry_import.rows_total = registry_import.rows_processed = len(plan.rows)
    registry_import.heartbeat_at = timezone.now()  # the step's last report: it ended
    registry_import.created_count = counts[imports.CREATE]
    registry_import.updated_count = counts[imports.UPDATE]
    registry_import.unchanged_count = counts[imports.UNCHANGED]
    registry_import.error_count = counts[imports.ERROR]


def registry_import_preview(*, registry_import: RegistryImport, progress=None) -> imports.Plan | None:
    """Read the upload and keep what importing it would do; writes nothing to the registry."""
    try:
        plan = imports.build_plan(
            registry_import.file.path, registry_import.file_name, progress=progress, keep=True
        )
    except imports.ImportFileError as error:
        _import_failed(registry_import, str(error))
        return None
    _record_counts(registry_import, plan)
    registry_import.preview = imports.preview_data(plan)
    imports.keep_decisions(registry_import.file.path, plan)
    registry_import.status = RegistryImport.Status.READY
    registry_import.save()
    return plan


def registry_import_confirm(*, registry_import: RegistryImport, user, skip_error_rows: bool = False) -> bool:
    """A person approves the preview; False when the import was already confirmed (a second click)."""
    if registry_import.status != RegistryImport.Status.READY:
        return False
    if registry_import.error_count and not skip_error_rows:
        raise ValidationError(
            f"Ada {registry_import.error_count} baris bergalat. Perbaiki berkasnya dan unggah ulang, atau "
            "pilih untuk melewati baris bergalat."
        )
    if not (registry_import.created_count or registry_import.updated_count):
        raise ValidationError("Tidak ada usaha baru atau perubahan untuk diimpor.")
    # A conditional UPDATE, so two clicks (or two people) start one job.
    confirmed = RegistryImport.objects.filter(
        pk=registry_import.pk, status=RegistryImport.Status.READY
    ).update(
        status=RegistryImport.Status.RUNNING,
        confirmed_by=user,
        confirmed_at=timezone.now(),
        skip_error_rows=skip_error_rows,
        rows_processed=0,
    )
    registry_import.refresh_from_db()
    return bool(confirmed)


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _update_in_one_statement(rows: list[tuple[int, dict]], attnames: list[str]) -> None:
    """UPDATE … FROM (VALUES …): the rows' new values (pk, {attname: value}) in one statement per batch.

    Django's bulk_update writes a CASE WHEN per field and row, which took 110 of the 160 s an import
    of 35.000 updates spent; joining a VALUES list updates the same rows in well under a second.
    """
    by_attname = {field.attname: field for field in Business._meta.concrete_fields}
    model_fields = [by_attname[name] for name in attnames]
    quote = connection.ops.quote_name
    cast = connection.vendor == "postgresql"  # VALUES of NULLs only are text there
    assignments = ", ".join(
        f"{quote(field.column)} = "
        + (f"CAST(v.column{i} AS {field.db_type(connection)})" if cast else f"v.column{i}")
        for i, field in enumerate(model_fields, start=2)
    )
    placeholders = "(" + ", ".join(["%s"] * (len(attnames) + 1)) + ")"
    params = []
    for pk, values in rows:
        params.append(pk)
        params.extend(field.get_db_prep_save(values[field.attname], connection) for field in model_fields)
    table = quote(Business._meta.db_table)
    # Table and column names come from the model; every value goes as a parameter.
    values_sql = ", ".join([placeholders] * len(rows))
    sql = f"UPDATE {table} SET {assignments} FROM (VALUES {values_sql}) AS v WHERE {table}.id = v.column1"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _copy_into_history(pks: list[int], *, history_type: str, user, reason: str) -> None:
    """One history row per business, copied from its row as now written: INSERT … SELECT.

    simple_history's bulk_history_create builds a Python object per row and prepares each of its 30
    values (a million calls for 35.000 rows); the database copies the same rows itself.
    """
    history = Business.history.model
    quote = connection.ops.quote_name
    own = {field.column for field in Business._meta.concrete_fields}
    stamped = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_change_reason": reason or None,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    columns, selected, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.column in own:
            columns.append(quote(field.column))
            selected.append(f"b.{quote(field.column)}")
        elif field.column in stamped:
            columns.append(quote(field.column))
            selected.append("%s")
            params.append(stamped[field.column])
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} FROM {quote(Business._meta.db_table)} AS b "
        f"WHERE b.id IN ({', '.join(['%s'] * len(pks))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *pks])


def _write_updates(updates: list[imports.Update], *, user, reason: str, report, done: int, total: int) -> int:
    """The updated businesses, grouped by the fields that changed, each with its history row."""
    # One statement sets the same columns on every row: group rows by what changed.
    by_fields: dict[tuple[str, ...], list[tuple[int, dict]]] = {}
    now = timezone.now()
    for update in updates:
        # The businesses were locked at the version their values were decided on; the next is ours.
        values = {
            **update.values,
            "size_class": update.size_class,
            "updated_at": now,  # a direct UPDATE skips auto_now
            "version": update.version + 1,
        }
        by_fields.setdefault(tuple(sorted(update.values)), []).append((update.pk, values))
    for fields, rows in by_fields.items():
        for batch in _batches(rows, IMPORT_BATCH_SIZE):
            pks = [pk for pk, _ in batch]
            with tallies.tracking(pks):
                _update_in_one_statement(batch, [*fields, "size_class", "updated_at", "version"])
            _copy_into_history(pks, history_type="~", user=user, reason=reason)
            done += len(batch)
            report("menyimpan", done, total)
    return done


def _write(creates: list[Business], updates: list[imports.Update], *, user, reason: str, report) -> None:
    """New businesses (with their history) in batches, then the updates."""
    total, done = len(creates) + len(updates), 0
    report("menyimpan", done, total)
    for batch in _batches(creates, IMPORT_BATCH_SIZE):
        for business in batch:
            business.size_class = business.computed_size_class()
        bulk_create_with_history(
            batch, Business, batch_size=IMPORT_BATCH_SIZE, default_user=user, default_change_reason=reason
        )
        tallies.created(batch)
        done += len(batch)
        report("menyimpan", done, total)
    _write_updates(updates, user=user, reason=reason, report=report, done=done, total=total)


def _as_previewed(registry_import: RegistryImport) -> imports.Decisions | None:
    """The preview's decisions, when the registry is as the preview saw it; the businesses they
    update are locked (select_for_update) at the versions the preview read."""
    decisions = imports.recall_decisions(registry_import.file.path)
    if decisions is None or decisions.digest != registry_import.preview.get("digest"):
        return None
    expected = {update.pk: update.version for update in decisions.updates}
    locked = {}
    for batch in _batches(sorted(expected), IMPORT_BATCH_SIZE):
        rows = Business.objects.filter(pk__in=batch).order_by("pk").select_for_update()
        locked.update(rows.values_list("pk", "version"))
    if locked != expected or imports.registry_fingerprint() != decisions.fingerprint:
        return None
    return decisions


def _planned_again(registry_import: RegistryImport, progress) -> tuple[list[Business], list[imports.Update]]:
    """The file planned again with the businesses to update locked; refused if it differs from the preview."""
    plan = imports.build_plan(
        registry_import.file.path, registry_import.file_name, lock=True, progress=progress, keep=True
    )
    if plan.digest != registry_import.preview.get("digest"):
        raise ImportRefused(
            "Registri atau berkas berubah sejak pratinjau dibuat; tidak ada yang disimpan. "
            "Unggah berkasnya lagi untuk pratinjau baru."
        )
    if plan.counts[imports.ERROR] and not registry_import.skip_error_rows:
        raise ImportRefused("Ada baris bergalat dan tidak dipilih untuk dilewati; tidak ada yang disimpan.")
    _record_counts(registry_import, plan)
    return [row.business for row in plan.of(imports.CREATE)], imports.updates_of(plan)


def registry_import_apply(*, registry_import: RegistryImport, progress=None) -> None:
    """Write a confirmed import: all rows or none, each change in the business's history.

    Inside one transaction, with the businesses to update locked: when the registry is as the preview
    saw it (imports.decided), the preview's decisions are written; otherwise the file is planned again,
    and if that plan differs from the one previewed (someone edited the registry meanwhile), nothing is
    written.
    """
    report = progress or imports.no_progress
    user = registry_import.confirmed_by or registry_import.created_by
    reason = registry_import.change_reason
    try:
        with transaction.atomic():
            if registry_import.error_count and not registry_import.skip_error_rows:
                raise ImportRefused(
                    "Ada baris bergalat dan tidak dipilih untuk dilewati; tidak ada yang disimpan."
                )
            if decisions := _as_previewed(registry_import):
                creates = [Business(**values) for values in decisions.creates]
                updates = decisions.updates
            else:
                creates, updates = _planned_again(registry_import, progress)
            _write(creates, updates, user=user, reason=reason, report=report)
            registry_import.rows_processed = registry_import.rows_total
            registry_import.heartbeat_at = timezone.now()
            registry_import.status = RegistryImport.Status.DONE
            registry_import.finished_at = timezone.now()
            registry_import.error_message = ""
            registry_import.save()
    except ImportRefused as refusal:
        _import_failed(registry_import, str(refusal))
    except imports.ImportFileError as error:
        _import_failed(registry_import, str(error))
    except DatabaseError as error:
        logger.exception("Impor registri #%s ditolak basis data", registry_import.pk)
        _import_failed(
            registry_import,
            f"Basis data menolak penyimpanan ({error.__class__.__name__}); tidak ada yang disimpan. "
            "Mungkin ada yang menyimpan usaha yang sama pada saat yang sama: unggah ulang berkasnya.",
        )
    finally:
        imports.forget_preview_files(registry_import.file.path)
