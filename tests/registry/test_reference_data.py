"""The reference data and roles that migrations 0002 and 0003 load."""

import pytest
from django.contrib.auth.models import Group, Permission

from registry.models import Desa, KbliCode, Kecamatan, Sector
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_22_kecamatan_of_kabupaten_blitar():
    assert Kecamatan.objects.count() == 22
    assert all(code.startswith("35.05.") for code in Kecamatan.objects.values_list("code", flat=True))


def test_the_migration_loads_248_desa_of_which_28_are_kelurahan():
    assert Desa.objects.count() == 248
    assert Desa.objects.filter(kind=Desa.Kind.DESA).count() == 220
    assert Desa.objects.filter(kind=Desa.Kind.KELURAHAN).count() == 28


def test_every_kecamatan_has_desa_and_every_desa_code_starts_with_its_kecamatan_code():
    assert not Kecamatan.objects.filter(desa_set__isnull=True).exists()
    for code, kecamatan_code in Desa.objects.values_list("code", "kecamatan__code"):
        assert code.startswith(kecamatan_code + "."), code


def test_karanggayam_is_desa_2001_in_srengat():
    karanggayam = Desa.objects.select_related("kecamatan").get(name="Karanggayam")

    assert karanggayam.code == "35.05.03.2001"
    assert karanggayam.kind == Desa.Kind.DESA
    assert karanggayam.kecamatan.name == "Srengat"
    assert karanggayam.kecamatan.code == "35.05.03"


def test_srengat_carries_its_bps_code():
    assert Kecamatan.objects.get(code="35.05.03").bps_code == "3505200"
    assert not Kecamatan.objects.filter(bps_code="").exists()


def test_the_kbli_pick_list_has_60_five_digit_codes():
    codes = list(KbliCode.objects.values_list("code", flat=True))

    assert len(codes) == 60
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    assert KbliCode.objects.get(code="74201").title != ""


def test_the_office_has_nine_sectors_led_by_food_drink_and_crafts():
    assert list(Sector.objects.values_list("slug", flat=True)[:3]) == ["makanan", "minuman", "kerajinan"]
    assert Sector.objects.count() == 9
    assert set(Sector.objects.values_list("name", flat=True)) >= {"Jasa Foto", "Suvenir"}


def test_the_four_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"admin", "staf", "pendamping", "pimpinan"}


def codenames(group_name: str, app_label: str = "registry") -> set[str]:
    permissions = Group.objects.get(name=group_name).permissions.filter(content_type__app_label=app_label)
    return set(permissions.values_list("codename", flat=True))


def test_the_admin_group_holds_every_registry_permission():
    registry_permissions = Permission.objects.filter(content_type__app_label="registry")

    assert registry_permissions.count() > 0
    assert set(registry_permissions.values_list("codename", flat=True)) <= codenames("admin")


def test_staf_may_see_nik_and_add_and_change_businesses_but_not_delete_them():
    staf = codenames("staf")

    assert {"view_business", "view_nik", "add_business", "change_business"} <= staf
    assert "delete_business" not in staf


@pytest.mark.parametrize("role", ["pendamping", "pimpinan"])
def test_pendamping_and_pimpinan_only_read_the_registry_and_not_the_whole_nik(role):
    permissions = codenames(role)

    assert "view_business" in permissions
    assert all(codename.startswith("view_") for codename in permissions)
    assert "view_nik" not in permissions


@pytest.mark.parametrize(
    ("role", "sees_nik", "may_edit"),
    [("admin", True, True), ("staf", True, True), ("pendamping", False, False), ("pimpinan", False, False)],
)
def test_a_user_given_a_role_gets_its_rights(role, sees_nik, may_edit):
    user = UserFactory(role=role)

    assert user.has_perm("registry.view_business")
    assert user.has_perm("registry.view_nik") is sees_nik
    assert user.has_perm("registry.add_business") is may_edit
    assert user.has_perm("registry.change_business") is may_edit
