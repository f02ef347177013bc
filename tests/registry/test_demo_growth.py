"""The full demo reaches today: 2012–2023 as the office reported it, then a few thousand a year to today."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demo.registry import (
    DEFAULT_BUSINESSES,
    REGISTRY_BY_END_2023,
    build_businesses,
    full_demo_size,
    registrations_after_2023,
    seed_registry,
)
from registry.models import Business
from registry.selectors import registry_at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KARANGGAYAM = "35.05.03.2001"
# A day of its own, so these figures do not depend on the day the tests run.
DAY = datetime.date(2026, 3, 18)


def per_year(today: datetime.date) -> Counter:
    years = Counter()
    for year, _, count in registrations_after_2023(today):
        years[year] += count
    return years


def test_after_2023_a_few_thousand_enter_each_year_a_little_more_each_year():
    years = per_year(datetime.date(2026, 12, 31))

    assert sorted(years) == [2024, 2025, 2026]
    assert all(2_500 <= count <= 6_000 for count in years.values())
    # 2023 brought 3.463 (31.212 → 34.675); the pace goes on from there, growing by under a fifth a year.
    assert 3_463 < years[2024] < years[2025] < years[2026]
    assert years[2026] / years[2025] < 1.2 and years[2024] / 3_463 < 1.2


def test_this_month_counts_only_the_days_up_to_today():
    months = registrations_after_2023(DAY)

    assert months[0][:2] == (2024, 1) and months[-1][:2] == (2026, 3)
    assert len(months) == 27  # every month from January 2024 to March 2026, none skipped
    assert all(count > 0 for _, _, count in months)
    full_march = registrations_after_2023(datetime.date(2026, 3, 31))[-1][2]
    assert months[-1][2] == full_march * 18 // 31


def test_the_default_demo_is_the_full_demo_of_today():
    assert full_demo_size(timezone.localdate()) == DEFAULT_BUSINESSES
    assert full_demo_size(DAY) == REGISTRY_BY_END_2023 + sum(per_year(DAY).values())


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    """The full demo of DAY, built once for the module (not saved: it reads only the places)."""
    with django_db_blocker.unblock():
        return build_businesses(full_demo_size(DAY), seed=7, today=DAY)


def test_the_full_demo_keeps_the_office_figures_and_grows_at_its_pace_to_today(full_demo):
    dates = [business.registered_on for business in full_demo]

    assert len(full_demo) == full_demo_size(DAY)
    assert sum(day.year <= 2022 for day in dates) == 31_212
    assert sum(day.year <= 2023 for day in dates) == 34_675
    assert Counter(day.year for day in dates if day.year > 2023) == per_year(DAY)
    assert max(dates) <= DAY
    assert Counter((day.year, day.month) for day in dates if day.year > 2023) == {
        (year, month): count for year, month, count in registrations_after_2023(DAY)
    }


def test_in_the_full_demo_karanggayam_still_grew_fastest_in_2023(full_demo):
    registered_2023 = Counter(
        business.desa.code for business in full_demo if business.registered_on.year == 2023
    )

    (top_code, top_count), (_, runner_up_count) = registered_2023.most_common(2)
    assert top_code == KARANGGAYAM and top_count > runner_up_count


def test_the_first_34675_are_the_registry_of_2012_to_2023_whatever_the_day(full_demo):
    # The businesses after 2023 come after the others: the registry up to 2023 is the same draw.
    other_day = build_businesses(REGISTRY_BY_END_2023 + 40, seed=7, today=datetime.date(2025, 1, 9))

    assert [business.name for business in other_day[:REGISTRY_BY_END_2023]] == [
        business.name for business in full_demo[:REGISTRY_BY_END_2023]
    ]
    later = [business.registered_on for business in other_day[REGISTRY_BY_END_2023:]]
    assert all(datetime.date(2024, 1, 1) <= day <= datetime.date(2025, 1, 9) for day in later)
    assert {day.year for day in later} == {2024, 2025}


def test_the_same_seed_and_day_give_the_same_growth(full_demo):
    again = build_businesses(full_demo_size(DAY), seed=7, today=DAY)

    def later(rows):
        return [
            (business.name, business.owner_nik, business.nib, business.registered_on, business.desa.code)
            for business in rows[REGISTRY_BY_END_2023:]
        ]

    assert later(again) == later(full_demo)


# --- the pages of this year, on the full demo of today --------------------------------------------


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The full demo registry of today, saved once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        today = timezone.localdate()
        seed_registry(total=full_demo_size(today), seed=7, today=today)
        pimpinan = UserFactory(username="kepala-growth", role="pimpinan")
        yield {"today": today, "pimpinan": pimpinan}
        transaction.set_rollback(True)


class TestThisYearOnTheFullDemo:
    def this_year(self, seeded) -> int:
        return Business.objects.filter(registered_on__year=seeded["today"].year).count()

    def test_the_home_page_counts_this_year_s_registrations(self, seeded, client):
        client.force_login(seeded["pimpinan"])
        year = seeded["today"].year

        response = client.get(reverse("home"))

        assert response.context["summary"]["registered_this_year"] == self.this_year(seeded) > 0
        assert f"Masuk registri tahun {year}" in response.content.decode()

    def test_the_registry_dashboard_shows_this_year_and_growth_every_year_since_2023(self, seeded, client):
        client.force_login(seeded["pimpinan"])
        year = seeded["today"].year

        response = client.get(reverse("registry:dashboard"))

        headline = {figure.label: figure.count for figure in response.context["overview"].headline}
        assert headline[f"Masuk registri tahun {year}"] == self.this_year(seeded) > 0
        growth = {row.label: row for row in response.context["growth"]}
        assert growth["2023"].cumulative.count == 34_675
        for later in range(2024, year + 1):
            assert growth[str(later)].new.count > 0
            assert growth[str(later)].cumulative.count > growth[str(later - 1)].cumulative.count

    def test_the_quarter_of_today_has_new_registrations_for_the_quarterly_report(self, seeded):
        today = seeded["today"]
        quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)

        registry = registry_at(quarter_start, today)

        new = sum(group["new"] for group in registry.values())
        assert new == Business.objects.filter(registered_on__range=(quarter_start, today)).count() > 0
