"""Hostile records at the sync endpoint (/luring/kirim/): never a 500, never a half-saved row.

A phone's record is JSON, not a form: any field may hold any JSON value (a string, a number, a list, a
value of the wrong kind). Each record of each kind is sent with one to four of its fields (or of its
envelope) replaced by hostile values. The property: an answer per record; a refused record leaves the
database as it was; an accepted one wrote only whole rows (full_clean passes, history holds them).
"""

import json
import uuid

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.models import Topic
from fieldwork.models import OfflineRecord
from registry.models import Sector

from .support import assert_written_rows_are_whole, changes_since, hostile_values, rolled_back, snapshot

pytestmark = pytest.mark.django_db
EXAMPLES = 40  # per kind of record

json_values = st.one_of(
    hostile_values, st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), st.none()
)


def walk_in(world) -> dict:
    event = world.event
    return {
        "event": event.pk,
        "name": "Warung Pondok Baru",
        "owner_name": "Siti Nahdiyah",
        "owner_nik": "3505035507880003",
        "nib": "",
        "phone": "081234567890",
        "kecamatan": event.kecamatan_id,
        "desa": event.desa_id,
        "sector": Sector.objects.get(slug="makanan").pk,
        "purpose": "Mengurus NIB",
    }


def new_session(world) -> dict:
    return {
        "programme": world.programme.pk,
        "held_on": "2024-06-03",
        "kind": "kelas",
        "duration_minutes": 120,
        "kecamatan": world.session.kecamatan_id,
        "desa": world.session.desa_id,
        "venue": "Balai desa",
        "notes": "",
        "topics": [Topic.objects.order_by("pk").first().pk],
        "attendees": [world.business.pk],
    }


def known_session(world) -> dict:
    return {"session": world.session.pk, "version": world.session.version, "attendees": [world.business.pk]}


def assessment(world) -> dict:
    return {
        "enrolment": world.enrolment.pk,
        "assessed_on": "2024-07-01",
        "turnover": "150000000",
        "capital": "30000000",
        "employees": "3",
        "has_nib": True,
        "notes": "",
        "latest_assessment": world.enrolment.assessments.order_by("pk").last().pk,
    }


KINDS = [("pendaftaran", walk_in), ("sesi", new_session), ("sesi", known_session), ("penilaian", assessment)]


@pytest.mark.parametrize(
    ("kind", "base"), KINDS, ids=["walk-in", "new-session", "known-session", "assessment"]
)
def test_hostile_records_are_answered_one_by_one_and_never_half_saved(kind, base, world, logged_in):
    client = logged_in("pendamping")
    fields = base(world)
    url = reverse("fieldwork:sync")

    def send(record):
        response = client.post(url, json.dumps({"records": [record]}), content_type="application/json")
        assert response.status_code == 200, response.content
        (answer,) = response.json()["results"]
        return answer

    def envelope(data):
        return {
            "uuid": str(uuid.uuid4()),
            "kind": kind,
            "device_time": "2024-07-01T09:00:00+07:00",
            "data": data,
        }

    with rolled_back():
        assert send(envelope(fields))["status"] in ("diterima", "cocok"), "the record as the phone makes it"
    before = snapshot()

    @settings(max_examples=EXAMPLES)
    @given(data=st.data())
    def run(data):
        record = envelope(dict(fields))
        names = data.draw(
            st.lists(
                st.sampled_from([*sorted(fields), "uuid", "kind", "device_time"]), min_size=1, max_size=4
            )
        )
        for name in names:
            value = data.draw(json_values)
            (record if name in ("uuid", "kind", "device_time") else record["data"])[name] = value
        with rolled_back():
            answer = send(record)
            changes = changes_since(before)
            if answer["status"] == "ditolak":
                assert not changes, f"{answer['message']}: {changes.describe()}"
                assert not OfflineRecord.objects.exists()
                assert answer["message"]
            else:
                assert answer["status"] in ("diterima", "cocok"), answer
                assert_written_rows_are_whole(changes)

    run()
