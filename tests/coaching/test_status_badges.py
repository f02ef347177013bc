"""The status badge of cohort lists reads the kept verdict and a baseline flag: what the rule says."""

import datetime

import pytest
from django.urls import reverse

from coaching import selectors
from coaching.models import Assessment, Enrolment
from tests.factories import AssessmentFactory, BusinessFactory, EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def badge_of(enrolment) -> str:
    """What coaching/_enrolment_status.html says, from the rule run afresh (with_verdicts)."""
    if enrolment.status == Enrolment.Status.NAIK_KELAS:
        return "Naik kelas"
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return "Mundur"
    if enrolment.verdict.is_candidate:
        return "Kandidat"
    return "Belum dinilai" if enrolment.baseline is None else "Dibina"


@pytest.fixture
def cohort(staf):
    programme = ProgrammeFactory()
    fresh = EnrolmentFactory(programme=programme, business=BusinessFactory(name="A Belum"))
    coached = EnrolmentFactory(programme=programme, business=BusinessFactory(name="B Dibina"))
    AssessmentFactory(enrolment=coached, turnover=100_000_000)
    grown = EnrolmentFactory(programme=programme, business=BusinessFactory(name="C Kandidat"))
    AssessmentFactory(enrolment=grown, turnover=100_000_000, has_nib=False)
    # Turnover up 25 % and a NIB: a candidate.
    AssessmentFactory(
        enrolment=grown,
        kind=Assessment.Kind.FOLLOW_UP,
        assessed_on=datetime.date(2024, 9, 1),
        turnover=125_000_000,
        has_nib=True,
    )
    withdrawn = EnrolmentFactory(
        programme=programme, business=BusinessFactory(name="D Mundur"), status="mundur"
    )
    return programme, [fresh, coached, grown, withdrawn]


def test_badges_equal_the_rule_run_afresh_on_every_list(cohort, client_for):
    programme, _ = cohort
    expected = {e.pk: badge_of(e) for e in selectors.with_verdicts(selectors.cohort(programme))}
    assert sorted(expected.values()) == ["Belum dinilai", "Dibina", "Kandidat", "Mundur"]

    page = client_for("pimpinan").get(reverse("coaching:cohort", args=[programme.pk])).content.decode()
    for enrolment in selectors.cohort(programme):
        row = page[page.index(enrolment.business.name) :]
        row = row[: row.index("</tr>")]
        assert expected[enrolment.pk] in row, (enrolment.business.name, row)


def test_has_baseline_is_read_from_the_annotation_the_assessments_read_or_the_database(
    cohort, django_assert_num_queries
):
    programme, (fresh, coached, *_) = cohort
    annotated = {e.pk: e for e in selectors.for_status_badges(selectors.cohort(programme))}
    read = {e.pk: e for e in selectors.with_verdicts(selectors.cohort(programme))}
    with django_assert_num_queries(0):
        assert (annotated[fresh.pk].has_baseline, annotated[coached.pk].has_baseline) == (False, True)
        assert (read[fresh.pk].has_baseline, read[coached.pk].has_baseline) == (False, True)
    with django_assert_num_queries(2):
        assert not Enrolment.objects.get(pk=fresh.pk).has_baseline
    with django_assert_num_queries(2):
        assert Enrolment.objects.get(pk=coached.pk).has_baseline
