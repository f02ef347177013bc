"""Property tests: a Hypothesis profile for reproducible runs, and a small world to throw values at."""

import datetime
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from coaching import services as coaching_services
from coaching.models import (
    Assessment,
    Association,
    Attendance,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    Membership,
    Programme,
    Topic,
)
from registry.models import Business, Desa
from tests.factories import (
    AssessmentFactory,
    AssociationFactory,
    BudgetLineFactory,
    BusinessFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    EventFactory,
    ExpenditureFactory,
)

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


@dataclass
class World:
    programme: Programme
    business: Business  # enrolled, coached by the pendamping, a naik-kelas candidate
    other: Business  # enrolled without a pendamping, registered at the drive
    outsider: Business  # in no programme: the one to enrol, register or add
    enrolment: Enrolment
    other_enrolment: Enrolment
    verified: Enrolment  # verified naik kelas, member of the association
    session: CoachingSession
    event: Event
    participant: EventParticipant
    association: Association
    line: BudgetLine
    expenditure: Expenditure


@pytest.fixture
def world(users) -> World:
    staf, pendamping = users["staf"], users["pendamping"]
    programme = coaching_services.programme_create(
        user=staf,
        fields={
            "year": 2024,
            "name": "Pembinaan UMKM 2024",
            "budget_ceiling": 1_200_000_000,
            "naik_kelas_target": 170,
            "starts_on": datetime.date(2024, 1, 1),
            "ends_on": datetime.date(2024, 12, 31),
            "min_new_indicators": 2,
            "turnover_growth_percent": 20,
        },
        planned_sessions_total=88,
    )
    business = BusinessFactory(name="Keripik Tempe Bu Sri", owner_nik=NIK, nib=NIB, phone="081234567890")
    wonodadi = Desa.objects.get(code=WONODADI)
    other = BusinessFactory(name="Kopi Bubuk Wonodadi", desa=wonodadi, kecamatan=wonodadi.kecamatan)
    outsider = BusinessFactory(name="Batik Tulis Sanankulon")
    enrolment = EnrolmentFactory(programme=programme, business=business, pendamping=pendamping)
    AssessmentFactory(enrolment=enrolment, recorded_by=pendamping)
    AssessmentFactory(
        enrolment=enrolment,
        recorded_by=pendamping,
        kind=Assessment.Kind.FOLLOW_UP,
        assessed_on=datetime.date(2024, 6, 1),
        has_nib=True,
        sells_online=True,
    )
    other_enrolment = EnrolmentFactory(programme=programme, business=other)
    verified = EnrolmentFactory(
        programme=programme,
        business__name="Gerabah Naik Kelas",
        status=Enrolment.Status.NAIK_KELAS,
        verified_on=datetime.date(2024, 8, 1),
        verified_by=staf,
        pendamping=pendamping,
    )
    session = CoachingSessionFactory(
        programme=programme,
        pendamping=pendamping,
        recorded_by=pendamping,
        desa=business.desa,
        venue="Balai Desa Karanggayam",
        topics=list(Topic.objects.all()[:2]),
    )
    Attendance.objects.create(session=session, business=business, enrolment=enrolment, recorded_by=pendamping)
    event = EventFactory(programme=programme)
    participant = EventParticipant.objects.create(event=event, business=other, outcome_on=event.held_on)
    association = AssociationFactory()
    Membership.objects.create(
        association=association,
        business=verified.business,
        joined_on=datetime.date(2024, 9, 1),
        recorded_by=staf,
    )
    line = BudgetLineFactory(programme=programme, name="Konsumsi kelas kelompok")
    expenditure = ExpenditureFactory(budget_line=line, session=session, recorded_by=staf)
    return World(
        programme,
        business,
        other,
        outsider,
        enrolment,
        other_enrolment,
        verified,
        session,
        event,
        participant,
        association,
        line,
        expenditure,
    )


@pytest.fixture
def logged_in(users):
    """A client for a role that raises the view's exception instead of answering 500."""

    def make(role):
        client = Client(raise_request_exception=True)
        if role:
            client.force_login(users[role])
        return client

    return make
