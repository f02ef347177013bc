"""The counts the cohort and session lists show (read in subqueries) equal a fresh count of the rows."""

import datetime

import pytest
from django.db.models import Max

from coaching import selectors
from coaching.models import Attendance, Topic
from tests.factories import CoachingSessionFactory, EnrolmentFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended():
    """Three enrolments attending 0, 1 and 3 of four sessions (one with a guest), one session unattended."""
    programme = ProgrammeFactory()
    recorder = UserFactory()
    enrolments = [EnrolmentFactory(programme=programme) for _ in range(3)]
    guest = EnrolmentFactory()  # of another programme: attends as a guest, counted for the session only
    sessions = [
        CoachingSessionFactory(programme=programme, held_on=datetime.date(2024, 3, day))
        for day in (5, 9, 20, 27)
    ]
    present = {
        sessions[0]: enrolments[1:] + [guest],
        sessions[1]: enrolments[2:],
        sessions[2]: enrolments[2:],
    }
    for session, who in present.items():
        for enrolment in who:
            Attendance.objects.create(
                session=session,
                business=enrolment.business,
                enrolment=enrolment if enrolment.programme_id == programme.pk else None,
                recorded_by=recorder,
            )
    return programme, enrolments, sessions


def test_sessions_attended_and_the_last_session_equal_a_fresh_count(attended):
    programme, enrolments, _ = attended
    listed = {e.pk: e for e in selectors.with_last_session(selectors.cohort(programme))}
    assert [listed[e.pk].sessions_attended for e in enrolments] == [0, 1, 3]
    for enrolment in enrolments:
        fresh = enrolment.attendances.aggregate(n=Max("session__held_on"))["n"]
        assert listed[enrolment.pk].sessions_attended == enrolment.attendances.count()
        assert listed[enrolment.pk].last_session_on == fresh
    assert listed[enrolments[2].pk].last_session_on == datetime.date(2024, 3, 20)


def test_attendee_counts_equal_a_fresh_count(attended):
    _, _, sessions = attended
    listed = {s.pk: s for s in selectors.session_list().filter(pk__in=[s.pk for s in sessions])}
    assert [listed[s.pk].attendee_count for s in sessions] == [3, 1, 1, 0]
    assert all(listed[s.pk].attendee_count == s.attendances.count() for s in sessions)


def test_topic_names_come_from_the_list_read_with_the_sessions(attended, django_assert_num_queries):
    _, _, sessions = attended
    sessions[0].topics.set(Topic.objects.order_by("order")[:2])
    with django_assert_num_queries(2):  # the sessions, then every session's topics at once
        names = {
            s.pk: s.topic_names for s in selectors.session_list().filter(pk__in=[s.pk for s in sessions])
        }
    assert names[sessions[0].pk] == ", ".join(t.name for t in sessions[0].topics.all())
    assert names[sessions[1].pk] == ""
