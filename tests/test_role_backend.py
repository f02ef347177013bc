"""RoleBackend reads the same permissions as Django's ModelBackend, in one query, afresh each request."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from umkm_blitar.auth import RoleBackend

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staf", "pendamping", "pimpinan"]


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_the_permissions_modelbackend_gives_it_read_in_one_query(role):
    user = UserFactory(role=role)
    # A permission of the person's own beside the group's, and one in both.
    own = Permission.objects.get(codename="view_group")
    both = Permission.objects.filter(group__in=user.groups.all()).first() or own
    user.user_permissions.add(own, both)
    expected = fresh(user)
    model = ModelBackend()
    wanted = (
        model.get_user_permissions(expected),
        model.get_group_permissions(expected),
        model.get_all_permissions(expected),
    )

    checked = fresh(user)
    backend = RoleBackend()
    with CaptureQueriesContext(connection) as queries:
        everything = backend.get_all_permissions(checked)
        assert backend.has_perm(checked, "auth.view_group")
        assert not backend.has_perm(checked, "registry.no_such_permission")
        assert (backend.get_user_permissions(checked), backend.get_group_permissions(checked)) == wanted[:2]
    assert everything == wanted[2]
    # A superuser (the admin role) has every permission, listed as ModelBackend lists them.
    assert len(queries) == (2 if checked.is_superuser else 1)


def test_a_role_taken_away_counts_from_the_next_request():
    user = UserFactory(role="staf")
    assert fresh(user).has_perm("registry.add_business")
    user.groups.clear()
    assert not fresh(user).has_perm("registry.add_business")


def test_inactive_anonymous_and_object_permissions_are_none_and_superusers_have_all():
    from django.contrib.auth.models import AnonymousUser

    backend = RoleBackend()
    inactive = UserFactory(role="staf", is_active=False)
    assert backend.get_all_permissions(inactive) == set()
    assert backend.get_all_permissions(AnonymousUser()) == set()
    assert backend.get_all_permissions(fresh(UserFactory(role="staf")), obj=object()) == set()
    superuser = UserFactory(is_superuser=True)
    assert len(backend.get_all_permissions(superuser)) == Permission.objects.count()


def test_the_project_checks_permissions_with_it(client):
    from django.contrib.auth import get_backends

    assert isinstance(get_backends()[1], RoleBackend)
    assert Group.objects.filter(name="staf").exists()
