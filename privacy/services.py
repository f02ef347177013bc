"""Writing what the privacy app keeps: anonymising a business, people's requests, pruning the access log."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from coaching.models import Assessment, Enrolment
from registry import imports
from registry.formatting import mask_nik
from registry.models import Business, ExportJob, RegistryImport
from registry.services import save_with_history

from . import access
from .models import AccessLogEntry, SubjectRequest
from .scrub import file_holds, holds_any, scrub_json, scrub_text, spellings

ANONYMOUS_OWNER = "(dianonimkan)"
ANONYMISED_REASON = "Data pribadi dianonimkan (UU 27/2022)"


@dataclass
class Anonymised:
    business_id: int
    history_rows: int = 0
    files_deleted: int = 0
    copies_scrubbed: int = 0


def neutral_values(business_id: int) -> dict:
    """What a business's personal fields hold once anonymised: nothing of the person."""
    return {
        "name": f"Usaha #{business_id} (dianonimkan)",
        "owner_name": ANONYMOUS_OWNER,
        "owner_nik": None,
        "phone": "",
        "address": "",
    }


def personal_values(business: Business) -> list[str]:
    """The owner's name, NIK and phone as the business and every one of its history rows held them."""
    fields = ("owner_name", "owner_nik", "phone")
    rows = [*business.history.values_list(*fields), tuple(getattr(business, name) for name in fields)]
    values = {value for row in rows for value in row if value and value != ANONYMOUS_OWNER}
    return spellings(values)


@transaction.atomic
def business_anonymise(*, business: Business, user, reason: str) -> Anonymised:
    """Replace a business's name, owner, NIK, phone and address with neutral values everywhere.

    In the business and every history row; import files, export files and evidence files that hold the
    owner's name, NIK or phone are deleted (once the transaction commits) and the copies in import
    previews, export filters and the access log's addresses are scrubbed. Place, sector, class, status
    and dates stay, so every count by kecamatan, sector, class and year stays the same. The act is
    logged with the reason, without the personal values.
    """
    business = Business.objects.select_for_update().get(pk=business.pk)
    values = personal_values(business)
    done = Anonymised(business.pk)
    neutral = neutral_values(business.pk)
    done.history_rows = _anonymise_history(business, neutral, values)
    for name, value in neutral.items():
        setattr(business, name, value)
    save_with_history(business, user=user, change_reason=ANONYMISED_REASON)
    done.files_deleted = _delete_evidence(business) + _delete_files_holding(values)
    done.copies_scrubbed = _scrub_copies(values) + _scrub_coaching_notes(business, values)
    access.record(
        user,
        access.Kind.ANONYMISE,
        business_ids=[business.pk],
        note=(
            f"{scrub_text(reason, values)} — riwayat: {done.history_rows} baris, berkas dihapus: "
            f"{done.files_deleted}, salinan dibersihkan: {done.copies_scrubbed}"
        ),
    )
    return done


def _anonymise_history(business: Business, neutral: dict, values: list[str]) -> int:
    history = business.history.model.objects.filter(id=business.pk)
    for record in history.exclude(history_change_reason="").exclude(history_change_reason=None):
        reason = scrub_text(record.history_change_reason, values)
        if reason != record.history_change_reason:
            history.filter(pk=record.pk).update(history_change_reason=reason)
    return history.update(**neutral)


def _delete_later(field_file) -> None:
    """Delete a stored file once the transaction commits (a rolled-back anonymisation keeps it)."""
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


def _delete_evidence(business: Business) -> int:
    """The naik-kelas evidence of the business's enrolments: documents about the person."""
    enrolments = Enrolment.objects.filter(business=business).exclude(evidence="")
    deleted = 0
    for enrolment in enrolments:
        _delete_later(enrolment.evidence)
        deleted += 1
    Enrolment.history.model.objects.filter(business_id=business.pk).exclude(evidence="").update(evidence="")
    enrolments.update(evidence="")
    return deleted


def _delete_files_holding(values: list[str]) -> int:
    deleted = 0
    for model in (RegistryImport, ExportJob):
        for row in model.objects.exclude(file=""):
            if row.file.storage.exists(row.file.name) and file_holds(row.file, values):
                if model is RegistryImport:
                    # The rows and decisions a preview keeps beside the upload (registry.imports) go too.
                    path = row.file.path
                    transaction.on_commit(lambda path=path: imports.forget_preview_files(path))
                _delete_later(row.file)
                model.objects.filter(pk=row.pk).update(file="")
                deleted += 1
    return deleted


