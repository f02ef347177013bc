"""Property tests: a Hypothesis profile for reproducible runs, and a small world to throw values at."""

import datetime
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from coaching.models import Enrolment, Topic
from registry.models import Desa
from tests.factories import BusinessFactory
from tests.world import World

# Hypothesis keeps nothing in the repository (no .hypothesis directory, no example database), and draws
# the same examples on every run so a CI failure can be replayed.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "umkm-blitar-hypothesis")
settings.register_profile(
    "properties",
    database=None,
    derandomize=True,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.load_profile("properties")

WONODADI = "35.05.01.2001"
NIK = "3505034105900001"
NIB = "9120001234567"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads (imports, evidence) go to a temporary folder; imports run in the test's own process."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(new_world, users) -> World:
    """The 2024 programme as staf make it, a small cohort, a session, a drive, an association, spending.

    Named: business (enrolled, coached by the pendamping, a naik-kelas candidate), other (enrolled
    without a pendamping, registered at the drive), outsider (in no programme: the one to enrol, register
    or add), enrolment, other_enrolment, verified (verified naik kelas, member of the association),
    session, event, participant, association, line, sub_activity, expenditure.
    """
    staf, pendamping = users["staf"], users["pendamping"]
    world = new_world(planned_sessions_total=88, min_new_indicators=2, turnover_growth_percent=20)
    business = BusinessFactory(name="Keripik Tempe Bu Sri", owner_nik=NIK, nib=NIB, phone="081234567890")
    wonodadi = Desa.objects.get(code=WONODADI)
    other = BusinessFactory(name="Kopi Bubuk Wonodadi", desa=wonodadi, kecamatan=wonodadi.kecamatan)
    outsider = BusinessFactory(name="Batik Tulis Sanankulon")
    enrolment = world.enrol(business, pendamping=pendamping)
    world.assess(enrolment, pendamping)
    world.assess(enrolment, pendamping, follow_up=True, has_nib=True, sells_online=True)
    other_enrolment = world.enrol(other)
    verified = world.enrol(
        business__name="Gerabah Naik Kelas",
        status=Enrolment.Status.NAIK_KELAS,
        verified_on=datetime.date(2024, 8, 1),
        verified_by=staf,
        pendamping=pendamping,
    )
    session = world.hold_session(
        pendamping=pendamping,
        recorded_by=pendamping,
        desa=business.desa,
        venue="Balai Desa Karanggayam",
        topics=list(Topic.objects.all()[:2]),
        attendees=[enrolment],
    )
    event = world.hold_drive()
    participant = world.register(event, other, outcome_on=event.held_on)
    association = world.found_association(
        members=[verified.business], joined_on=datetime.date(2024, 9, 1), recorded_by=staf
    )
    sub_activity = world.add_sub_activity()
    line = world.budget_line(
        name="Konsumsi kelas kelompok", sub_activity=sub_activity, account_code="5.1.02.01.01.0052"
    )
    expenditure = world.spend(line, session=session, recorded_by=staf)
    world.name(
        business=business,
        other=other,
        outsider=outsider,
        enrolment=enrolment,
        other_enrolment=other_enrolment,
        verified=verified,
        session=session,
        event=event,
        participant=participant,
        association=association,
        line=line,
        sub_activity=sub_activity,
        expenditure=expenditure,
    )
    return world


@pytest.fixture
def logged_in(users):
    """A client for a role that raises the view's exception instead of answering 500."""

    def make(role):
        client = Client(raise_request_exception=True)
        if role:
            client.force_login(users[role])
        return client

    return make
