"""The naik-kelas verdict kept on each enrolment always equals a fresh run of the rule.

Hypothesis draws sequences of what changes the verdict — assessments recorded, the programme's rule
settings changed, a business withdrawn — applies them through the services, and then compares every
enrolment's stored verdict with coaching.rules run afresh on its assessments.
"""

import datetime

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching import selectors, services
from coaching.indicators import INDICATORS
from coaching.models import Enrolment
from tests.factories import EnrolmentFactory, ProgrammeFactory

from .support import rolled_back

START = datetime.date(2024, 1, 15)
# Around the PP 7/2021 thresholds, so the size class rises, falls and stays put.
TURNOVERS = [None, 0, 100_000_000, 1_900_000_000, 2_500_000_000, 16_000_000_000, 60_000_000_000]
CAPITALS = [None, 25_000_000, 900_000_000, 1_500_000_000, 6_000_000_000]

assessments = st.fixed_dictionaries(
    {
        "step": st.just("assess"),
        "who": st.integers(0, 2),
        "assessed_on": st.integers(0, 320).map(lambda days: START + datetime.timedelta(days=days)),
        "turnover": st.sampled_from(TURNOVERS),
        "capital": st.sampled_from(CAPITALS),
        "indicators": st.sets(st.sampled_from(sorted(INDICATORS))),
    }
)
rule_changes = st.fixed_dictionaries(
    {
        "step": st.just("rule"),
        "min_new_indicators": st.integers(1, 4),
        "turnover_growth_percent": st.sampled_from([1, 10, 20, 50, 100, 300]),
    }
)
withdrawals = st.fixed_dictionaries({"step": st.just("withdraw"), "who": st.integers(0, 2)})
steps = st.lists(st.one_of(assessments, assessments, rule_changes, withdrawals), max_size=10)


def apply(step: dict, *, programme, enrolments, user) -> None:
    try:
        if step["step"] == "assess":
            fields = {
                "assessed_on": step["assessed_on"],
                "turnover": step["turnover"],
                "capital": step["capital"],
                **{name: name in step["indicators"] for name in INDICATORS},
            }
            services.assessment_record(enrolment=enrolments[step["who"]], user=user, fields=fields)
        elif step["step"] == "rule":
            fields = {key: step[key] for key in ("min_new_indicators", "turnover_growth_percent")}
            services.programme_update(programme=programme, user=user, fields=fields)
        else:
            services.enrolment_withdraw(enrolment=enrolments[step["who"]], user=user, reason="Pindah usaha")
    except ValidationError:
        pass  # refused (a follow-up dated before the baseline, a second withdrawal): nothing written


def test_the_stored_verdict_equals_a_fresh_run_of_the_rule(staf):
    programme = ProgrammeFactory()
    enrolments = EnrolmentFactory.create_batch(3, programme=programme)

    @settings(max_examples=60)
    @given(sequence=steps)
    def check(sequence):
        with rolled_back():
            for step in sequence:
                apply(step, programme=programme, enrolments=enrolments, user=staf)

            waiting = 0
            for enrolment in Enrolment.objects.filter(programme=programme).select_related("programme"):
                fresh = selectors.enrolment_verdict(enrolment)
                assert enrolment.is_candidate == fresh.is_candidate
                assert enrolment.candidate_criteria == "; ".join(fresh.criteria)
                waiting += fresh.is_candidate and enrolment.status == Enrolment.Status.ACTIVE
            assert selectors.candidate_count(programme) == waiting
            assert len(selectors.candidates(programme)) == waiting

    check()
