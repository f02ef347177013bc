import os
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client

from tests.world import build_world, user_with_role

ROLES = ["admin", "staf", "pendamping", "pimpinan"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply; the real hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _runs_transactional_tests(module) -> bool:
    return any(
        item.path == module.path and (marker := item.get_closest_marker("django_db")) is not None
        and marker.kwargs.get("transaction")
        for item in module.session.items
    )  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _migrated_rows_back_after_transactional_tests(request, django_db_blocker):
    """Load the migrations' rows back after a module of transactional tests, for the tests after it.

    A transactional test with serialized_rollback leaves every table empty when it ends, content types
    included; the rows come back only at the start of the next test that asks for them. Run alone,
    pytest-django puts those tests last; on a pytest-xdist worker a whole file runs at once, so a
    database test of the next file may follow. Content types are there in any other state (made by
    migrate, or by the flush after a test without serialized_rollback), where loading the rows would
    clash with them.
    """
    yield
    if not _runs_transactional_tests(request.node):
        return
    serialized = getattr(connection, "_test_serialized_contents", None)
    with django_db_blocker.unblock():
        if serialized and not ContentType.objects.exists():
            connection.creation.deserialize_db_from_string(serialized)


@pytest.fixture
def admin_user(db):
    return user_with_role("admin")


@pytest.fixture
def staf(db):
    return user_with_role("staf")


@pytest.fixture
def pendamping(db):
    return user_with_role("pendamping")


@pytest.fixture
def pimpinan(db):
    return user_with_role("pimpinan")


@pytest.fixture
def users(admin_user, staf, pendamping, pimpinan):
    """One user per role, by role name."""
    return {"admin": admin_user, "staf": staf, "pendamping": pendamping, "pimpinan": pimpinan}


@pytest.fixture
def client_for(users):
    """A logged-in test client for a role: client_for('staf')."""

    def make(role):
        client = Client()
        client.force_login(users[role])
        return client

    return make


@pytest.fixture
def new_world(users):
    """The world builder of tests/world.py with a user of each role: new_world(), new_world(year=2025)."""

    def make(**options):
        return build_world(users, **options)

    return make


SOFFICE = Path("/usr/bin/soffice")


@pytest.fixture
def soffice():
    """LibreOffice's soffice; CI must fail, never skip, without it (as with Chromium)."""
    if not SOFFICE.exists():
        hint = f"This test needs LibreOffice Calc at {SOFFICE}: apt-get install -y libreoffice-calc."
        if os.environ.get("REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(f"{hint} This run requires it (REQUIRE_BROWSER/CI is set).")
        pytest.skip(hint)
    return SOFFICE
