"""The naik-kelas rule at each of its boundaries, on stand-ins shaped like assessments."""

from types import SimpleNamespace

import pytest

from coaching.indicators import INDICATORS
from coaching.rules import RuleSettings, Verdict, evaluate
from registry.sizes import BESAR, KECIL, MENENGAH, MIKRO

DEFAULT = RuleSettings()  # 2 new indicators; turnover growth of 20 % counts as one
FIRST_INDICATORS = list(INDICATORS)


def measurement(*, turnover=100_000_000, size_class=MIKRO, indicators=()):
    """An assessment as the rule sees it: turnover, size class and the ten indicator flags."""
    unknown = set(indicators) - set(INDICATORS)
    assert not unknown, f"not an indicator: {unknown}"
    return SimpleNamespace(
        turnover=turnover,
        size_class=size_class,
        **{name: name in indicators for name in INDICATORS},
    )


# Nothing to compare


def test_without_a_baseline_there_is_no_candidate():
    verdict = evaluate(None, measurement(indicators=FIRST_INDICATORS), DEFAULT)

    assert not verdict.is_candidate
    assert verdict.reason == "Belum ada penilaian awal."


@pytest.mark.parametrize("latest_is", ["missing", "the-baseline"])
def test_without_a_follow_up_there_is_no_candidate(latest_is):
    baseline = measurement(size_class=KECIL, indicators=["has_nib", "has_pirt"])
    latest = None if latest_is == "missing" else baseline

    verdict = evaluate(baseline, latest, DEFAULT)

    assert not verdict.is_candidate
    assert verdict.criteria == []
    assert verdict.reason == ("Belum ada penilaian lanjutan untuk dibandingkan dengan penilaian awal.")


# Size class (PP 7/2021)


@pytest.mark.parametrize(
    ("before", "after", "criterion"),
    [
        (MIKRO, KECIL, "kelas naik dari mikro ke kecil"),
        (KECIL, MENENGAH, "kelas naik dari kecil ke menengah"),
        (MIKRO, MENENGAH, "kelas naik dari mikro ke menengah"),
    ],
    ids=["mikro-to-kecil", "kecil-to-menengah", "two-classes-at-once"],
)
def test_a_class_that_rose_makes_a_candidate_on_its_own(before, after, criterion):
    verdict = evaluate(measurement(size_class=before), measurement(size_class=after), DEFAULT)

    assert verdict.is_candidate
    assert verdict.class_rose
    assert verdict.criteria == [criterion]
    assert verdict.indicator_count == 0
    assert verdict.reason == "Kelas usaha naik menurut PP 7/2021."


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", KECIL),
        (MIKRO, ""),
        ("", ""),
        (KECIL, MIKRO),
        (BESAR, MENENGAH),
        (KECIL, KECIL),
    ],
    ids=["unknown-before", "unknown-after", "unknown-both", "fell", "fell-from-besar", "same"],
)
def test_a_class_that_did_not_rise_does_not_count(before, after):
    verdict = evaluate(measurement(size_class=before), measurement(size_class=after), DEFAULT)

    assert not verdict.class_rose
    assert not verdict.is_candidate
    assert verdict.criteria == []


# New indicators


@pytest.mark.parametrize(
    ("minimum", "gained", "is_candidate"),
    [(2, 2, True), (2, 1, False), (3, 3, True), (3, 2, False), (1, 1, True), (1, 0, False)],
    ids=["2-of-2", "1-of-2", "3-of-3", "2-of-3", "1-of-1", "0-of-1"],
)
def test_exactly_the_minimum_of_new_indicators_makes_a_candidate(minimum, gained, is_candidate):
    settings = RuleSettings(min_new_indicators=minimum)
    latest = measurement(indicators=FIRST_INDICATORS[:gained])

    verdict = evaluate(measurement(), latest, settings)

    assert verdict.is_candidate is is_candidate
    assert verdict.new_indicators == FIRST_INDICATORS[:gained]
    assert verdict.indicator_count == gained


def test_an_indicator_already_held_at_baseline_is_not_new():
    baseline = measurement(indicators=["has_nib"])
    latest = measurement(indicators=["has_nib", "has_pirt"])

    verdict = evaluate(baseline, latest, DEFAULT)

    assert verdict.new_indicators == ["has_pirt"]
    assert not verdict.is_candidate


def test_an_indicator_lost_since_baseline_is_not_counted():
    baseline = measurement(indicators=["has_nib", "has_pirt"])
    latest = measurement(indicators=["has_halal"])

    verdict = evaluate(baseline, latest, DEFAULT)

    assert verdict.new_indicators == ["has_halal"]
    assert verdict.indicator_count == 1
    assert not verdict.is_candidate


def test_an_indicator_lost_does_not_take_away_from_those_gained():
    baseline = measurement(indicators=["has_nib"])
    latest = measurement(indicators=["has_pirt", "has_halal"])

    verdict = evaluate(baseline, latest, DEFAULT)

    assert verdict.new_indicators == ["has_pirt", "has_halal"]
    assert verdict.is_candidate


# Turnover growth


