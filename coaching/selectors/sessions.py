"""Coaching sessions, their attendees and their history."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from registry.formatting import tanggal
from registry.models import Business, Desa, Kecamatan
from registry.selectors import TimelineEntry, changes_since, who_did

from ..models import Attendance, CoachingSession, Enrolment, Programme, Topic
from ..models.sessions import TOPIC_LIST

User = get_user_model()


def attendance_count(of: str):
    """How many attendances point at the outer row through `of` ("session", "enrolment"), 0 for none.

    A subquery on the indexed foreign key, not a join grouped by every column the list has joined.
    """
    attendances = Attendance.objects.filter(**{of: OuterRef("pk")}).order_by().values(of)
    return Coalesce(Subquery(attendances.annotate(n=Count("pk")).values("n")), 0, output_field=IntegerField())


def session_list() -> QuerySet[CoachingSession]:
    return (
        CoachingSession.objects.select_related("programme", "kecamatan", "desa", "pendamping")
        .prefetch_related(Prefetch("topics", to_attr=TOPIC_LIST))  # session.topic_names
        .annotate(attendee_count=attendance_count("session"))
        # Newest first, as people expect.
        .order_by("-held_on", "-id")
    )


def session_attendees(session: CoachingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related(
        "business__kecamatan", "business__desa", "enrolment__pendamping"
    ).order_by("business__name")


def session_attendee_choices(programme: Programme, coached_by=None) -> QuerySet[Enrolment]:
    """Cohort members who may be ticked as present: all of them, or those one pendamping coaches.

    Which applies to a person is coaching.permissions.coached_by(user).
    """
    enrolments = (
        programme.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("business__desa", "business__kecamatan")
        .order_by("business__kecamatan__name", "business__name")
    )
    if coached_by is not None:
        enrolments = enrolments.filter(pendamping=coached_by)
    return enrolments


def attendee_choice_of(choices: QuerySet[Enrolment], business_id: int | None) -> Enrolment | None:
    """The enrolment of one business among the choices, with its business; None if it is not one."""
    if business_id is None:
        return None
    return choices.filter(business_id=business_id).select_related("business").first()


def attendee_count(session: CoachingSession) -> int:
    return session.attendances.count()


def pendamping_sessions(pendamping) -> QuerySet[CoachingSession]:
    """The sessions a pendamping led, newest first."""
    return session_list().filter(pendamping=pendamping)


def kecamatan_sessions(programme: Programme, kecamatan) -> QuerySet[CoachingSession]:
    return session_list().filter(programme=programme, kecamatan=kecamatan)


def businesses_not_attending(session: CoachingSession) -> QuerySet[Business]:
    """Businesses that may still be added to the session's attendance: not present yet, not closed."""
    return Business.objects.exclude(attendances__session=session).exclude(status=Business.Status.CLOSED)


def session_changes_since(session: CoachingSession, version: int) -> list[TimelineEntry]:
    """What others saved to the session after the version a person loaded, oldest first, old → new."""
    named = session.history.filter(version__gte=version).values("pendamping_id", "recorded_by_id")
    users = {
        user.pk: who_did(user)
        for user in User.objects.filter(
            Q(pk__in=named.values("pendamping_id")) | Q(pk__in=named.values("recorded_by_id"))
        )
    }
    names = {
        "programme": dict(Programme.objects.values_list("id", "name")),
        "kecamatan": dict(Kecamatan.objects.values_list("id", "name")),
        "desa": dict(Desa.objects.values_list("id", "name")),
        "pendamping": users,
        "recorded_by": users,
    }
    topics = dict(Topic.objects.values_list("id", "name"))

    def show(field, value):
        if value in (None, "", []):
            return "—"
        if field.name == "topics":
            return ", ".join(topics.get(row["topic"], str(row["topic"])) for row in value)
        if field.name in names:
            return names[field.name].get(value, str(value))
        if field.name == "held_on":
            return tanggal(value)
        if field.name == "duration_minutes":
            return f"{value} menit"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return str(value)

    return changes_since(session, version, show=show)


def business_attendances(
    business: Business, programme: Programme | None = None
) -> tuple[list[Attendance], float]:
    """Every session the business attended (in one programme, if given), newest first, and its total hours."""
    attendances = business.attendances.select_related(
        "session__kecamatan", "session__programme", "session__pendamping"
    ).prefetch_related("session__topics")
    if programme is not None:
        attendances = attendances.filter(session__programme=programme)
    attendances = list(attendances.order_by("-session__held_on", "-session__id"))
    return attendances, sum(a.session.duration_minutes for a in attendances) / 60
