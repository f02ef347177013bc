import datetime

import pytest

from coaching.models import Assessment
from tests.factories import AssessmentFactory, ProgrammeFactory, UserFactory


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def other_pendamping(db):
    """A second field coach, to check that one pendamping cannot record for another's businesses."""
    return UserFactory(username="pendamping-lain", first_name="Dewi", role="pendamping")


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def make_candidate(staf):
    """Give an enrolment a baseline and a follow-up with two new indicators: a naik-kelas candidate."""

    def make(enrolment, **follow_up):
        AssessmentFactory(enrolment=enrolment, recorded_by=staf)
        fields = {"has_nib": True, "sells_online": True, **follow_up}
        return AssessmentFactory(
            enrolment=enrolment,
            recorded_by=staf,
            kind=Assessment.Kind.FOLLOW_UP,
            assessed_on=datetime.date(2024, 6, 1),
            **fields,
        )

    return make
