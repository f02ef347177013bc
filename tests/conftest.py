import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.world import build_world

ROLES = ["admin", "staf", "pendamping", "pimpinan"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply; the real hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user_with_role(role: str, first_name: str):
    return UserFactory(username=f"{role}-uji", first_name=first_name, role=role)


@pytest.fixture
def admin_user(db):
    return _user_with_role("admin", "Admin")


@pytest.fixture
def staf(db):
    return _user_with_role("staf", "Siti")


@pytest.fixture
def pendamping(db):
    return _user_with_role("pendamping", "Bagus")


@pytest.fixture
def pimpinan(db):
    return _user_with_role("pimpinan", "Kepala")


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
