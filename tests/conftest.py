import pytest
from django.test import Client

from tests.factories import UserFactory

ROLES = ["admin", "staf", "pendamping", "pimpinan"]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-uji", first_name="Admin", role="admin")


@pytest.fixture
def staf(db):
    return UserFactory(username="staf-uji", first_name="Siti", role="staf")


@pytest.fixture
def pendamping(db):
    return UserFactory(username="pendamping-uji", first_name="Bagus", role="pendamping")


@pytest.fixture
def pimpinan(db):
    return UserFactory(username="pimpinan-uji", first_name="Kepala", role="pimpinan")


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
