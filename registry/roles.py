"""The four roles of DESIGN.md §2 and the rights each holds: the one table of who may do what.

A role is a Django group; a right is a Django permission (`app_label.codename`). Views and services
check permissions, never group names, so a right moves between roles by changing ROLE_PERMISSIONS
alone. `apply_roles` runs after every `migrate` (registry.apps connects it to post_migrate) and makes
each group hold exactly its row of the table: missing rights are added, rights not in the table
removed. The coaching app's rights are named here as strings, so registry still imports nothing of
coaching. Object-level rights (a pendamping records only for the businesses assigned to them) are
the services' business: `coaching.record_for_any_business` is what lifts that limit for staf.
"""

from django.db import DEFAULT_DB_ALIAS

ADMIN = "admin"
STAF = "staf"
PENDAMPING = "pendamping"
PIMPINAN = "pimpinan"

ROLE_CHOICES = [
    (ADMIN, "Admin (data/IT)"),
    (STAF, "Staf Dinas"),
    (PENDAMPING, "Pendamping lapangan"),
    (PIMPINAN, "Pimpinan (Kepala Dinas/Kabid)"),
]
ROLES = [code for code, _ in ROLE_CHOICES]

EVERY_PERMISSION = "__all__"


def rights(app_label: str, actions: list[str], models: list[str]) -> frozenset[str]:
    """Every action on every model: rights("registry", ["view"], ["desa"]) → {"registry.view_desa"}."""
    return frozenset(f"{app_label}.{action}_{model}" for model in models for action in actions)


READ = ["view"]
WRITE = ["view", "add", "change"]  # deleting stays with admin

REFERENCE_DATA = ["kecamatan", "desa", "sector", "kblicode"]
PROGRAMME_WORK = [
    "programme", "kecamatanplan", "enrolment", "assessment", "topic", "coachingsession", "attendance",
    "event", "eventparticipant", "association", "membership",
]  # fmt: skip
MONEY = ["budgetline", "expenditure", "subactivity"]

ROLE_PERMISSIONS: dict[str, frozenset[str] | str] = {
    # Everything, users and reference data included (an admin user is also a superuser).
    ADMIN: EVERY_PERMISSION,
    # Create and edit the registry, programme, cohort, sessions, budget and events; verify naik kelas;
    # see the whole NIK; read the import log and the reference data.
    STAF: rights("registry", WRITE, ["business"])
    | rights("registry", READ, [*REFERENCE_DATA, "registryimport"])
    | rights("coaching", WRITE, [*PROGRAMME_WORK, *MONEY])
    | {
        "registry.view_nik",
        "coaching.verify_naik_kelas",
        "coaching.record_for_any_business",
    }
    # Work offline at drives, and confirm the walk-ins the sync matched to a business already known.
    | rights("fieldwork", WRITE, ["offlinerecord"])
    # People's requests about their data (UU 27/2022): recorded, answered, and the access export.
    | rights("privacy", WRITE, ["subjectrequest"])
    | {"privacy.export_personal_data"},
    # Record sessions, attendance and assessments (for their own businesses: the services check);
    # read the registry (NIK masked) and the programme; not the money.
    PENDAMPING: rights("registry", READ, ["business", *REFERENCE_DATA])
    | rights("coaching", READ, PROGRAMME_WORK)
    | {
        "coaching.add_coachingsession",
        "coaching.change_coachingsession",
        "coaching.add_attendance",
        "coaching.add_assessment",
        # Work offline (/luring/): sessions, assessments and walk-ins at drives, sent when online.
        "fieldwork.add_offlinerecord",
    },
    # Read everything, dashboards and exports, the money included (NIK masked); change nothing.
    PIMPINAN: rights("registry", READ, ["business", *REFERENCE_DATA])
    | rights("coaching", READ, [*PROGRAMME_WORK, *MONEY]),
}


def role_of(user) -> str | None:
    """The user's role: the first of their groups that is a role (admin first)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    names = {group.name for group in user.groups.all()}
    return next((role for role in ROLES if role in names), None)


def apply_roles(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Make each role's group hold exactly its row of ROLE_PERMISSIONS; running it again changes nothing."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # post_migrate reaches registry before the apps after it have their permissions: make them all now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    permissions = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, granted in ROLE_PERMISSIONS.items():
        wanted = set(permissions.values()) if granted == EVERY_PERMISSION else _known(granted, permissions)
        group, _ = Group.objects.using(using).get_or_create(name=role)
        held = set(group.permissions.values_list("pk", flat=True))
        if held - wanted:
            group.permissions.remove(*(held - wanted))
        if wanted - held:
            group.permissions.add(*(wanted - held))


def _known(granted: frozenset[str], permissions: dict[str, int]) -> set[int]:
    unknown = sorted(name for name in granted if name not in permissions)
    if unknown:
        raise LookupError(f"The role table names permissions that do not exist: {', '.join(unknown)}")
    return {permissions[name] for name in granted}
