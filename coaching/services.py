"""The only writers of coaching data. Each checks the person's right to what it touches."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from registry.formatting import rupiah, tanggal
from registry.models import Business, Kecamatan
from registry.services import business_update, check_version, save_with_history
from registry.validators import validate_nib

from .models import (
    OUTCOME_ORDER,
    Assessment,
    Association,
    Attendance,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    KecamatanPlan,
    Membership,
    Programme,
)
from .permissions import may_record_for
from .selectors import enrolment_verdict
from .verdicts import store_verdicts


def even_plan(total: int, kecamatan_ids: list[int]) -> dict[int, int]:
    """Spread `total` sessions evenly; the first kecamatan (by name) take the remainder one each."""
    base, remainder = divmod(total, len(kecamatan_ids))
    return {pk: base + (1 if index < remainder else 0) for index, pk in enumerate(kecamatan_ids)}


# --- programmes ------------------------------------------------------------------------------


@transaction.atomic
def programme_create(*, user, fields: dict, planned_sessions_total: int) -> Programme:
    programme = save_with_history(Programme(**fields), user=user, change_reason="Program dibuat")
    kecamatan_ids = list(Kecamatan.objects.order_by("name").values_list("id", flat=True))
    plan = even_plan(planned_sessions_total, kecamatan_ids)
    bulk_create_with_history(
        [
            KecamatanPlan(programme=programme, kecamatan_id=pk, planned_sessions=count)
            for pk, count in plan.items()
        ],
        KecamatanPlan,
        default_user=user,
        default_change_reason="Rencana sesi dibuat bersama program",
    )
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, user, fields: dict) -> Programme:
    programme = _lock_programme(programme.pk)
    rule_before = _rule_settings_of(programme)
    for name, value in fields.items():
        setattr(programme, name, value)
    allocated = _allocated(programme)
    if programme.budget_ceiling < allocated:
        raise ValidationError(
            {"budget_ceiling": f"Pagu tidak bisa di bawah jumlah pagu mata anggaran ({rupiah(allocated)}); "
             f"kurangi dulu pagu mata anggarannya."}
        )  # fmt: skip
    programme = save_with_history(programme, user=user, change_reason="Data program diubah")
    if _rule_settings_of(programme) != rule_before:
        store_verdicts(programme.enrolments.all())
    return programme


def _rule_settings_of(programme: Programme) -> tuple[int, int]:
    return programme.min_new_indicators, programme.turnover_growth_percent


@transaction.atomic
def programme_set_plan(*, programme: Programme, user, planned: dict[int, int]) -> None:
    """Set planned sessions per kecamatan id; every kecamatan keeps exactly one row."""
    if any(count < 0 for count in planned.values()):
        raise ValidationError("Rencana sesi tidak boleh negatif.")
    plans = {
        plan.kecamatan_id: plan
        for plan in KecamatanPlan.objects.select_for_update().filter(
            programme=programme, kecamatan_id__in=planned
        )
    }
    for kecamatan_id, count in planned.items():
        plan = plans.get(kecamatan_id) or KecamatanPlan(programme=programme, kecamatan_id=kecamatan_id)
        if plan.pk is not None and plan.planned_sessions == count:
            continue
        plan.planned_sessions = count
        save_with_history(plan, user=user, change_reason="Rencana sesi diubah")


# --- cohort ----------------------------------------------------------------------------------


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


# --- assessments -----------------------------------------------------------------------------


@transaction.atomic
def assessment_record(*, enrolment: Enrolment, user, fields: dict) -> Assessment:
    """The first assessment of an enrolment is its baseline; later ones are follow-ups after it."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("business", "programme").get(pk=enrolment.pk)
    )
    if not may_record_for(user, enrolment.pendamping_id):
        raise PermissionDenied
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError("Peserta ini sudah mundur; penilaian tidak bisa ditambahkan.")
    assessment = Assessment(enrolment=enrolment, recorded_by=user, **fields)
    programme = enrolment.programme
    if assessment.assessed_on and not programme.covers(assessment.assessed_on):
        raise ValidationError(
            {"assessed_on": f"Tanggal penilaian harus di dalam masa program {programme.name}."}
        )
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


# --- sessions and attendance -----------------------------------------------------------------


