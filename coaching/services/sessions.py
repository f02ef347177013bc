"""Coaching sessions and who attended them."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from registry.models import Business
from registry.services import check_version, save_with_history

from ..models import Attendance, CoachingSession, Enrolment, Programme
from ..permissions import check_may_record_for, may_record_for, records_for_any_business
from .cohort import _check_pendamping


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


@transaction.atomic
def session_record(*, user, fields: dict, topics, attendees: Iterable[Business] = ()) -> CoachingSession:
    """Record a session with its topics and attendees in one go; a pendamping records their own."""
    if not topics:
        raise ValidationError({"topics": "Pilih paling sedikit satu topik."})
    session = CoachingSession(recorded_by=user, **fields)
    if not records_for_any_business(user):
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
    check_may_record_for(user, session.pendamping_id)
    check_version(session, expected_version, what="Sesi ini")
    for name, value in fields.items():
        setattr(session, name, value)
    if not records_for_any_business(user):
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
    check_may_record_for(user, session.pendamping_id)
    return _add_attendances(session, list(businesses), user)


@transaction.atomic
def attendance_remove(*, session: CoachingSession, business: Business, user) -> None:
    check_may_record_for(user, session.pendamping_id)
    Attendance.objects.filter(session=session, business=business).delete()