def _scrub_rows(queryset, values: list[str]) -> int:
    """Scrub the values from every free-text field of these rows (notes typed by staf may name the owner)."""
    fields = [
        field.name
        for field in queryset.model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]
    scrubbed = 0
    for row in queryset.values("pk", *fields):
        clean = {name: scrub_text(row[name], values) for name in fields if row[name]}
        changed = {name: text for name, text in clean.items() if text != row[name]}
        if changed:
            scrubbed += queryset.model._base_manager.filter(pk=row["pk"]).update(**changed)
    return scrubbed


def _scrub_coaching_notes(business: Business, values: list[str]) -> int:
    enrolments = Enrolment.objects.filter(business=business)
    return sum(
        _scrub_rows(rows, values)
        for rows in (
            enrolments,
            Enrolment.history.filter(business_id=business.pk),
            Assessment.objects.filter(enrolment__in=enrolments),
            Assessment.history.filter(enrolment_id__in=enrolments.values("pk")),
        )
    )


def _scrub_copies(values: list[str]) -> int:
    scrubbed = 0
    for registry_import in RegistryImport.objects.only("preview", "error_message"):
        data = {"preview": registry_import.preview, "error_message": registry_import.error_message}
        if holds_any(data, values):
            clean = scrub_json(data, values)
            RegistryImport.objects.filter(pk=registry_import.pk).update(**clean)
            scrubbed += 1
    for export_job in ExportJob.objects.only("parameters"):
        if holds_any(export_job.parameters, values):
            ExportJob.objects.filter(pk=export_job.pk).update(
                parameters=scrub_json(export_job.parameters, values)
            )
            scrubbed += 1
    # Walk-ins typed offline keep what the phone sent until staf review them (fieldwork.OfflineRecord);
    # looked up by name so that privacy does not import the app that notes into its log.
    offline_records = apps.get_model("fieldwork", "OfflineRecord")
    for record in offline_records.objects.only("payload", "summary"):
        if holds_any(record.payload, values) or holds_any(record.summary, values):
            offline_records.objects.filter(pk=record.pk).update(
                payload=scrub_json(record.payload, values), summary=scrub_text(record.summary, values)
            )
            scrubbed += 1
    # The person's requests stay on record (the office must show it answered them), their NIK masked.
    for nik in SubjectRequest.objects.filter(nik__in=values).values_list("nik", flat=True).distinct():
        scrubbed += SubjectRequest.objects.filter(nik=nik).update(nik=mask_nik(nik))
    return scrubbed + AccessLogEntry.objects.scrub(values)


def access_log_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the access log's entries older than ACCESS_LOG_RETENTION_DAYS; the count deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    return AccessLogEntry.objects.prune_before(cutoff)


def closed_businesses_due(*, today: datetime.date | None = None):
    """Closed businesses untouched for ANONYMISE_CLOSED_AFTER_DAYS and not yet anonymised (none when off)."""
    days = settings.ANONYMISE_CLOSED_AFTER_DAYS
    if not days:
        return Business.objects.none()
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    return Business.objects.filter(status=Business.Status.CLOSED, updated_at__date__lt=cutoff).exclude(
        owner_name=ANONYMOUS_OWNER
    )


@transaction.atomic
def subject_request_record(*, user, nik: str, kind: str, received_at, note: str = "") -> SubjectRequest:
    """Record a person's request; a restriction marks their businesses at once (they leave exports)."""
    subject_request = SubjectRequest(nik=nik, kind=kind, received_at=received_at, note=note, recorded_by=user)
    subject_request.full_clean()
    subject_request.save()
    if kind == SubjectRequest.Kind.RESTRICTION:
        for business in Business.objects.select_for_update().filter(
            owner_nik=nik, processing_restricted=False
        ):
            business.processing_restricted = True
            save_with_history(
                business, user=user, change_reason="Pemrosesan dibatasi atas permintaan pemilik"
            )
    return subject_request


@transaction.atomic
def subject_request_answer(*, subject_request: SubjectRequest, user, answer: str) -> SubjectRequest:
    """Mark a request answered, with what was done; an answered request stays as it was."""
    subject_request = SubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
    if subject_request.answered_at is not None:
        raise ValidationError("Permintaan ini sudah dijawab.")
    subject_request.answered_at = timezone.now()
    subject_request.answered_by = user
    subject_request.answer = answer
    subject_request.full_clean()
    subject_request.save()
    return subject_request
