import pytest
from django.core.cache import cache
from django.test import Client

from registry.roles import ROLES
from umkm_blitar.api.services import api_token_create


@pytest.fixture
def api_keys(db):
    """A token of each role, by role name: the key as `create_api_token` printed it."""
    cache.clear()  # the throttle's counts
    return {role: api_token_create(name=f"Uji {role}", role=role)[1] for role in ROLES}


@pytest.fixture
def api_get(api_keys):
    """GET an API URL as a role's token (None: no Authorization header): api_get(url, "staf", page=2)."""

    def get(url, role=None, **params):
        headers = {"Authorization": f"Bearer {api_keys[role]}"} if role else {}
        return Client().get(url, params, headers=headers)

    return get