def _check_attendees(*, programme: Programme, businesses: list[Business], user) -> dict[int, Enrolment]:
    """Refuse closed businesses and cohort members the user does not coach; return enrolments by business."""
    enrolments = {
        e.business_id: e
        for e in Enrolment.objects.filter(programme=programme, business__in=businesses).select_related(
            "pendamping"
        )
    }
    problems = []
    for business in businesses:
        enrolment = enrolments.get(business.pk)
        if business.status == Business.Status.CLOSED:
            problems.append(f"{business.name} sudah tutup")
        elif enrolment and enrolment.status == Enrolment.Status.WITHDRAWN:
            problems.append(f"{business.name} sudah mundur dari program")
        elif enrolment and not may_record_for(user, enrolment.pendamping_id):
            coach = enrolment.pendamping.get_full_name() if enrolment.pendamping else "staf"
            problems.append(f"{business.name} didampingi {coach}, bukan Anda")
    if problems:
        raise ValidationError("Kehadiran tidak bisa dicatat: " + "; ".join(problems) + ".")
    return enrolments


def _add_attendances(session: CoachingSession, businesses: list[Business], user) -> int:
    businesses = list({business.pk: business for business in businesses}.values())
    enrolments = _check_attendees(programme=session.programme, businesses=businesses, user=user)
    present = set(session.attendances.values_list("business_id", flat=True))
    new = [
        Attendance(session=session, business=b, enrolment=enrolments.get(b.pk), recorded_by=user)
        for b in businesses
        if b.pk not in present
    ]
    Attendance.objects.bulk_create(new)
    return len(new)


def _check_session_rights(session: CoachingSession, user) -> None:
    if not may_record_for(user, session.pendamping_id):
        raise PermissionDenied


@transaction.atomic
def session_record(*, user, fields: dict, topics, attendees: Iterable[Business] = ()) -> CoachingSession:
    """Record a session with its topics and attendees in one go; a pendamping records their own."""
    if not topics:
        raise ValidationError({"topics": "Pilih paling sedikit satu topik."})
    session = CoachingSession(recorded_by=user, **fields)
    if not user.has_perm("coaching.record_for_any_business"):
        session.pendamping = user
    _check_pendamping(session.pendamping)
    save_with_history(session, user=user, change_reason="Sesi dicatat")
    session.topics.set(topics)
    _add_attendances(session, list(attendees), user)
    return session


@transaction.atomic
def session_update(
    *, session: CoachingSession, user, fields: dict, topics, expected_version: int | None = None
) -> CoachingSession:
    """Change a session; given the version the person's form showed, only if nobody saved it since."""
    session = CoachingSession.objects.select_for_update().get(pk=session.pk)
    _check_session_rights(session, user)
    check_version(session, expected_version, what="Sesi ini")
    for name, value in fields.items():
        setattr(session, name, value)
    if not user.has_perm("coaching.record_for_any_business"):
        session.pendamping = user
    _check_pendamping(session.pendamping)
    if not topics:
        raise ValidationError({"topics": "Pilih paling sedikit satu topik."})
    save_with_history(session, user=user, change_reason="Sesi diubah")
    session.topics.set(topics)
    return session


@transaction.atomic
def attendance_add(*, session: CoachingSession, businesses: Iterable[Business], user) -> int:
    session = CoachingSession.objects.select_for_update().select_related("programme").get(pk=session.pk)
    _check_session_rights(session, user)
    return _add_attendances(session, list(businesses), user)


@transaction.atomic
def attendance_remove(*, session: CoachingSession, business: Business, user) -> None:
    _check_session_rights(session, user)
    Attendance.objects.filter(session=session, business=business).delete()


# --- facilitation drives ---------------------------------------------------------------------

# A certificate issued at a halal or PIRT drive is recorded on the business, as an NIB is.
CERTIFICATE_FLAGS = {
    Event.Kind.HALAL: ("has_halal", "Sertifikat halal"),
    Event.Kind.PIRT: ("has_pirt", "PIRT"),
}


@transaction.atomic
def event_create(*, user, fields: dict) -> Event:
    return save_with_history(Event(**fields), user=user, change_reason="Kegiatan dicatat")


@transaction.atomic
def event_update(*, event: Event, user, fields: dict) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        setattr(event, name, value)
    return save_with_history(event, user=user, change_reason="Kegiatan diubah")


@transaction.atomic
def event_add_participants(*, event: Event, businesses: Iterable[Business], user) -> int:
    event = Event.objects.select_for_update().get(pk=event.pk)
    present = set(event.participants.values_list("business_id", flat=True))
    added = 0
    for business in businesses:
        if business.pk in present:
            continue
        participant = EventParticipant(event=event, business=business, outcome_on=event.held_on)
        save_with_history(participant, user=user, change_reason=f"Terdaftar di {event}")
        added += 1
    return added


