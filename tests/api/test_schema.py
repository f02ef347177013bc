"""The API against its own OpenAPI description: schemathesis calls every endpoint with generated
parameters (a modest, fixed number of examples, derandomised) and finds no 5xx, no undocumented
status or content type, and no response that breaks the schema."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from umkm_blitar.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 15


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Calls through the WSGI application without closing the test's database connection at each
    request's start and end, as Django's own test client does (close_old_connections)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_world(db, new_world, pendamping, settings, wsgi_keeps_the_test_connection):
    """Rows for the generated ids to find now and then, and a throttle that lets the examples through."""
    settings.API_THROTTLE_RATE = "100000/hour"
    world = new_world()
    enrolment = world.enrol(business__owner_nik="3505034105900001", pendamping=pendamping)
    world.hold_session(attendees=[enrolment], recorded_by=pendamping)
    world.spend(world.budget_line(), recorded_by=pendamping)
    return world


# The description as /api/v1/openapi.json serves it (a test below checks they are the same), made
# without a request or the database, so the operations are known when the tests are collected.
DESCRIPTION = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(DESCRIPTION)
schema.app = application


def test_the_served_description_is_the_one_tested(api_keys, api_get):
    response = api_get("/api/v1/openapi.json", "pimpinan")
    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(json.dumps(DESCRIPTION, default=str))
    assert set(DESCRIPTION["paths"]) == {
        "/api/v1/registri/agregat/",
        "/api/v1/usaha/",
        "/api/v1/usaha/{id}/",
        "/api/v1/program/",
        "/api/v1/program/{id}/",
        "/api/v1/program/{id}/realisasi/",
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_endpoint_keeps_to_its_openapi_description(case, api_world, api_keys):
    response = case.call_and_validate(headers={"Authorization": f"Bearer {api_keys['staf']}"}, checks=CHECKS)
    # staf's token reads every endpoint and is never slowed: only bad input, an absent row, or a method
    # other than GET (schemathesis tries those too) is refused; a negative case may also leave the
    # token out, and then it is the 401.
    negative = case.meta is not None and case.meta.generation.mode.value == "negative"
    allowed = {200, 400, 404, 405} | ({401} if negative else set())
    assert response.status_code in allowed, (response.status_code, response.content[:200])


@pytest.mark.parametrize("role", ["admin", "staf", "pendamping", "pimpinan"])
@pytest.mark.parametrize(
    "path", ["/api/v1/usaha/{id}/", "/api/v1/program/{id}/", "/api/v1/program/{id}/realisasi/"]
)
def test_the_rows_of_the_world_keep_to_the_description_for_every_role(api_world, api_keys, path, role):
    """Generated ids seldom find a row: these calls read rows that exist, so a 200 is checked as well."""
    pk = api_world.programme.pk if "program" in path else api_world.programme.enrolments.get().business_id
    case = schema[path]["GET"].Case(path_parameters={"id": pk})

    response = case.call_and_validate(headers={"Authorization": f"Bearer {api_keys[role]}"}, checks=CHECKS)

    assert response.status_code == (403 if role == "pendamping" and path.endswith("realisasi/") else 200)
