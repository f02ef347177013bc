"""What the registry refuses, and that it says why in Indonesian."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from registry.fields import PhoneField, RupiahField
from registry.forms import BusinessForm
from registry.models import Business, Desa, KbliCode, Kecamatan
from registry.validators import validate_nib, validate_nik, validate_phone
from tests.factories import BusinessFactory
from tests.registry.form_data import business_post

pytestmark = pytest.mark.django_db

NIK_MESSAGE = "NIK harus 16 digit angka."
NIB_MESSAGE = "NIB harus 13 digit angka."


def errors_for(**changes) -> dict:
    form = BusinessForm(data=business_post(**changes))
    form.is_valid()
    return form.errors


def messages_of(call, value) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call(value)
    return caught.value.messages


def test_the_baseline_form_data_is_valid():
    # Every refusal below changes one field of this; it must be accepted as it is.
    assert errors_for() == {}


# NIK


@pytest.mark.parametrize(
    "nik", ["350503410590000", "35050341059000012", "35050341O5900001", "3505-0341059000"]
)
def test_a_nik_that_is_not_16_digits_is_refused(nik):
    assert messages_of(validate_nik, nik) == [NIK_MESSAGE]


def test_a_15_digit_nik_is_refused_on_the_form_with_the_indonesian_message():
    assert errors_for(owner_nik="350503410590000")["owner_nik"] == [NIK_MESSAGE]


def test_a_nik_with_letters_is_refused_on_the_form():
    assert errors_for(owner_nik="35050341059OOO01")["owner_nik"] == [NIK_MESSAGE]


def test_a_17_digit_nik_is_refused_on_the_form():
    errors = errors_for(owner_nik="35050341059000012")["owner_nik"]

    # The form's length check speaks first, with Django's own Indonesian message.
    assert len(errors) == 1
    assert errors[0].startswith("Pastikan nilai ini mengandung paling banyak 16 karakter")


def test_a_womans_nik_with_the_birth_day_plus_40_is_accepted():
    validate_nik("3505034105900001")  # born 1 May 1990, female: day 01 + 40

    assert errors_for(owner_nik="3505037112900001") == {}  # 31 + 40


def test_a_mans_nik_with_an_ordinary_birth_day_is_accepted():
    validate_nik("3505030105900001")


@pytest.mark.parametrize(
    "nik", ["3505031513900001", "3505030100900001", "3505033205900001", "3505037205900001"]
)
def test_a_nik_whose_birth_date_digits_are_impossible_is_refused(nik):
    # month 13 / month 00 / day 32 / day 72 (31 + 40 is the largest)
    assert messages_of(validate_nik, nik) == ["NIK tidak sah: digit 7–12 harus tanggal lahir (DDMMYY)."]


def test_month_13_in_a_nik_is_refused_on_the_form():
    assert errors_for(owner_nik="3505031513900001")["owner_nik"] == [
        "NIK tidak sah: digit 7–12 harus tanggal lahir (DDMMYY)."
    ]


# NIB


@pytest.mark.parametrize("nib", ["123456789012", "12345678901234", "12345678901A3", ""])
def test_a_nib_that_is_not_13_digits_is_refused(nib):
    assert messages_of(validate_nib, nib) == [NIB_MESSAGE]


def test_a_12_digit_nib_is_refused_on_the_form():
    assert errors_for(nib="123456789012")["nib"] == [NIB_MESSAGE]


def test_a_13_digit_nib_is_accepted():
    assert errors_for(nib="1234567890123") == {}


# Phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812 3456 7890", "081234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("0342 801234", "0342801234"),
        ("(0342) 801.234", "0342801234"),
    ],
)
def test_a_phone_number_is_accepted_and_stored_without_separators(typed, stored):
    assert PhoneField(required=False).clean(typed) == stored

    form = BusinessForm(data=business_post(phone=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize("typed", ["12345", "0812", "0812 34", "+1 202 555 0100", "08x2 3456 7890"])
def test_a_phone_number_that_is_not_indonesian_is_refused(typed):
    errors = errors_for(phone=typed)["phone"]

    assert len(errors) == 1
    assert errors[0].startswith("Nomor telepon tidak sah.")
    assert "0342 801234" in errors[0]


def test_a_blank_phone_number_is_allowed():
    assert errors_for(phone="") == {}


def test_the_phone_validator_alone_refuses_a_number_with_spaces_left_in():
    # Only the form field removes separators; the model field sees what is stored.
    assert messages_of(validate_phone, "0812 3456 7890")[0].startswith("Nomor telepon tidak sah.")


# Place


def test_a_desa_outside_the_chosen_kecamatan_is_refused_naming_both():
    wonodadi = Kecamatan.objects.get(name="Wonodadi")

    errors = errors_for(kecamatan=str(wonodadi.pk))

    assert errors["desa"] == ["Desa Karanggayam tidak terletak di Kecamatan Wonodadi."]


def test_the_desa_check_also_holds_outside_the_form():
    business = BusinessFactory.build(
        desa=Desa.objects.get(code="35.05.03.2001"), kecamatan=Kecamatan.objects.get(name="Wonodadi")
    )

    with pytest.raises(ValidationError) as caught:
        business.full_clean()
    assert caught.value.message_dict["desa"] == ["Desa Karanggayam tidak terletak di Kecamatan Wonodadi."]


# Money


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("Rp 1.500.000", 1_500_000),
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("rp. 2.000", 2_000),
        ("0", 0),
    ],
)
def test_the_rupiah_field_accepts_what_clerks_type(typed, value):
    assert RupiahField().clean(typed) == value


@pytest.mark.parametrize("typed", ["1,5", "1.5", "1.50.000", "satu juta", "Rp 1.500.000,00"])
def test_the_rupiah_field_refuses_anything_but_whole_rupiah(typed):
    with pytest.raises(ValidationError) as caught:
        RupiahField().clean(typed)

    assert caught.value.messages == ["Tulis jumlah rupiah bulat, misalnya 1.500.000."]


@pytest.mark.parametrize("typed", ["-5", "Rp -1.500.000", "- 5"])
def test_the_rupiah_field_refuses_a_negative_amount(typed):
    with pytest.raises(ValidationError) as caught:
        RupiahField().clean(typed)

    assert caught.value.messages == ["Jumlah rupiah tidak boleh negatif."]


def test_a_negative_turnover_or_capital_is_refused_on_the_form():
    errors = errors_for(turnover="-5", capital="-1.000")

    assert errors["turnover"] == ["Jumlah rupiah tidak boleh negatif."]
    assert errors["capital"] == ["Jumlah rupiah tidak boleh negatif."]


def test_a_negative_turnover_is_refused_by_the_model():
    business = BusinessFactory.build(turnover=-1, capital=-1)

    with pytest.raises(ValidationError) as caught:
        business.full_clean()
    assert caught.value.message_dict["turnover"] == ["Omzet tidak boleh negatif."]
    assert caught.value.message_dict["capital"] == ["Modal usaha tidak boleh negatif."]


def test_the_database_refuses_a_negative_turnover_written_past_the_model():
    business = BusinessFactory()

    with pytest.raises(IntegrityError):
        Business.objects.filter(pk=business.pk).update(turnover=-1)


# Uniqueness


def test_two_businesses_without_nik_or_nib_are_both_saved():
    for name in ("Keripik Tempe Bu Sri", "Kopi Bubuk Pak Budi"):
        form = BusinessForm(data=business_post(name=name, owner_nik="", nib=""))
        assert form.is_valid(), form.errors
        form.save()

    assert list(Business.objects.values_list("owner_nik", "nib")) == [(None, None), (None, None)]


def test_a_nik_already_in_the_registry_is_refused():
    BusinessFactory(owner_nik="3505034105900001")

    assert errors_for(owner_nik="3505034105900001")["owner_nik"] == [
        "NIK ini sudah dipakai oleh usaha lain di registri."
    ]


def test_a_nib_already_in_the_registry_is_refused():
    BusinessFactory(nib="1234567890123")

    assert errors_for(nib="1234567890123")["nib"] == ["NIB ini sudah dipakai oleh usaha lain di registri."]


def test_a_business_keeps_its_own_nib_when_edited():
    business = BusinessFactory(nib="1234567890123", owner_nik="3505034105900001")
    form = BusinessForm(
        data=business_post(nib="1234567890123", owner_nik="3505034105900001"), instance=business
    )

    assert form.is_valid(), form.errors


# Year founded, registration date, KBLI


def test_a_year_founded_in_the_future_is_refused():
    next_year = timezone.localdate().year + 1

    assert errors_for(year_founded=str(next_year))["year_founded"] == [
        f"Tahun berdiri tidak boleh melewati {next_year - 1}."
    ]


def test_this_year_is_a_valid_year_founded():
    assert errors_for(year_founded=str(timezone.localdate().year)) == {}


def test_a_year_founded_before_1900_is_refused():
    assert errors_for(year_founded="1899")["year_founded"] == ["Tahun berdiri paling awal 1900."]


def test_a_registration_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)

    assert errors_for(registered_on=tomorrow.isoformat())["registered_on"] == [
        "Tanggal masuk registri tidak boleh di masa depan."
    ]


@pytest.mark.parametrize("code", ["1234", "1039A", "abcde"])
def test_a_kbli_code_that_is_not_five_digits_is_refused(code):
    assert errors_for(kbli_code=code)["kbli_code"] == ["Kode KBLI harus 5 digit angka."]


def test_a_valid_kbli_code_off_the_pick_list_is_accepted():
    assert not KbliCode.objects.filter(code="62019").exists()

    form = BusinessForm(data=business_post(kbli_code="62019"))

    assert form.is_valid(), form.errors
    assert form.save().kbli_code == "62019"


def test_required_fields_are_named_in_indonesian():
    errors = errors_for(name="", owner_name="", desa="", sector="")

    for field in ("name", "owner_name", "desa", "sector"):
        assert errors[field] == ["Bidang ini tidak boleh kosong."]
