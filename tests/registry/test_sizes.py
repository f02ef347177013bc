"""PP 7/2021 Pasal 35 size classes at every boundary, and that the class is computed, never typed."""

import pytest

from registry.forms import BusinessForm
from registry.models import Business, Desa, Sector
from registry.sizes import BESAR, KECIL, MENENGAH, MIKRO, decide_size_class
from tests.factories import BusinessFactory

MILIAR = 1_000_000_000


@pytest.mark.parametrize(
    ("turnover", "expected"),
    [
        (0, MIKRO),
        (2 * MILIAR, MIKRO),
        (2 * MILIAR + 1, KECIL),
        (15 * MILIAR, KECIL),
        (15 * MILIAR + 1, MENENGAH),
        (50 * MILIAR, MENENGAH),
        (50 * MILIAR + 1, BESAR),
    ],
)
def test_turnover_decides_the_class_with_each_upper_bound_inclusive(turnover, expected):
    decision = decide_size_class(turnover, None)

    assert decision.size_class == expected
    assert decision.basis == "omzet"
    assert decision.amount == turnover


@pytest.mark.parametrize(
    ("capital", "expected"),
    [
        (0, MIKRO),
        (1 * MILIAR, MIKRO),
        (1 * MILIAR + 1, KECIL),
        (5 * MILIAR, KECIL),
        (5 * MILIAR + 1, MENENGAH),
        (10 * MILIAR, MENENGAH),
        (10 * MILIAR + 1, BESAR),
    ],
)
def test_capital_decides_the_class_when_turnover_is_unknown(capital, expected):
    decision = decide_size_class(None, capital)

    assert decision.size_class == expected
    assert decision.basis == "modal"


def test_turnover_wins_over_capital_when_both_are_known():
    # Capital alone would make it menengah; sales of Rp 1 M make it mikro.
    decision = decide_size_class(1 * MILIAR, 8 * MILIAR)

    assert decision.size_class == MIKRO
    assert decision.basis == "omzet"


def test_turnover_wins_over_capital_also_upwards():
    assert decide_size_class(20 * MILIAR, 500_000_000).size_class == MENENGAH


def test_neither_turnover_nor_capital_leaves_the_class_unknown():
    decision = decide_size_class(None, None)

    assert decision.size_class is None
    assert decision.basis == ""
    assert decision.label == "Belum diketahui"


def test_the_decision_names_the_band_it_falls_in():
    decision = decide_size_class(3 * MILIAR, None)

    assert (decision.lower_bound, decision.upper_bound) == (2 * MILIAR, 15 * MILIAR)
    assert decision.label == "Kecil"
    assert decide_size_class(60 * MILIAR, None).upper_bound is None
    assert decide_size_class(100, None).lower_bound is None


@pytest.mark.django_db
def test_saving_a_business_stores_its_size_class():
    business = BusinessFactory(turnover=2 * MILIAR + 1, capital=100_000_000)

    business.refresh_from_db()
    assert business.size_class == KECIL
    assert business.size_class_label == "Kecil"


@pytest.mark.django_db
def test_saving_again_recomputes_the_size_class_from_the_new_figures():
    business = BusinessFactory(turnover=100_000_000)
    business.turnover = None
    business.capital = 6 * MILIAR
    business.save()

    business.refresh_from_db()
    assert business.size_class == MENENGAH


@pytest.mark.django_db
def test_a_business_with_no_figures_is_stored_with_an_empty_size_class():
    business = BusinessFactory(turnover=None, capital=None)

    business.refresh_from_db()
    assert business.size_class == ""
    assert business.size_class_label == "Belum diketahui"


@pytest.mark.django_db
def test_a_size_class_set_by_hand_is_overwritten_on_save():
    business = BusinessFactory.build(turnover=100_000_000)
    business.size_class = BESAR
    business.save()

    business.refresh_from_db()
    assert business.size_class == MIKRO


@pytest.mark.django_db
def test_the_business_form_has_no_size_class_field_and_ignores_one_posted():
    desa = Desa.objects.get(code="35.05.03.2001")
    form = BusinessForm(
        data={
            "name": "Keripik Tempe Bu Sri",
            "owner_name": "Sri Wahyuni",
            "kecamatan": desa.kecamatan_id,
            "desa": desa.pk,
            "sector": Sector.objects.get(slug="makanan").pk,
            "registered_on": "2024-05-02",
            "employees": "2",
            "turnover": "100.000.000",
            "status": "aktif",
            "size_class": BESAR,
        }
    )

    assert "size_class" not in form.fields
    assert form.is_valid(), form.errors
    business = form.save()
    business.refresh_from_db()
    assert business.size_class == MIKRO
    assert Business.objects.filter(size_class=BESAR).count() == 0
