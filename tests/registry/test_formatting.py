"""Money, dates and NIK are shown one way everywhere: rupiah, '2 Mei 2024', masked NIK."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from registry.formatting import mask_nik, rupiah, tanggal, tanggal_jam, thousands
from tests.factories import UserFactory


def render(template: str, **context) -> str:
    return Template("{% load umkm %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1_200_000_000, "Rp 1.200.000.000"),
        (0, "Rp 0"),
        (None, "—"),
        ("", "—"),
        (999, "Rp 999"),
        (1000, "Rp 1.000"),
        (-5000, "-Rp 5.000"),
        ("1500000", "Rp 1.500.000"),
    ],
)
def test_the_rupiah_filter_groups_thousands_with_dots(value, shown):
    assert render("{{ value|rupiah }}", value=value) == shown
    assert rupiah(value) == shown


def test_thousands_uses_indonesian_grouping():
    assert thousands(34675) == "34.675"
    assert render("{{ value|ribuan }}", value=31212) == "31.212"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.date(2024, 5, 2), "2 Mei 2024"),
        (datetime.date(2023, 1, 31), "31 Januari 2023"),
        (datetime.date(2023, 12, 1), "1 Desember 2023"),
        (datetime.date(2024, 8, 17), "17 Agustus 2024"),
        (None, "—"),
    ],
)
def test_tanggal_shows_the_day_the_indonesian_month_and_the_year(value, shown):
    assert render("{{ value|tanggal }}", value=value) == shown


def test_a_utc_datetime_is_shown_on_the_date_it_is_in_jakarta():
    # 18:30 UTC on 1 May is 01:30 WIB on 2 May.
    moment = datetime.datetime(2024, 5, 1, 18, 30, tzinfo=datetime.UTC)

    assert tanggal(moment) == "2 Mei 2024"
    assert render("{{ value|tanggal }}", value=moment) == "2 Mei 2024"


def test_tanggal_jam_shows_jakarta_time_with_a_dot():
    moment = datetime.datetime(2024, 5, 1, 18, 30, tzinfo=datetime.UTC)

    assert tanggal_jam(moment) == "2 Mei 2024 01.30"
    assert tanggal_jam(None) == "—"


def test_mask_nik_keeps_the_first_and_last_four_digits():
    assert mask_nik("3505034105900001") == "3505********0001"


@pytest.mark.parametrize("value", [None, ""])
def test_mask_nik_of_no_nik_is_a_dash(value):
    assert mask_nik(value) == "—"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("staf", "3505034105900001"), ("pimpinan", "3505********0001")])
def test_the_nik_tag_shows_the_whole_nik_only_to_roles_allowed_to_see_it(role, shown):
    request = RequestFactory().get("/")
    request.user = UserFactory(role=role)

    assert render("{% nik value %}", request=request, value="3505034105900001") == shown


def test_ya_tidak_says_yes_or_no_in_indonesian():
    assert render("{{ a|ya_tidak }} {{ b|ya_tidak }}", a=True, b=False) == "Ya Tidak"
