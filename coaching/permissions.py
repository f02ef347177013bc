"""Object-level rights in coaching: which enrolments and sessions a person may act on.

What a role may do at all (view, add, change) is a Django permission checked by each view's decorator;
what sits here is the rule about *which* rows: staf record for every business, a pendamping only for
the businesses assigned to them. Views and services both ask here, so the rule lives in one place.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import CoachingSession, Enrolment
from .selectors import enrolment_list, session_list


def records_for_any_business(user) -> bool:
    """Staf and admin record sessions and assessments for every business of the cohort."""
    return user.has_perm("coaching.record_for_any_business")


def is_field_coach(user) -> bool:
    """A pendamping: records sessions, but only for the businesses assigned to them."""
    return user.has_perm("coaching.add_coachingsession") and not records_for_any_business(user)


def may_record_for(user, pendamping_id) -> bool:
    """Staf record for every business; a pendamping only for the businesses assigned to them."""
    return records_for_any_business(user) or (
        pendamping_id is not None
        and pendamping_id == user.pk
        and user.has_perm("coaching.add_coachingsession")
    )


def check_may_record_for(user, pendamping_id) -> None:
    if not may_record_for(user, pendamping_id):
        raise PermissionDenied


def may_edit_session(user, session: CoachingSession) -> bool:
    return user.has_perm("coaching.change_coachingsession") and may_record_for(user, session.pendamping_id)


def coached_by(user):
    """Whose businesses the person may tick as present: everyone's (None) for staf, their own otherwise."""
    return None if records_for_any_business(user) else user


def get_enrolment_for_user(user, pk, *, write: bool = False) -> Enrolment:
    """The enrolment (404 if none); for writing, only staf or the business's own pendamping get it."""
    enrolment = get_object_or_404(enrolment_list(), pk=pk)
    if write:
        check_may_record_for(user, enrolment.pendamping_id)
    return enrolment


def get_session_for_user(user, pk, *, write: bool = False) -> CoachingSession:
    """The session (404 if none); for writing, only staf or the session's own pendamping get it."""
    session = get_object_or_404(session_list(), pk=pk)
    if write:
        check_may_record_for(user, session.pendamping_id)
    return session
