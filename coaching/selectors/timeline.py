"""What the programmes did with one business, as timeline entries."""

import datetime

from django.urls import reverse
from django.utils import timezone

from registry.models import Business
from registry.selectors import TimelineEntry, who_did

from ..models import Assessment, Attendance, Enrolment, Event, EventParticipant, Membership, Programme


def business_coaching_timeline(business: Business, attendances: list[Attendance]) -> list[TimelineEntry]:
    """What the programmes did with the business, as timeline entries (a fixed number of queries).

    `attendances` are the business's, as business_attendances() returns them.
    """
    return [
        *_enrolment_entries(business),
        *_attendance_entries(attendances),
        *_assessment_entries(business),
        *_event_entries(business),
        *_membership_entries(business),
    ]


def _enrolment_entries(business: Business) -> list[TimelineEntry]:
    enrolment_history = (
        Enrolment.history.filter(business_id=business.pk)
        .select_related("history_user")
        .order_by("history_date")
    )
    programmes = dict(Programme.objects.filter(enrolments__business=business).values_list("id", "name"))
    entries, previous_status = [], {}
    for record in enrolment_history:
        # Shown on the day it happened in the programme (enrolled, verified), which may be earlier
        # than the day it was typed in.
        when = record.history_date
        if record.history_type == "+":
            when = record.enrolled_on
        elif record.status == Enrolment.Status.NAIK_KELAS and previous_status.get(record.id) != record.status:
            when = record.verified_on or when
        previous_status[record.id] = record.status
        entries.append(
            TimelineEntry(
                when=when,
                who=who_did(record.history_user),
                kind="enrolment",
                title=record.history_change_reason or "Data peserta diubah",
                reason=programmes.get(record.programme_id, ""),
                url=reverse("coaching:enrolment_detail", args=[record.id]),
            )
        )
    return entries


def _attendance_entries(attendances: list[Attendance]) -> list[TimelineEntry]:
    entries = []
    for session in (attendance.session for attendance in attendances):
        entries.append(
            TimelineEntry(
                when=session.held_on,
                who=who_did(session.pendamping),
                kind="session",
                title=f"Hadir di sesi: {session.get_kind_display()} ({session.hours:g} jam)",
                reason=f"Kec. {session.kecamatan.name}{', ' + session.venue if session.venue else ''}",
                url=session.get_absolute_url(),
            )
        )
    return entries


def _assessment_entries(business: Business) -> list[TimelineEntry]:
    entries = []
    for assessment in Assessment.objects.filter(enrolment__business=business).select_related("recorded_by"):
        held = len(assessment.indicators_held)
        entries.append(
            TimelineEntry(
                when=assessment.assessed_on,
                who=who_did(assessment.recorded_by),
                kind="assessment",
                title=assessment.get_kind_display(),
                reason=f"Kelas {assessment.size_class_label.lower()}, {held} indikator dimiliki",
                url=reverse("coaching:enrolment_detail", args=[assessment.enrolment_id]),
            )
        )
    return entries


def _event_entries(business: Business) -> list[TimelineEntry]:
    events = dict(Event.objects.filter(participants__business=business).values_list("id", "name"))
    outcomes = dict(EventParticipant.Outcome.choices)
    history = (
        EventParticipant.history.filter(business_id=business.pk)
        .select_related("history_user")
        .order_by("history_date")
    )
    return [
        TimelineEntry(
            when=record.outcome_on,
            who=who_did(record.history_user),
            kind="event",
            title=f"{events.get(record.event_id, 'Kegiatan fasilitasi')}: {outcomes[record.outcome]}",
            reason="",
            url=reverse("coaching:event_detail", args=[record.event_id]),
        )
        for record in history
    ]


def _membership_entries(business: Business) -> list[TimelineEntry]:
    memberships = Membership.objects.filter(business=business).select_related("association", "recorded_by")
    return [
        TimelineEntry(
            when=membership.joined_on,
            who=who_did(membership.recorded_by),
            kind="association",
            title=f"Bergabung dengan {membership.association.name}",
            reason="",
            url=membership.association.get_absolute_url(),
        )
        for membership in memberships
    ]


def sort_timeline(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Newest first; a dated entry (a session) sorts at the end of its day in Asia/Jakarta."""

    def key(numbered):
        position, entry = numbered
        when = entry.when
        if isinstance(when, datetime.datetime):
            when = timezone.localtime(when).replace(tzinfo=None)
        else:
            when = datetime.datetime.combine(when, datetime.time.max)
        # Entries of one source come oldest first, so on a tie the later one is the newer.
        return when, position

    return [entry for _, entry in sorted(enumerate(entries), key=key, reverse=True)]
