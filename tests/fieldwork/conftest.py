"""A programme running today, a pendamping's cohort, a session of last week and a drive today."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from coaching.models import Topic
from tests.factories import BusinessFactory, UserFactory


def nik(number: int) -> str:
    """A well-formed NIK of Kabupaten Blitar, different for every number below 10.000."""
    return f"350503{1 + number % 28:02d}0590{number:04d}"


def walk_in(uuid, event, number: int, *, device_time=None, **data) -> dict:
    """A walk-in record as the phone sends it."""
    return {
        "uuid": str(uuid),
        "kind": "pendaftaran",
        "device_time": (device_time or timezone.now()).isoformat(),
        "data": {
            "event": event.pk,
            "name": f"Warung Pondok {number}",
            "owner_name": f"Pemilik {number}",
            "owner_nik": nik(number),
            "phone": "0812 3456 7890",
            "kecamatan": event.kecamatan_id,
            "desa": event.desa_id,
            "sector": data.pop("sector"),
            "purpose": "Mengurus NIB",
            **data,
        },
    }


@dataclass
class Field:
    programme: object
    own: list  # the pendamping's enrolments
    other: object  # an enrolment of another pendamping
    session: object  # the pendamping's session of last week
    drive: object  # an NIB drive today in Karanggayam
    topic: object
    users: dict


@pytest.fixture
def field(new_world, users):
    today = timezone.localdate()
    world = new_world(
        year=today.year,
        name=f"Pembinaan UMKM {today.year}",
        starts_on=datetime.date(today.year, 1, 1),
        ends_on=datetime.date(today.year, 12, 31),
    )
    other_coach = UserFactory(username="pendamping-lain", first_name="Rina", role="pendamping")
    own = [
        world.enrol(
            business=BusinessFactory(name=name, owner_nik=nik(9000 + i)),
            pendamping=users["pendamping"],
            enrolled_on=datetime.date(today.year, 1, 2),
        )
        for i, name in enumerate(["Keripik Tempe Bu Sri", "Sambal Pecel Mbak Ani"])
    ]
    other = world.enrol(
        business=BusinessFactory(name="Batik Tulis Pak Eko"),
        pendamping=other_coach,
        enrolled_on=datetime.date(today.year, 1, 2),
    )
    topic = Topic.objects.get(slug="digital")
    session = world.hold_session(
        recorded_by=users["pendamping"],
        pendamping=users["pendamping"],
        held_on=today - datetime.timedelta(days=3),
        topics=[topic],
        attendees=[own[0]],
    )
    drive = world.hold_drive(held_on=today)
    return Field(world.programme, own, other, session, drive, topic, users)
