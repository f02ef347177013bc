"""The demo registry: the right size, spread over real places, well-formed, repeatable."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from demo.management.commands import seed_demo
from demo.people import DEMO_USERS
from demo.registry import build_businesses
from registry.models import Business, Desa
from registry.roles import role_of
from registry.sizes import decide_size_class
from registry.validators import validate_nik

pytestmark = pytest.mark.django_db

KARANGGAYAM = "35.05.03.2001"


@pytest.fixture(autouse=True)
def registry_only(monkeypatch):
    """These tests are about the registry; the demo programmes have theirs in tests/coaching/test_demo.py."""
    monkeypatch.setattr(seed_demo, "seed_programmes", lambda **options: [])


def seed(businesses=600, seed=7) -> str:
    out = StringIO()
    call_command("seed_demo", businesses=businesses, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    output = seed()
    return {
        "output": output,
        "businesses": list(Business.objects.select_related("kecamatan", "desa", "sector")),
    }


def test_the_demo_has_exactly_the_number_of_businesses_asked_for(demo):
    assert len(demo["businesses"]) == 600
    assert "600 usaha demo dibuat" in demo["output"]


def test_the_share_registered_by_the_end_of_2022_matches_the_real_registry(demo):
    # 31.212 of 34.675 (DESIGN.md §1) is 90 %.
    by_end_2022 = sum(1 for business in demo["businesses"] if business.registered_on.year <= 2022)

    assert 0.89 <= by_end_2022 / 600 <= 0.91
    assert max(business.registered_on.year for business in demo["businesses"]) == 2023


def test_every_demo_business_is_in_a_real_desa_of_its_own_kecamatan(demo):
    real_desa = set(Desa.objects.values_list("pk", "kecamatan_id"))

    for business in demo["businesses"]:
        assert (business.desa_id, business.kecamatan_id) in real_desa


def test_the_demo_businesses_spread_over_most_desa(demo):
    assert len({business.desa_id for business in demo["businesses"]}) >= 150
    assert len({business.kecamatan_id for business in demo["businesses"]}) == 22


def test_karanggayam_has_more_2023_registrations_than_any_other_desa(demo):
    per_desa = (
        Business.objects.filter(registered_on__year=2023)
        .values_list("desa__code")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    (top_code, top_count), (_, runner_up_count) = per_desa[:2]

    assert top_code == KARANGGAYAM
    assert top_count > runner_up_count


@pytest.mark.parametrize("other_seed", [1, 2, 3, 2024])
def test_karanggayam_leads_2023_whatever_the_seed(other_seed):
    registered_2023 = Counter(
        business.desa.code
        for business in build_businesses(600, other_seed)
        if business.registered_on.year == 2023
    )

    (top_code, top_count), (_, runner_up_count) = registered_2023.most_common(2)
    assert top_code == KARANGGAYAM
    assert top_count > runner_up_count


def test_every_demo_nik_is_a_valid_blitar_nik_of_the_business_kecamatan(demo):
    niks = [business for business in demo["businesses"] if business.owner_nik]
    assert len(niks) > 300  # most owners have one, some do not

    for business in niks:
        nik = business.owner_nik
        assert len(nik) == 16 and nik.isdigit()
        assert nik.startswith("3505")
        assert nik[:6] == business.kecamatan.code.replace(".", "")
        validate_nik(nik)
        # Women's birth day is written plus 40.
        assert (int(nik[6:8]) > 40) == (business.owner_gender == "P")
    assert len({business.owner_nik for business in niks}) == len(niks)


def test_every_demo_nib_is_13_digits_and_unique(demo):
    nibs = [business.nib for business in demo["businesses"] if business.nib]
    assert len(nibs) > 100

    assert all(len(nib) == 13 and nib.isdigit() for nib in nibs)
    assert len(set(nibs)) == len(nibs)


def test_food_drink_and_crafts_are_more_than_half_of_the_demo(demo):
    sectors = Counter(business.sector.slug for business in demo["businesses"])

    assert sectors["makanan"] + sectors["minuman"] + sectors["kerajinan"] > 300
    assert sectors.most_common(1)[0][0] == "makanan"


def test_every_demo_size_class_is_the_one_pp_7_2021_gives(demo):
    for business in demo["businesses"]:
        assert business.size_class == (
            decide_size_class(business.turnover, business.capital).size_class or ""
        )
    assert Counter(business.size_class for business in demo["businesses"]).most_common(1)[0][0] == "mikro"


def test_every_demo_business_passes_the_registry_checks(demo):
    for business in demo["businesses"]:
        business.full_clean()


def test_every_demo_business_has_its_registration_in_its_history(demo):
    admin = get_user_model().objects.get(username="admin")
    business = demo["businesses"][0]
    record = business.history.get()

    assert Business.history.filter(history_type="+").count() == 600
    assert record.history_change_reason == "Data demo"
    assert record.history_user == admin
    assert timezone.localtime(record.history_date).date() == business.registered_on


def test_seeding_again_adds_nothing(demo):
    users_before = get_user_model().objects.count()

    output = seed()

    assert Business.objects.count() == 600
    assert Business.history.count() == 600
    assert get_user_model().objects.count() == users_before
    assert "Registri sudah berisi data; data demo tidak ditambahkan lagi." in output


def test_the_same_seed_gives_the_same_registry(demo):
    first = list(
        Business.objects.order_by("pk").values_list("name", "owner_nik", "nib", "desa__code", "turnover")
    )
    Business.history.all().delete()
    Business.objects.all().delete()

    seed()

    second = list(
        Business.objects.order_by("pk").values_list("name", "owner_nik", "nib", "desa__code", "turnover")
    )
    assert second == first


def test_another_seed_gives_another_registry():
    seed(businesses=50, seed=7)
    first = list(Business.objects.order_by("pk").values_list("name", flat=True))
    Business.objects.all().delete()

    seed(businesses=50, seed=8)

    assert list(Business.objects.order_by("pk").values_list("name", flat=True)) != first


@pytest.mark.parametrize(("username", "role", "full_name", "password"), DEMO_USERS)
def test_the_demo_users_exist_with_their_roles_and_can_log_in(demo, username, role, full_name, password):
    user = get_user_model().objects.get(username=username)

    assert role_of(user) == role
    assert user.get_full_name() == full_name
    assert f"{username} / {password}" in demo["output"]
    client = Client()
    response = client.post("/masuk/", {"username": username, "password": password})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