@pytest.mark.parametrize(
    ("latest_turnover", "counts", "growth"),
    [(120_000_000, True, 20), (119_999_999, False, 19), (250_000_000, True, 150)],
    ids=["exactly-20-percent", "one-rupiah-short", "well-above"],
)
def test_turnover_growth_counts_from_exactly_the_threshold(latest_turnover, counts, growth):
    verdict = evaluate(measurement(turnover=100_000_000), measurement(turnover=latest_turnover), DEFAULT)

    assert verdict.turnover_counts is counts
    assert verdict.turnover_growth_percent == growth
    assert verdict.indicator_count == (1 if counts else 0)


def test_turnover_growth_and_one_new_indicator_make_a_candidate():
    latest = measurement(turnover=120_000_000, indicators=["sells_online"])

    verdict = evaluate(measurement(turnover=100_000_000), latest, DEFAULT)

    assert verdict.is_candidate
    assert verdict.indicator_count == 2
    assert verdict.reason == "2 indikator baru (syarat paling sedikit 2)."


def test_turnover_growth_alone_is_not_enough_when_two_are_needed():
    verdict = evaluate(measurement(turnover=100_000_000), measurement(turnover=200_000_000), DEFAULT)

    assert verdict.turnover_counts
    assert not verdict.is_candidate
    assert verdict.reason == (
        "Belum memenuhi: kelas usaha tetap dan 1 indikator baru (syarat paling sedikit 2)."
    )


def test_turnover_growth_alone_makes_a_candidate_when_one_is_needed():
    settings = RuleSettings(min_new_indicators=1)

    verdict = evaluate(measurement(turnover=100_000_000), measurement(turnover=120_000_000), settings)

    assert verdict.is_candidate
    assert verdict.criteria == ["omzet naik 20 %"]


@pytest.mark.parametrize(
    ("before", "after"),
    [(0, 500_000_000), (None, 500_000_000), (100_000_000, None)],
    ids=["baseline-zero", "baseline-unknown", "latest-unknown"],
)
def test_turnover_growth_is_not_computed_without_both_turnovers(before, after):
    settings = RuleSettings(min_new_indicators=1)

    verdict = evaluate(measurement(turnover=before), measurement(turnover=after), settings)

    assert verdict.turnover_growth_percent is None
    assert not verdict.turnover_counts
    assert not verdict.is_candidate


def test_a_fall_in_turnover_is_computed_but_does_not_count():
    verdict = evaluate(measurement(turnover=100_000_000), measurement(turnover=80_000_000), DEFAULT)

    assert verdict.turnover_growth_percent == -20
    assert not verdict.turnover_counts
    assert verdict.criteria == []


# The programme's own settings


@pytest.mark.parametrize(
    ("latest_turnover", "gained", "is_candidate"),
    [
        (150_000_000, ["has_nib", "has_pirt"], True),
        (149_999_999, ["has_nib", "has_pirt"], False),
        (100_000_000, ["has_nib", "has_pirt", "has_halal"], True),
        (100_000_000, ["has_nib", "has_pirt"], False),
    ],
    ids=["growth-50-and-2", "growth-49-and-2", "three-indicators", "two-indicators"],
)
def test_the_programme_settings_decide_the_thresholds(latest_turnover, gained, is_candidate):
    settings = RuleSettings(min_new_indicators=3, turnover_growth_percent=50)
    latest = measurement(turnover=latest_turnover, indicators=gained)

    verdict = evaluate(measurement(turnover=100_000_000), latest, settings)

    assert verdict.is_candidate is is_candidate


# What the screen shows


def test_criteria_name_each_new_indicator_and_the_turnover_growth():
    latest = measurement(turnover=134_000_000, indicators=["has_nib", "sells_online"])

    verdict = evaluate(measurement(turnover=100_000_000), latest, DEFAULT)

    assert verdict.criteria == ["NIB baru", "mulai berjualan daring", "omzet naik 34 %"]
    assert verdict.turnover_growth_percent == 34
    assert verdict.indicator_count == 3


def test_criteria_list_the_class_first():
    baseline = measurement(turnover=1_900_000_000, size_class=MIKRO)
    latest = measurement(turnover=2_400_000_000, size_class=KECIL, indicators=["has_halal"])

    verdict = evaluate(baseline, latest, DEFAULT)

    assert verdict.criteria == [
        "kelas naik dari mikro ke kecil",
        "sertifikat halal baru",
        "omzet naik 26 %",
    ]
    assert verdict.reason == "Kelas usaha naik dan 2 indikator baru (syarat 2)."


@pytest.mark.parametrize(
    ("new_indicators", "turnover_counts", "count"),
    [([], False, 0), ([], True, 1), (["has_nib", "has_pirt"], False, 2), (["has_nib"], True, 2)],
    ids=["nothing", "turnover-only", "two-indicators", "indicator-and-turnover"],
)
def test_verdict_indicator_count_counts_turnover_growth_as_one(new_indicators, turnover_counts, count):
    verdict = Verdict(False, new_indicators=new_indicators, turnover_counts=turnover_counts)

    assert verdict.indicator_count == count