@transaction.atomic
def event_participant_set_outcome(
    *,
    participant: EventParticipant,
    outcome: str,
    user,
    nib: str = "",
    outcome_on: datetime.date | None = None,
) -> EventParticipant:
    """Move a participant forward (terdaftar → diajukan → terbit); an issued NIB goes onto the business."""
    participant = (
        EventParticipant.objects.select_for_update()
        .select_related("event", "business")
        .get(pk=participant.pk)
    )
    if outcome not in OUTCOME_ORDER:
        raise ValidationError({"outcome": "Hasil tidak dikenal."})
    if OUTCOME_ORDER.index(outcome) < OUTCOME_ORDER.index(participant.outcome):
        raise ValidationError(
            {"outcome": f"Hasil tidak bisa mundur dari “{participant.get_outcome_display()}”."}
        )
    outcome_on = outcome_on or timezone.localdate()
    if outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": "Tanggal hasil tidak boleh di masa depan."})
    event = participant.event
    business = participant.business
    if event.issues_nib and outcome == EventParticipant.Outcome.ISSUED:
        nib = nib.strip().replace(" ", "")
        if not nib:
            raise ValidationError({"nib": "Tulis NIB yang terbit (13 digit)."})
        try:
            validate_nib(nib)
        except ValidationError as error:
            raise ValidationError({"nib": error.messages}) from error
        if business.nib and business.nib != nib:
            raise ValidationError({"nib": f"{business.name} sudah punya NIB {business.nib}."})
        if business.nib != nib:
            try:
                business_update(
                    business=business,
                    user=user,
                    fields={"nib": nib},
                    change_reason=f"NIB terbit pada {event}",
                )
            except ValidationError as error:
                raise ValidationError({"nib": error.message_dict.get("nib", error.messages)}) from error
    flag, certificate = CERTIFICATE_FLAGS.get(event.kind, (None, ""))
    if flag and outcome == EventParticipant.Outcome.ISSUED and not getattr(business, flag):
        business_update(
            business=business,
            user=user,
            fields={flag: True},
            change_reason=f"{certificate} terbit pada {event}",
        )
    participant.outcome = outcome
    participant.outcome_on = outcome_on
    return save_with_history(
        participant, user=user, change_reason=f"{participant.get_outcome_display()} — {event}"
    )


# --- associations ----------------------------------------------------------------------------


@transaction.atomic
def association_create(*, user, fields: dict) -> Association:
    return save_with_history(Association(**fields), user=user, change_reason="Asosiasi dibentuk")


@transaction.atomic
def membership_add(
    *, association: Association, business: Business, joined_on: datetime.date, user
) -> Membership:
    if Membership.objects.filter(association=association, business=business).exists():
        raise ValidationError(f"{business.name} sudah menjadi anggota {association}.")
    membership = Membership(association=association, business=business, joined_on=joined_on, recorded_by=user)
    return save_with_history(membership, user=user, change_reason=f"Bergabung dengan {association}")


@transaction.atomic
def memberships_add(*, association: Association, businesses: Iterable[Business], joined_on, user) -> int:
    """Add several members at once: all of them, or none when one is already a member."""
    businesses = list(businesses)
    for business in businesses:
        membership_add(association=association, business=business, joined_on=joined_on, user=user)
    return len(businesses)


# --- budget ----------------------------------------------------------------------------------
#
# The overspend guard. Every write that changes what a programme may spend (its ceiling, a line's
# allocation) or what it has spent (an expenditure added, corrected or deleted) first locks the
# programme's row with SELECT … FOR UPDATE. Two people saving at the same moment are therefore checked
# one after the other: the second waits for the first to commit, then sums the spending afresh —
# including the first one's — before it decides. On SQLite, which has no row locks, writers are
# serialised by the database lock instead.


def _lock_programme(programme_id: int) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme_id)


def _allocated(programme: Programme, *, excluding: BudgetLine | None = None) -> int:
    lines = BudgetLine.objects.filter(programme=programme)
    if excluding is not None:
        lines = lines.exclude(pk=excluding.pk)
    return lines.aggregate(total=Coalesce(Sum("allocation"), 0))["total"]


