"""What a person takes into the field: the bundle /luring/ stores on the phone, and the staf review list."""

import datetime

from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils import timezone

from coaching.indicators import INDICATORS
from coaching.models import Attendance, CoachingSession, Enrolment, Event, Programme, Topic
from coaching.permissions import records_for_any_business
from coaching.selectors import programme_current
from registry.formatting import mask_nik
from registry.models import Desa, Kecamatan, Sector
from registry.permissions import may_see_nik
from registry.selectors import who_did

from .models import OfflineRecord

RECENT_SESSIONS_DAYS = 14  # attendance may still be added to a session of the last two weeks
RECENT_DRIVES_DAYS = 7  # a drive that began this week may still take walk-ins


def field_bundle(user) -> dict:
    """Everything the person needs offline, and only what they may see (NIK masked unless allowed)."""
    today = timezone.localdate()
    programme = programme_current()
    whole_nik = may_see_nik(user)
    bundle = {
        "fetched_at": timezone.now().isoformat(),
        "user": {"username": user.username, "name": who_did(user)},
        "programme": _programme(programme),
        "businesses": [],
        "sessions": [],
        "events": [],
        "topics": list(Topic.objects.values("id", "name")),
        "kecamatan": list(Kecamatan.objects.values("id", "name")),
        "desa": list(Desa.objects.values("id", "name", "kecamatan_id").order_by("name")),
        "sectors": list(Sector.objects.values("id", "name")),
        "session_kinds": [{"id": code, "name": label} for code, label in CoachingSession.Kind.choices],
        "indicators": [{"id": name, "name": label} for name, label in INDICATORS.items()],
    }
    if programme is not None:
        bundle["businesses"] = [_business(e, whole_nik) for e in _assigned(user, programme)]
        bundle["sessions"] = [_session(s) for s in _recent_sessions(user, programme, today)]
        bundle["events"] = [_event(e) for e in _drives(programme, today)]
    return bundle


def _programme(programme: Programme | None) -> dict | None:
    if programme is None:
        return None
    return {
        "id": programme.pk,
        "name": programme.name,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
    }


def _assigned(user, programme: Programme) -> QuerySet[Enrolment]:
    """A pendamping's own cohort members; for staf (who record for every business) the whole cohort."""
    enrolments = (
        Enrolment.objects.filter(programme=programme)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("business__desa", "business__kecamatan", "business__sector")
        .annotate(latest_assessment=Max("assessments__id"), assessment_count=Count("assessments"))
        .order_by("business__name", "pk")
    )
    if not records_for_any_business(user):
        enrolments = enrolments.filter(pendamping=user)
    return enrolments


def _business(enrolment: Enrolment, whole_nik: bool) -> dict:
    business = enrolment.business
    nik = business.owner_nik if whole_nik else (mask_nik(business.owner_nik) if business.owner_nik else "")
    return {
        "id": business.pk,
        "enrolment": enrolment.pk,
        "name": business.name,
        "owner_name": business.owner_name,
        "owner_nik": nik or "",
        "kecamatan": business.kecamatan_id,
        "kecamatan_name": business.kecamatan.name,
        "desa": business.desa_id,
        "desa_name": business.desa.name,
        "sector": business.sector.name,
        "turnover": business.turnover,
        "capital": business.capital,
        "employees": business.employees,
        "latest_assessment": enrolment.latest_assessment,
        "assessment_count": enrolment.assessment_count,
    }


def _recent_sessions(user, programme: Programme, today: datetime.date) -> QuerySet[CoachingSession]:
    sessions = (
        CoachingSession.objects.filter(
            programme=programme, held_on__gte=today - datetime.timedelta(days=RECENT_SESSIONS_DAYS)
        )
        .select_related("kecamatan", "desa")
        .prefetch_related(
            "topics", Prefetch("attendances", queryset=Attendance.objects.only("session_id", "business_id"))
        )
        .order_by("-held_on", "-pk")
    )
    if not records_for_any_business(user):
        sessions = sessions.filter(pendamping=user)
    return sessions


def _session(session: CoachingSession) -> dict:
    return {
        "id": session.pk,
        "version": session.version,
        "label": str(session),
        "held_on": session.held_on.isoformat(),
        "kind": session.kind,
        "kecamatan": session.kecamatan_id,
        "desa": session.desa_id,
        "venue": session.venue,
        "topics": [topic.pk for topic in session.topics.all()],
        "attendees": [attendance.business_id for attendance in session.attendances.all()],
    }


def _drives(programme: Programme, today: datetime.date) -> QuerySet[Event]:
    return (
        Event.objects.filter(
            programme=programme, held_on__gte=today - datetime.timedelta(days=RECENT_DRIVES_DAYS)
        )
        .select_related("kecamatan", "desa")
        .order_by("held_on", "pk")
    )


def _event(event: Event) -> dict:
    return {
        "id": event.pk,
        "name": event.name,
        "kind": event.get_kind_display(),
        "held_on": event.held_on.isoformat(),
        "kecamatan": event.kecamatan_id,
        "desa": event.desa_id,
        "venue": event.venue,
    }


def records_to_review() -> QuerySet[OfflineRecord]:
    """Walk-ins matched to a business already in the registry, waiting for staf, oldest first."""
    return (
        OfflineRecord.objects.filter(status=OfflineRecord.Status.MATCHED)
        .select_related("sent_by", "event", "business__desa", "business__kecamatan")
        .order_by("received_at", "pk")
    )
