"""The object-level rights of coaching.permissions and registry.permissions, role by role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coaching import permissions
from registry import permissions as registry_permissions
from tests.factories import BusinessFactory, CoachingSessionFactory, EnrolmentFactory, UserFactory

ROLES = ["admin", "staf", "pendamping", "pimpinan"]
# Who may write to a business coached by the `pendamping` fixture, to one coached by another, and to
# one nobody coaches yet: staf and admin for every business, a pendamping only for their own.
MAY_WRITE = {
    "admin": {"own": True, "other": True, "none": True},
    "staf": {"own": True, "other": True, "none": True},
    "pendamping": {"own": True, "other": False, "none": False},
    "pimpinan": {"own": False, "other": False, "none": False},
}


@pytest.fixture
def coaches(pendamping, other_pendamping):
    return {"own": pendamping, "other": other_pendamping, "none": None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("whose", ["own", "other", "none"])
def test_who_may_record_for_a_business_follows_its_pendamping(users, coaches, role, whose):
    coach = coaches[whose]

    allowed = permissions.may_record_for(users[role], coach.pk if coach else None)

    assert allowed is MAY_WRITE[role][whose]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("whose", ["own", "other", "none"])
def test_an_enrolment_is_read_by_every_role_and_written_only_by_those_who_may_record(
    users, coaches, programme, role, whose
):
    enrolment = EnrolmentFactory(programme=programme, pendamping=coaches[whose])
    user = users[role]

    assert permissions.get_enrolment_for_user(user, enrolment.pk) == enrolment
    if MAY_WRITE[role][whose]:
        fetched = permissions.get_enrolment_for_user(user, enrolment.pk, write=True)
        assert fetched == enrolment
        assert fetched.business.kecamatan.name == "Srengat"  # fetched with its place
    else:
        with pytest.raises(PermissionDenied):
            permissions.get_enrolment_for_user(user, enrolment.pk, write=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("whose", ["own", "other", "none"])
def test_a_session_is_read_by_every_role_and_written_only_by_those_who_may_record(
    users, coaches, programme, staf, role, whose
):
    session = CoachingSessionFactory(programme=programme, pendamping=coaches[whose], recorded_by=staf)
    user = users[role]

    assert permissions.get_session_for_user(user, session.pk) == session
    if MAY_WRITE[role][whose]:
        assert permissions.get_session_for_user(user, session.pk, write=True) == session
    else:
        with pytest.raises(PermissionDenied):
            permissions.get_session_for_user(user, session.pk, write=True)


def test_a_missing_enrolment_or_session_is_not_found_whoever_asks(staf):
    with pytest.raises(Http404):
        permissions.get_enrolment_for_user(staf, 999_999)
    with pytest.raises(Http404):
        permissions.get_session_for_user(staf, 999_999, write=True)


@pytest.mark.parametrize(
    ("role", "may_edit"), [("admin", True), ("staf", True), ("pendamping", True), ("pimpinan", False)]
)
def test_a_session_is_edited_by_staf_and_its_own_pendamping_only(
    users, pendamping, other_pendamping, programme, staf, role, may_edit
):
    own = CoachingSessionFactory(programme=programme, pendamping=pendamping, recorded_by=staf)
    others = CoachingSessionFactory(programme=programme, pendamping=other_pendamping, recorded_by=staf)

    assert permissions.may_edit_session(users[role], own) is may_edit
    assert permissions.may_edit_session(users[role], others) is (role in ("admin", "staf"))


@pytest.mark.parametrize(
    ("role", "field_coach", "for_anyone"),
    [("admin", False, True), ("staf", False, True), ("pendamping", True, False), ("pimpinan", False, False)],
)
def test_only_a_pendamping_is_limited_to_the_businesses_assigned_to_them(
    users, role, field_coach, for_anyone
):
    user = users[role]

    assert permissions.is_field_coach(user) is field_coach
    assert permissions.records_for_any_business(user) is for_anyone
    assert permissions.coached_by(user) == (None if for_anyone else user)


@pytest.mark.parametrize(
    ("role", "sees_nik"), [("admin", True), ("staf", True), ("pendamping", False), ("pimpinan", False)]
)
def test_only_admin_and_staf_see_an_owners_nik_whole(users, role, sees_nik):
    assert registry_permissions.may_see_nik(users[role]) is sees_nik


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_read_any_business(users, role):
    business = BusinessFactory()

    assert registry_permissions.get_business_for_user(users[role], business.pk) == business


def test_a_user_without_a_role_may_not_read_a_business(db):
    business = BusinessFactory()

    with pytest.raises(PermissionDenied):
        registry_permissions.get_business_for_user(UserFactory(), business.pk)
    with pytest.raises(Http404):
        registry_permissions.get_business_for_user(UserFactory(role="staf"), 999_999)
