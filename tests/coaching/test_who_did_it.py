"""Every service records who did it; associations and session plans keep their history."""

import datetime
import inspect

import pytest
from django.urls import reverse

from coaching import services as coaching_services
from coaching.models import Association, Enrolment, KecamatanPlan
from registry import services as registry_services
from registry.models import Kecamatan, Sector
from tests.factories import AssessmentFactory, EnrolmentFactory, ProgrammeFactory


@pytest.fixture
def srengat(db):
    return Kecamatan.objects.get(name="Srengat")


# Helpers the services modules hold that are not services, and services whose rows say who by themselves.
NOT_SERVICES = {
    "even_plan",  # arithmetic
    "save_with_history",  # the services' own writer, given the user by them
    "check_version",  # a check inside a service
    "import_progress",  # a file name
    "user_create_with_role",  # run from the shell by the server's operator; logins keep no history
}


def services_of(module):
    return [
        (name, function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__.startswith(module.__name__)
        and not name.startswith("_")
        and name not in NOT_SERVICES
    ]


@pytest.mark.parametrize(
    ("name", "function"), [*services_of(coaching_services), *services_of(registry_services)]
)
def test_every_service_takes_the_user_as_a_keyword(name, function):
    parameters = inspect.signature(function).parameters
    # The registry import's jobs act for the person recorded on the import (uploaded by, confirmed by).
    if name.startswith("registry_import_") and "user" not in parameters:
        assert "registry_import" in parameters
        return

    assert "user" in parameters, f"{name} does not say who did it"
    assert parameters["user"].kind is inspect.Parameter.KEYWORD_ONLY


def test_a_new_association_records_who_formed_it(staf):
    association = coaching_services.association_create(
        user=staf, fields={"name": "Asosiasi Keripik Blitar", "sector": Sector.objects.first()}
    )

    record = association.history.get()
    assert record.history_user == staf
    assert record.history_type == "+"
    assert record.history_change_reason == "Asosiasi dibentuk"


def test_a_new_programme_s_session_plan_records_who_made_it(staf):
    programme = coaching_services.programme_create(
        user=staf,
        fields={
            "year": 2025,
            "name": "Pembinaan UMKM 2025",
            "budget_ceiling": 1_500_000_000,
            "naik_kelas_target": 200,
            "starts_on": datetime.date(2025, 1, 1),
            "ends_on": datetime.date(2025, 12, 31),
        },
        planned_sessions_total=44,
    )

    plans = KecamatanPlan.history.filter(programme=programme)
    assert plans.count() == Kecamatan.objects.count() == 22
    assert {record.history_user for record in plans} == {staf}


def test_changing_the_plan_records_who_changed_which_kecamatan(staf, srengat):
    programme = ProgrammeFactory()
    bakung = Kecamatan.objects.get(name="Bakung")
    KecamatanPlan.objects.create(programme=programme, kecamatan=srengat, planned_sessions=2)
    KecamatanPlan.objects.create(programme=programme, kecamatan=bakung, planned_sessions=2)

    coaching_services.programme_set_plan(
        programme=programme, user=staf, planned={srengat.pk: 2, bakung.pk: 5}
    )

    changed = KecamatanPlan.history.filter(programme=programme, history_user=staf)
    assert [(record.kecamatan_id, record.planned_sessions) for record in changed] == [(bakung.pk, 5)]
    assert changed.get().history_change_reason == "Rencana sesi diubah"


def test_a_plan_for_a_kecamatan_without_one_is_made_once(staf, srengat):
    programme = ProgrammeFactory()

    coaching_services.programme_set_plan(programme=programme, user=staf, planned={srengat.pk: 3})
    coaching_services.programme_set_plan(programme=programme, user=staf, planned={srengat.pk: 4})

    assert KecamatanPlan.objects.get(programme=programme, kecamatan=srengat).planned_sessions == 4
    assert [r.history_type for r in KecamatanPlan.history.filter(programme=programme)] == ["~", "+"]


def test_the_plan_page_records_the_person_who_saved_it(client_for, staf, srengat):
    programme = ProgrammeFactory()
    plan = KecamatanPlan.objects.create(programme=programme, kecamatan=srengat, planned_sessions=1)
    client = client_for("staf")
    form = client.get(reverse("coaching:programme_plan", args=[programme.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data[f"kecamatan_{srengat.pk}"] = "6"

    client.post(reverse("coaching:programme_plan", args=[programme.pk]), data)

    plan.refresh_from_db()
    assert plan.planned_sessions == 6
    assert plan.history.first().history_user.username == "staf-uji"


@pytest.mark.parametrize("model", ["association", "kecamatanplan"])
def test_the_admin_shows_the_history_of_associations_and_plans(client_for, staf, srengat, model):
    row = (
        Association.objects.create(name="Asosiasi Batik Blitar")
        if model == "association"
        else KecamatanPlan.objects.create(programme=ProgrammeFactory(), kecamatan=srengat)
    )

    response = client_for("admin").get(reverse(f"admin:coaching_{model}_history", args=[row.pk]))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 1


# --- the stored naik-kelas verdict ---------------------------------------------------------------


def candidate_follow_up(**changes) -> dict:
    return {"assessed_on": datetime.date(2024, 6, 1), "has_nib": True, "sells_online": True, **changes}


def test_recording_a_follow_up_stores_the_verdict_on_the_enrolment(staf):
    enrolment = EnrolmentFactory()
    coaching_services.assessment_record(
        enrolment=enrolment, user=staf, fields={"assessed_on": datetime.date(2024, 2, 1)}
    )
    enrolment.refresh_from_db()
    assert (enrolment.is_candidate, enrolment.candidate_criteria) == (False, "")

    coaching_services.assessment_record(enrolment=enrolment, user=staf, fields=candidate_follow_up())

    enrolment.refresh_from_db()
    assert enrolment.is_candidate
    assert enrolment.candidate_criteria == "NIB baru; mulai berjualan daring"


def test_raising_the_rule_s_bar_recomputes_the_cohort(staf):
    enrolment = EnrolmentFactory()
    AssessmentFactory(enrolment=enrolment)
    coaching_services.assessment_record(enrolment=enrolment, user=staf, fields=candidate_follow_up())

    coaching_services.programme_update(
        programme=enrolment.programme, user=staf, fields={"min_new_indicators": 3}
    )

    enrolment.refresh_from_db()
    assert not enrolment.is_candidate
    assert enrolment.candidate_criteria == "NIB baru; mulai berjualan daring"


def test_the_stored_verdict_stays_out_of_the_enrolment_s_history(staf):
    enrolment = EnrolmentFactory()
    AssessmentFactory(enrolment=enrolment)

    coaching_services.assessment_record(enrolment=enrolment, user=staf, fields=candidate_follow_up())

    assert enrolment.history.count() == 1
    assert "is_candidate" not in {field.name for field in enrolment.history.model._meta.fields}


def test_deleting_a_follow_up_in_the_admin_recomputes_the_verdict(client_for, staf):
    enrolment = EnrolmentFactory()
    AssessmentFactory(enrolment=enrolment)
    follow_up = coaching_services.assessment_record(
        enrolment=enrolment, user=staf, fields=candidate_follow_up()
    )
    assert Enrolment.objects.get(pk=enrolment.pk).is_candidate

    response = client_for("admin").post(
        reverse("admin:coaching_assessment_delete", args=[follow_up.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Enrolment.objects.get(pk=enrolment.pk).is_candidate
