"""The role table (registry.roles) held against DESIGN.md §2, and its application after migrate."""

import pytest
from django.contrib.auth.models import Group, Permission

from registry.roles import ADMIN, PENDAMPING, PIMPINAN, ROLE_PERMISSIONS, ROLES, STAF, apply_roles

pytestmark = pytest.mark.django_db


def held(role: str) -> set[str]:
    """What the role's group holds in the database, as app_label.codename."""
    return set(
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def every_permission() -> set[str]:
    return set(
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    )


PROGRAMME_WORK = [
    "programme", "kecamatanplan", "enrolment", "assessment", "coachingsession", "attendance", "event",
    "eventparticipant", "association", "membership", "budgetline", "expenditure",
]  # fmt: skip
REGISTRY_READ = ["business", "kecamatan", "desa", "sector", "kblicode"]


def test_the_table_names_exactly_the_four_roles_of_the_design():
    assert list(ROLE_PERMISSIONS) == ROLES == [ADMIN, STAF, PENDAMPING, PIMPINAN]


@pytest.mark.parametrize("role", ROLES)
def test_after_migrate_each_group_holds_exactly_its_row_of_the_table(role):
    granted = ROLE_PERMISSIONS[role]
    expected = every_permission() if granted == "__all__" else set(granted)

    assert held(role) == expected


def test_admin_may_do_everything_users_and_reference_data_included():
    admin = held(ADMIN)

    assert admin == every_permission()
    assert {"auth.add_user", "auth.change_user", "auth.change_group"} <= admin
    assert {"registry.change_kecamatan", "registry.change_desa", "registry.add_sector"} <= admin
    assert {"registry.change_kblicode", "coaching.delete_expenditure", "registry.delete_business"} <= admin


def test_staf_create_and_edit_registry_programme_cohort_sessions_budget_and_events_and_verify():
    staf = held(STAF)

    assert {"registry.add_business", "registry.change_business", "registry.view_nik"} <= staf
    for model in PROGRAMME_WORK:
        assert {f"coaching.view_{model}", f"coaching.add_{model}", f"coaching.change_{model}"} <= staf
    assert {"coaching.verify_naik_kelas", "coaching.record_for_any_business"} <= staf


def test_staf_delete_nothing_and_leave_users_and_reference_data_to_admin():
    staf = held(STAF)

    assert not any(name.split(".")[1].startswith("delete_") for name in staf)
    assert not any(name.startswith("auth.") for name in staf)
    assert {"registry.view_kecamatan", "registry.view_sector"} <= staf
    assert not {"registry.change_kecamatan", "registry.change_desa", "registry.add_sector"} & staf


def test_pendamping_record_sessions_attendance_and_assessments_and_read_the_registry():
    pendamping = held(PENDAMPING)

    assert {
        "coaching.add_coachingsession",
        "coaching.change_coachingsession",
        "coaching.add_attendance",
        "coaching.add_assessment",
    } <= pendamping
    assert {f"registry.view_{model}" for model in REGISTRY_READ} <= pendamping


def test_pendamping_are_limited_to_their_own_businesses_and_see_neither_nik_nor_money():
    pendamping = held(PENDAMPING)

    # Without record_for_any_business the services let them record only for their own businesses.
    assert "coaching.record_for_any_business" not in pendamping
    assert "coaching.verify_naik_kelas" not in pendamping
    assert "registry.view_nik" not in pendamping
    assert not {"coaching.view_budgetline", "coaching.view_expenditure"} & pendamping
    assert not any(
        name.startswith("registry.") and not name.startswith("registry.view_") for name in pendamping
    )
    writes = {name for name in pendamping if not name.split(".")[1].startswith("view_")}
    assert writes == {
        "coaching.add_coachingsession",
        "coaching.change_coachingsession",
        "coaching.add_attendance",
        "coaching.add_assessment",
        # The same, offline (/luring/), and walk-ins at drives; matches go to staf.
        "fieldwork.add_offlinerecord",
    }


def test_only_staf_and_admin_confirm_the_walk_ins_matched_offline():
    assert "fieldwork.change_offlinerecord" in held(STAF)
    assert "fieldwork.change_offlinerecord" not in held(PENDAMPING) | held(PIMPINAN)
    assert "fieldwork.add_offlinerecord" not in held(PIMPINAN)


def test_pimpinan_read_everything_and_change_nothing():
    pimpinan = held(PIMPINAN)

    assert all(name.split(".")[1].startswith("view_") for name in pimpinan)
    assert {f"registry.view_{model}" for model in REGISTRY_READ} <= pimpinan
    assert {f"coaching.view_{model}" for model in PROGRAMME_WORK} <= pimpinan
    # The whole NIK is shown to admin and staf only (UU 27/2022).
    assert "registry.view_nik" not in pimpinan


def test_applying_the_table_twice_changes_nothing():
    before = {role: held(role) for role in ROLES}

    apply_roles()
    apply_roles()

    assert {role: held(role) for role in ROLES} == before
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)


def test_a_stray_permission_is_removed_and_a_missing_one_added_back():
    staf = Group.objects.get(name=STAF)
    staf.permissions.add(Permission.objects.get(codename="delete_business"))
    staf.permissions.remove(Permission.objects.get(codename="verify_naik_kelas"))

    apply_roles()

    assert "registry.delete_business" not in held(STAF)
    assert "coaching.verify_naik_kelas" in held(STAF)
    assert held(STAF) == ROLE_PERMISSIONS[STAF]


def test_a_deleted_group_is_made_again():
    Group.objects.filter(name=PIMPINAN).delete()

    apply_roles()

    assert held(PIMPINAN) == ROLE_PERMISSIONS[PIMPINAN]


def test_a_permission_the_table_names_must_exist(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, STAF, frozenset({"coaching.fly_to_the_moon"}))

    with pytest.raises(LookupError, match="coaching.fly_to_the_moon"):
        apply_roles()
