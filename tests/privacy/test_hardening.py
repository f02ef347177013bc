"""The holes the outside scanner and the red team found (issue 17), each closed and proven."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from coaching import services as coaching_services
from coaching.forms import AssessmentForm, ExpenditureForm, ProgrammeForm
from coaching.models import Assessment, Enrolment
from registry.fields import CountField, RupiahField
from registry.forms import BusinessForm
from tests.factories import BusinessFactory, UserFactory
from tests.registry.form_data import business_post

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-uji"
LONG = 10_000


def login(client, username, password=PASSWORD, path="/masuk/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


# --- over-long input on the two login forms -------------------------------------------------------


@pytest.mark.parametrize("path", ["/masuk/", "/admin/login/"])
def test_a_10000_character_username_is_a_form_error_not_a_crash(path):
    client = Client(raise_request_exception=True)
    response = client.post(path, {"username": "x" * LONG, "password": "salah", "next": "/" + "n" * LONG})
    assert response.status_code == 200
    assert "Nama pengguna paling panjang 150 karakter." in response.text
    assert not AccessAttempt.objects.exists()  # nothing reached django-axes' 255-character column


@pytest.mark.parametrize("path", ["/masuk/", "/admin/login/"])
def test_a_10000_character_password_is_a_form_error_and_never_hashed(path):
    user = UserFactory(role="admin")
    response = Client(raise_request_exception=True).post(
        path, {"username": user.username, "password": "p" * LONG}
    )
    assert response.status_code == 200
    assert "Kata sandi paling panjang 1024 karakter." in response.text


def test_a_10000_character_next_still_logs_in_and_goes_nowhere_else():
    user = UserFactory(role="staf")
    client = Client(raise_request_exception=True)
    response = client.post("/masuk/?next=/" + "n" * LONG, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(
        "/masuk/", {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_a_username_of_150_characters_is_still_tried_and_counted():
    response = login(Client(), "u" * 150, "salah")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.text
    assert AccessAttempt.objects.get().username == "u" * 150


# --- the lockout rules ------------------------------------------------------------------------------


def test_one_account_tried_from_many_addresses_is_locked(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 100
    user = UserFactory(role="staf")
    for number in range(5):
        assert login(Client(), user.username, "salah", REMOTE_ADDR=f"10.0.0.{number}").status_code == 200
    # The sixth failure, from a sixth address, locks the account (as the fifth locks a pair).
    assert login(Client(), user.username, "salah", REMOTE_ADDR="10.0.0.5").status_code == 429
    # A seventh address, with the right password: the account is locked wherever it is tried from.
    assert login(Client(), user.username, REMOTE_ADDR="10.0.0.99").status_code == 429
    # Other accounts from those addresses are not.
    other = UserFactory(role="pimpinan")
    assert login(Client(), other.username, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_one_address_trying_many_accounts_is_locked(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 20
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    victims = [UserFactory(role="staf") for _ in range(8)]
    for victim in victims[:7]:  # one password sprayed over the accounts: one try each
        assert login(Client(), victim.username, "Blitar2024").status_code == 200
    assert login(Client(), victims[7].username, "Blitar2024").status_code == 429  # the eighth failure
    fresh = UserFactory(role="pimpinan")
    assert login(Client(), fresh.username).status_code == 429
    # The same account from another address is not locked.
    assert login(Client(), fresh.username, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_an_office_behind_one_address_mistyping_now_and_then_is_not_locked(settings):
    """The default limits: 30 colleagues behind the NAT address, each mistyping twice, all log in."""
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 100 and settings.LOGIN_ACCOUNT_FAILURE_LIMIT >= 20
    colleagues = [UserFactory(role="staf") for _ in range(30)]
    for colleague in colleagues:
        login(Client(), colleague.username, "salah")
        login(Client(), colleague.username, "salah lagi")
    assert all(login(Client(), colleague.username).status_code == 302 for colleague in colleagues)


def test_a_colleagues_login_does_not_clear_the_failures_counted_against_the_address(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    attacker_targets = [UserFactory(role="staf") for _ in range(3)]
    for target in attacker_targets:
        login(Client(), target.username, "tebakan")
    colleague = UserFactory(role="staf")
    assert login(Client(), colleague.username).status_code == 302  # clears only the colleague's own
    login(Client(), attacker_targets[0].username, "tebakan")
    assert login(Client(), UserFactory(role="pimpinan").username).status_code == 429


# --- no-store on what carries personal data --------------------------------------------------------


def test_signed_in_pages_downloads_and_the_api_are_never_stored(client_for, settings):
    from umkm_blitar.api.services import api_token_create

    business = BusinessFactory(owner_nik="3505034105900001")
    staf = client_for("staf")
    answers = [
        staf.get(reverse("registry:business_detail", args=[business.pk])),
        staf.get(reverse("registry:business_list")),
        staf.get(reverse("registry:business_export"), {"format": "csv"}),
    ]
    _, key = api_token_create(name="Uji", role="staf")
    answers.append(
        Client().get(reverse("api:business_detail", args=[business.pk]), HTTP_AUTHORIZATION=f"Bearer {key}")
    )
    for response in answers:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]
        assert "private" in response["Cache-Control"]


# --- an assessment may not rewrite what a verification relied on ----------------------------------


@pytest.fixture
def verified(new_world, users):
    world = new_world()
    enrolment = world.enrol(
        status=Enrolment.Status.NAIK_KELAS,
        verified_on=datetime.date(2024, 8, 1),
        verified_by=users["staf"],
        pendamping=users["pendamping"],
    )
    world.assess(enrolment, users["pendamping"], assessed_on=datetime.date(2024, 3, 1))
    return enrolment


@pytest.mark.parametrize("day", [datetime.date(2024, 7, 1), datetime.date(2024, 8, 1)])
def test_an_assessment_dated_on_or_before_the_verification_is_refused(verified, users, day):
    with pytest.raises(ValidationError) as refused:
        coaching_services.assessment_record(
            enrolment=verified, user=users["pendamping"], fields={"assessed_on": day, "turnover": 1}
        )
    assert "diverifikasi naik kelas pada 1 Agustus 2024" in str(refused.value)
    assert verified.assessments.count() == 1


def test_an_assessment_after_the_verification_is_recorded(verified, users):
    coaching_services.assessment_record(
        enrolment=verified, user=users["pendamping"], fields={"assessed_on": datetime.date(2024, 8, 2)}
    )
    assert verified.assessments.filter(kind=Assessment.Kind.FOLLOW_UP).count() == 1


def test_the_assessment_form_shows_the_refusal(verified, client_for):
    response = client_for("pendamping").post(
        reverse("coaching:assessment_create", args=[verified.pk]),
        {"assessed_on": "2024-07-31", "employees": "3"},
    )
    assert response.status_code == 200
    assert "diverifikasi naik kelas pada 1 Agustus 2024" in response.text
    assert verified.assessments.count() == 1


# --- ASCII digits only ---------------------------------------------------------------------------

FOREIGN_DIGITS = ["٣٠٠٠", "１０００", "३०००", "3０00"]


@pytest.mark.parametrize("value", FOREIGN_DIGITS)
def test_money_and_count_fields_refuse_digits_other_than_0_to_9(value):
    for field in (RupiahField(), CountField()):
        with pytest.raises(ValidationError):
            field.clean(value)
    assert RupiahField().clean("Rp\xa01.500.000") == 1_500_000  # a copied number with a no-break space
    assert CountField().clean("12") == 12


@pytest.mark.parametrize("value", FOREIGN_DIGITS)
def test_every_model_form_reads_its_numbers_in_ascii_only(value, new_world):
    world = new_world()
    form = BusinessForm(data=business_post(employees=value, turnover=value, year_founded=value))
    assert not form.is_valid()
    assert {"employees", "turnover", "year_founded"} <= form.errors.keys()
    programme = ProgrammeForm(data={"naik_kelas_target": value, "budget_ceiling": value, "year": value})
    assert {"naik_kelas_target", "budget_ceiling", "year"} <= programme.errors.keys()
    assessment = AssessmentForm(data={"assessed_on": "2024-09-01", "employees": value})
    assert "employees" in assessment.errors
    spending = ExpenditureForm(data={"amount": value}, programme=world.programme)
    assert "amount" in spending.errors


# --- evidence files --------------------------------------------------------------------------------


def test_evidence_goes_only_to_those_who_record_for_the_enrolment(new_world, users, client_for):
    world = new_world()
    enrolment = world.enrol(pendamping=users["pendamping"])
    enrolment.evidence.save("bukti.pdf", ContentFile(b"%PDF-1.4 bukti"), save=True)
    url = reverse("coaching:enrolment_evidence", args=[enrolment.pk])
    other_coach = Client()
    other_coach.force_login(UserFactory(role="pendamping"))
    assert other_coach.get(url).status_code == 403
    assert client_for("pimpinan").get(url).status_code == 403
    for role in ("pendamping", "staf", "admin"):
        assert client_for(role).get(url).status_code == 200, role
    page = other_coach.get(enrolment.get_absolute_url())
    assert url not in page.text


# --- the static files' manifest ----------------------------------------------------------------------


def test_the_static_manifest_is_not_served(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/app.css": "css/app.abc.css"}}')
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.abc.css").write_text("body{}")
    client = Client()  # a new client loads the middleware again, reading the new STATIC_ROOT
    assert client.get("/static/css/app.abc.css").status_code == 200
    manifest = client.get("/static/staticfiles.json")
    assert manifest.status_code != 200
    assert b"paths" not in manifest.content