def _check_allocation(programme: Programme, line: BudgetLine) -> None:
    """A line's allocation keeps the lines within the ceiling and covers what it has already paid."""
    total = _allocated(programme, excluding=line if line.pk else None) + (line.allocation or 0)
    if total > programme.budget_ceiling:
        raise ValidationError(
            {"allocation": f"Jumlah pagu mata anggaran menjadi {rupiah(total)}, melebihi pagu program "
             f"{rupiah(programme.budget_ceiling)} sebesar {rupiah(total - programme.budget_ceiling)}."}
        )  # fmt: skip
    if line.pk:
        spent = line.expenditures.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
        if line.allocation < spent:
            raise ValidationError(
                {"allocation": f"Mata anggaran ini sudah dibelanjakan {rupiah(spent)}; "
                 f"pagunya tidak bisa di bawah itu."}
            )  # fmt: skip


@transaction.atomic
def budget_line_create(*, programme: Programme, user, fields: dict) -> BudgetLine:
    programme = _lock_programme(programme.pk)
    line = BudgetLine(programme=programme, **fields)
    line.full_clean()
    _check_allocation(programme, line)
    return save_with_history(line, user=user, change_reason="Mata anggaran dibuat")


@transaction.atomic
def budget_line_update(*, line: BudgetLine, user, fields: dict) -> BudgetLine:
    programme = _lock_programme(line.programme_id)
    line = BudgetLine.objects.get(pk=line.pk)
    for name, value in fields.items():
        setattr(line, name, value)
    line.full_clean()
    _check_allocation(programme, line)
    return save_with_history(line, user=user, change_reason="Mata anggaran diubah")


def _check_within_budget(*, programme: Programme, line: BudgetLine, amount: int, excluding=None) -> None:
    """Refuse spending that takes the line past its allocation or the programme past its ceiling."""
    spending = Expenditure.objects.filter(budget_line__programme=programme)
    if excluding is not None:
        spending = spending.exclude(pk=excluding.pk)
    spent = spending.aggregate(
        line=Coalesce(Sum("amount", filter=Q(budget_line=line)), 0), programme=Coalesce(Sum("amount"), 0)
    )
    for what, left in (
        (f"mata anggaran “{line}”", line.allocation - spent["line"]),
        ("pagu program", programme.budget_ceiling - spent["programme"]),
    ):
        left = max(left, 0)
        if amount > left:
            raise ValidationError(
                {"amount": f"Melebihi sisa {what}: sisa {rupiah(left)}, belanja ini {rupiah(amount)} "
                 f"(lebih {rupiah(amount - left)})."}
            )  # fmt: skip


@transaction.atomic
def expenditure_add(*, user, fields: dict) -> Expenditure:
    """Record spending from a budget line, refused when it would overspend the line or the ceiling."""
    line = fields["budget_line"]
    programme = _lock_programme(line.programme_id)
    line = BudgetLine.objects.get(pk=line.pk)
    expenditure = Expenditure(**{**fields, "budget_line": line}, recorded_by=user)
    expenditure.full_clean()
    _check_within_budget(programme=programme, line=line, amount=expenditure.amount)
    return save_with_history(expenditure, user=user, change_reason="Belanja dicatat")


@transaction.atomic
def expenditure_update(*, expenditure: Expenditure, user, fields: dict, reason: str) -> Expenditure:
    """Correct an entry; the old values stay in its history with the reason given."""
    if not reason.strip():
        raise ValidationError({"reason": "Tulis alasan koreksi."})
    programme = _lock_programme(expenditure.budget_line.programme_id)
    expenditure = Expenditure.objects.get(pk=expenditure.pk)
    for name, value in fields.items():
        setattr(expenditure, name, value)
    line = BudgetLine.objects.get(pk=expenditure.budget_line_id)
    if line.programme_id != programme.pk:
        raise ValidationError({"budget_line": "Belanja tidak bisa dipindah ke program lain."})
    expenditure.budget_line = line
    expenditure.full_clean()
    _check_within_budget(programme=programme, line=line, amount=expenditure.amount, excluding=expenditure)
    return save_with_history(expenditure, user=user, change_reason=f"Koreksi: {reason.strip()}")


@transaction.atomic
def expenditure_delete(*, expenditure: Expenditure, user, reason: str) -> Expenditure:
    """Only an admin deletes spending; the deleted entry stays in the history with the reason."""
    if not user.has_perm("coaching.delete_expenditure"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Tulis alasan penghapusan."})
    _lock_programme(expenditure.budget_line.programme_id)
    expenditure = Expenditure.objects.get(pk=expenditure.pk)
    expenditure._history_user = user
    expenditure._change_reason = f"Dihapus: {reason.strip()}"
    expenditure.delete()
    return expenditure
