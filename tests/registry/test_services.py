"""The registry's writers (services) and the readers that show what they wrote (selectors)."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from registry import selectors, services
from registry.models import Business, Desa, Sector
from registry.sizes import KECIL, MIKRO
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def new_business_fields(**changes) -> dict:
    desa = Desa.objects.select_related("kecamatan").get(code="35.05.03.2001")
    fields = {
        "name": "Wedang Uwuh Bu Tutik",
        "owner_name": "Tutik Rahayu",
        "desa": desa,
        "kecamatan": desa.kecamatan,
        "sector": Sector.objects.get(slug="minuman"),
        "registered_on": datetime.date(2024, 5, 2),
        "turnover": None,
        "capital": 500_000_000,
    }
    fields.update(changes)
    return fields


# business_create / business_update


def test_business_create_saves_the_business_and_records_who_registered_it(staf):
    business = services.business_create(user=staf, fields=new_business_fields())

    record = business.history.get()
    assert record.history_type == "+"
    assert record.history_user == staf
    assert record.history_change_reason == "Didaftarkan ke registri"
    assert business.size_class == MIKRO


def test_business_create_keeps_the_reason_it_was_given(staf):
    business = services.business_create(
        user=staf, fields=new_business_fields(), change_reason="Pendataan Karanggayam 2023"
    )

    assert business.history.get().history_change_reason == "Pendataan Karanggayam 2023"


def test_business_create_refuses_invalid_data_and_saves_nothing(staf):
    with pytest.raises(ValidationError) as caught:
        services.business_create(user=staf, fields=new_business_fields(owner_nik="123"))

    assert caught.value.message_dict["owner_nik"] == ["NIK harus 16 digit angka."]
    assert Business.objects.count() == 0
    assert Business.history.count() == 0


def test_business_update_records_the_user_and_reason(staf, admin_user):
    business = services.business_create(user=staf, fields=new_business_fields())

    services.business_update(
        business=business, user=admin_user, fields={"phone": "081234567890"}, change_reason="Nomor HP baru"
    )

    business.refresh_from_db()
    assert business.phone == "081234567890"
    latest = business.history.order_by("-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Nomor HP baru"
    assert business.history.count() == 2


def test_business_update_of_capital_moves_the_business_up_a_class(staf):
    business = services.business_create(user=staf, fields=new_business_fields(capital=500_000_000))
    assert business.size_class == MIKRO

    services.business_update(
        business=business, user=staf, fields={"capital": 1_200_000_000}, change_reason="Tambah modal"
    )

    business.refresh_from_db()
    assert business.size_class == KECIL


def test_the_timeline_shows_the_class_change_with_old_and_new_labels(staf):
    business = services.business_create(user=staf, fields=new_business_fields(capital=500_000_000))
    services.business_update(
        business=business, user=staf, fields={"capital": 1_200_000_000}, change_reason="Tambah modal"
    )

    timeline = selectors.business_timeline(business)

    assert [entry.kind for entry in timeline] == ["changed", "created"]
    latest = timeline[0]
    assert latest.who == "Siti"
    assert latest.reason == "Tambah modal"
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes == {
        "modal usaha tanpa tanah & bangunan (Rp)": ("Rp 500.000.000", "Rp 1.200.000.000"),
        "kelas usaha": ("Mikro", "Kecil"),
    }


def test_the_timeline_names_places_and_choices_not_ids(staf):
    business = services.business_create(user=staf, fields=new_business_fields())
    wonodadi_desa = Desa.objects.select_related("kecamatan").get(code="35.05.01.2001")  # Jaten

    services.business_update(
        business=business,
        user=staf,
        fields={
            "desa": wonodadi_desa,
            "kecamatan": wonodadi_desa.kecamatan,
            "status": Business.Status.CLOSED,
            "has_halal": True,
            "turnover": 3_000_000_000,
        },
    )

    changes = {
        change.label: (change.old, change.new) for change in selectors.business_timeline(business)[0].changes
    }
    assert changes["desa/kelurahan"] == ("Karanggayam", "Jaten")
    assert changes["kecamatan"] == ("Srengat", "Wonodadi")
    assert changes["status"] == ("Aktif", "Tutup")
    assert changes["bersertifikat halal"] == ("Tidak", "Ya")
    assert changes["omzet per tahun (Rp)"] == ("—", "Rp 3.000.000.000")
    assert changes["kelas usaha"] == ("Mikro", "Kecil")


def test_the_timeline_masks_a_nik_change_unless_asked_to_show_it(staf):
    business = services.business_create(user=staf, fields=new_business_fields())
    services.business_update(business=business, user=staf, fields={"owner_nik": "3505034105900001"})

    masked = {
        change.label: (change.old, change.new) for change in selectors.business_timeline(business)[0].changes
    }
    whole = {
        change.label: (change.old, change.new)
        for change in selectors.business_timeline(business, show_nik=True)[0].changes
    }

    assert masked["NIK pemilik"] == ("—", "3505********0001")
    assert whole["NIK pemilik"] == ("—", "3505034105900001")


def test_a_timeline_without_a_user_names_the_system():
    business = BusinessFactory()

    assert selectors.business_timeline(business)[0].who == "Sistem"


def test_business_update_that_fails_validation_changes_nothing(staf):
    business = services.business_create(user=staf, fields=new_business_fields())

    with pytest.raises(ValidationError):
        services.business_update(business=business, user=staf, fields={"capital": 2_000_000, "nib": "12"})

    business.refresh_from_db()
    assert business.capital == 500_000_000
    assert business.history.count() == 1


# Users and roles


def test_user_create_with_role_makes_an_admin_a_django_admin_user():
    user = services.user_create_with_role(
        username="data", password="sandi-yang-panjang-1", role="admin", full_name="Admin Data Dinkop"
    )

    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["admin"]
    assert (user.first_name, user.last_name) == ("Admin", "Data Dinkop")
    assert user.check_password("sandi-yang-panjang-1")


@pytest.mark.parametrize("role", ["staf", "pendamping", "pimpinan"])
def test_user_create_with_role_gives_other_roles_no_django_admin(role):
    user = services.user_create_with_role(username=f"uji-{role}", password="sandi-yang-panjang-1", role=role)

    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [role]


def test_user_create_with_an_unknown_role_raises_value_error_and_creates_nobody():
    with pytest.raises(ValueError, match="Peran tidak dikenal: kepala"):
        services.user_create_with_role(username="kepala", password="sandi-yang-panjang-1", role="kepala")

    assert not User.objects.filter(username="kepala").exists()


def test_the_create_user_command_creates_a_login_with_its_role():
    out = StringIO()

    call_command(
        "create_user", "bagus", role="pendamping", password="sandi-yang-panjang-1", name="Bagus Prasetyo",
        email="bagus@example.org", stdout=out,
    )  # fmt: skip

    user = User.objects.get(username="bagus")
    assert user.groups.get().name == "pendamping"
    assert user.get_full_name() == "Bagus Prasetyo"
    assert user.email == "bagus@example.org"
    assert user.check_password("sandi-yang-panjang-1")
    assert "Akun bagus (pendamping) dibuat." in out.getvalue()


def test_the_create_user_command_asks_for_the_password_when_none_is_given(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: "sandi-dari-prompt-1")

    call_command("create_user", "siti", role="staf", stdout=StringIO())

    assert User.objects.get(username="siti").check_password("sandi-dari-prompt-1")


def test_the_create_user_command_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("create_user", "kepala", role="kepala", password="sandi-yang-panjang-1")

    assert not User.objects.filter(username="kepala").exists()


def test_the_create_user_command_refuses_a_username_already_taken(staf):
    with pytest.raises(CommandError):
        call_command("create_user", staf.username, role="admin", password="sandi-yang-panjang-1")

    staf.refresh_from_db()
    assert not staf.is_superuser
    assert User.objects.filter(username=staf.username).count() == 1


# Duplicates


def test_find_duplicates_finds_the_same_nik():
    existing = BusinessFactory(owner_nik="3505034105900001")

    duplicates = selectors.business_find_duplicates(name="Usaha Lain", nik="3505034105900001")

    assert [(d.business, d.reasons, d.blocking) for d in duplicates] == [(existing, ["NIK"], True)]


def test_find_duplicates_finds_the_same_nib():
    existing = BusinessFactory(nib="1234567890123")

    duplicates = selectors.business_find_duplicates(nib="1234567890123")

    assert [(d.business, d.reasons, d.blocking) for d in duplicates] == [(existing, ["NIB"], True)]


def test_find_duplicates_finds_the_same_name_in_the_same_desa_ignoring_case_and_spaces():
    existing = BusinessFactory(name="Keripik Tempe Bu Sri")

    duplicates = selectors.business_find_duplicates(
        name="  keripik   TEMPE bu sri ", desa_id=existing.desa_id
    )

    assert [(d.business, d.reasons, d.blocking) for d in duplicates] == [(existing, ["nama"], False)]


def test_find_duplicates_accepts_the_desa_id_as_posted_text():
    existing = BusinessFactory(name="Keripik Tempe Bu Sri")

    duplicates = selectors.business_find_duplicates(
        name="Keripik Tempe Bu Sri", desa_id=str(existing.desa_id)
    )

    assert [d.reasons for d in duplicates] == [["nama"]]


def test_find_duplicates_ignores_the_same_name_in_another_desa():
    BusinessFactory(name="Keripik Tempe Bu Sri")
    other_desa = Desa.objects.get(code="35.05.01.2001")

    assert selectors.business_find_duplicates(name="Keripik Tempe Bu Sri", desa_id=other_desa.pk) == []


def test_find_duplicates_ignores_a_similar_but_different_name():
    existing = BusinessFactory(name="Keripik Tempe Bu Sri")

    assert selectors.business_find_duplicates(name="Keripik Tempe Bu Siti", desa_id=existing.desa_id) == []


def test_find_duplicates_lists_every_reason_a_business_matches():
    existing = BusinessFactory(name="Keripik Tempe Bu Sri", owner_nik="3505034105900001", nib="1234567890123")

    duplicates = selectors.business_find_duplicates(
        name="Keripik Tempe Bu Sri", desa_id=existing.desa_id, nik="3505034105900001", nib="1234567890123"
    )

    assert [d.reasons for d in duplicates] == [["NIK", "NIB", "nama"]]


def test_find_duplicates_excludes_the_business_being_edited():
    existing = BusinessFactory(name="Keripik Tempe Bu Sri", owner_nik="3505034105900001", nib="1234567890123")

    duplicates = selectors.business_find_duplicates(
        name="Keripik Tempe Bu Sri",
        desa_id=existing.desa_id,
        nik="3505034105900001",
        nib="1234567890123",
        exclude_pk=existing.pk,
    )

    assert duplicates == []


def test_find_duplicates_with_nothing_to_compare_finds_nothing():
    BusinessFactory(owner_nik=None, nib=None)

    assert selectors.business_find_duplicates() == []
