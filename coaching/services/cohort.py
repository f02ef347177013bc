"""The cohort: enrolling businesses, their pendamping, withdrawal, naik-kelas verification and assessments."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from registry.formatting import tanggal
from registry.models import Business
from registry.services import save_with_history

from ..models import Assessment, Enrolment, Programme
from ..permissions import check_may_record_for
from ..selectors import enrolment_verdict
from ..verdicts import store_verdicts


def _check_pendamping(pendamping) -> None:
    if pendamping is not None and not pendamping.has_perm("coaching.add_coachingsession"):
        raise ValidationError({"pendamping": f"{pendamping} tidak berperan sebagai pendamping."})


@transaction.atomic
def enrolment_create_many(
    *, programme: Programme, businesses: Iterable[Business], pendamping, user, enrolled_on: datetime.date
) -> list[Enrolment]:
    """Enrol several businesses at once: all of them, or none when one cannot be enrolled."""
    businesses = list(businesses)
    if not businesses:
        raise ValidationError("Pilih paling sedikit satu usaha.")
    _check_pendamping(pendamping)
    if not programme.covers(enrolled_on):
        raise ValidationError({"enrolled_on": "Tanggal masuk di luar masa program."})
    if enrolled_on > timezone.localdate():
        raise ValidationError({"enrolled_on": "Tanggal masuk tidak boleh di masa depan."})
    already = set(
        Enrolment.objects.filter(programme=programme, business__in=businesses).values_list(
            "business__name", flat=True
        )
    )
    if already:
        raise ValidationError(
            f"Sudah terdaftar di {programme}: {', '.join(sorted(already))}. Tidak ada yang ditambahkan."
        )
    closed = sorted(b.name for b in businesses if b.status == Business.Status.CLOSED)
    if closed:
        raise ValidationError(f"Usaha yang sudah tutup tidak bisa dibina: {', '.join(closed)}.")
    enrolments = []
    for business in businesses:
        enrolment = Enrolment(
            programme=programme, business=business, pendamping=pendamping, enrolled_on=enrolled_on
        )
        enrolments.append(save_with_history(enrolment, user=user, change_reason="Masuk kelompok binaan"))
    return enrolments


@transaction.atomic
def enrolment_assign_pendamping(*, enrolment: Enrolment, pendamping, user) -> Enrolment:
    _check_pendamping(pendamping)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    enrolment.pendamping = pendamping
    name = pendamping.get_full_name() or pendamping.username if pendamping else "—"
    return save_with_history(enrolment, user=user, change_reason=f"Pendamping diganti: {name}")


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, user, reason: str) -> Enrolment:
    """Take a business out of the cohort; its sessions and assessments stay."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Tulis alasan mundur."})
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError("Hanya peserta yang masih aktif dibina yang bisa dinyatakan mundur.")
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawal_reason = reason
    return save_with_history(enrolment, user=user, change_reason=f"Mundur dari program: {reason}")


@transaction.atomic
def enrolment_verify_naik_kelas(
    *, enrolment: Enrolment, user, note: str, verified_on: datetime.date | None = None, evidence=None
) -> Enrolment:
    """A staf member confirms a candidate; only then does it count toward the target."""
    if not user.has_perm("coaching.verify_naik_kelas"):
        raise PermissionDenied
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Tulis catatan verifikasi: apa yang diperiksa dan buktinya."})
    enrolment = Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(
            f"Peserta ini berstatus “{enrolment.get_status_display()}”; tidak bisa diverifikasi."
        )
    verdict = enrolment_verdict(enrolment)
    if not verdict.is_candidate:
        raise ValidationError(f"Belum menjadi kandidat naik kelas. {verdict.reason}")
    verified_on = verified_on or min(timezone.localdate(), enrolment.programme.ends_on)
    if verified_on > timezone.localdate():
        raise ValidationError({"verified_on": "Tanggal naik kelas tidak boleh di masa depan."})
    if not enrolment.programme.covers(verified_on):
        raise ValidationError({"verified_on": "Tanggal naik kelas harus di dalam masa program."})
    latest = enrolment.assessments.order_by("assessed_on", "id").last()
    if verified_on < latest.assessed_on:
        last = tanggal(latest.assessed_on)
        raise ValidationError(
            {"verified_on": f"Tanggal naik kelas tidak boleh sebelum penilaian terakhir ({last})."}
        )
    enrolment.status = Enrolment.Status.NAIK_KELAS
    enrolment.verified_on = verified_on
    enrolment.verified_by = user
    enrolment.verification_note = note
    enrolment.verified_criteria = "; ".join(verdict.criteria)
    if evidence:
        enrolment.evidence = evidence
    return save_with_history(
        enrolment, user=user, change_reason=f"Diverifikasi naik kelas: {enrolment.verified_criteria}"
    )


@transaction.atomic
def enrolment_withdraw_verification(*, enrolment: Enrolment, user, reason: str) -> Enrolment:
    if not user.has_perm("coaching.verify_naik_kelas"):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Tulis alasan verifikasi dicabut."})
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.NAIK_KELAS:
        raise ValidationError("Peserta ini belum diverifikasi naik kelas.")
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.verified_on = None
    enrolment.verified_by = None
    enrolment.verification_note = ""
    enrolment.verified_criteria = ""
    enrolment.evidence = ""
    return save_with_history(enrolment, user=user, change_reason=f"Verifikasi naik kelas dicabut: {reason}")


def _check_after_verification(enrolment: Enrolment, assessed_on) -> None:
    """A verified naik kelas rests on the assessments up to its date: none may be added on or before it."""
    verified_on = enrolment.verified_on
    if (
        enrolment.status == Enrolment.Status.NAIK_KELAS
        and verified_on
        and assessed_on
        and assessed_on <= verified_on
    ):
        raise ValidationError(
            {
                "assessed_on": (
                    f"Usaha ini diverifikasi naik kelas pada {tanggal(verified_on)}; penilaian bertanggal "
                    "pada atau sebelum itu akan mengubah riwayat yang menjadi dasar verifikasi. Pilih "
                    "tanggal sesudahnya, atau minta staf mencabut verifikasi lebih dulu."
                )
            }
        )


@transaction.atomic
def assessment_record(*, enrolment: Enrolment, user, fields: dict) -> Assessment:
    """The first assessment of an enrolment is its baseline; later ones are follow-ups after it."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("business", "programme").get(pk=enrolment.pk)
    )
    check_may_record_for(user, enrolment.pendamping_id)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError("Peserta ini sudah mundur; penilaian tidak bisa ditambahkan.")
    assessment = Assessment(enrolment=enrolment, recorded_by=user, **fields)
    programme = enrolment.programme
    if assessment.assessed_on and not programme.covers(assessment.assessed_on):
        raise ValidationError(
            {"assessed_on": f"Tanggal penilaian harus di dalam masa program {programme.name}."}
        )
    _check_after_verification(enrolment, assessment.assessed_on)
    baseline = enrolment.assessments.filter(kind=Assessment.Kind.BASELINE).first()
    if baseline is None:
        assessment.kind = Assessment.Kind.BASELINE
    else:
        if assessment.assessed_on and assessment.assessed_on < baseline.assessed_on:
            first = tanggal(baseline.assessed_on)
            raise ValidationError(
                {"assessed_on": f"Penilaian lanjutan tidak boleh sebelum penilaian awal ({first})."}
            )
        assessment.kind = Assessment.Kind.FOLLOW_UP
    save_with_history(assessment, user=user, change_reason=assessment.get_kind_display())
    store_verdicts(Enrolment.objects.filter(pk=enrolment.pk))
    return assessment
