"""The eight coaching topics of DESIGN.md §3, and the roles' rights on the coaching app (DESIGN.md §2)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TOPICS = [
    ("kualitas-produk", "Kualitas produk"),
    ("produktivitas", "Produktivitas"),
    ("efisiensi", "Efisiensi operasional"),
    ("pemasaran-merek", "Pemasaran & merek"),
    ("perluasan-pasar", "Perluasan pasar"),
    ("perizinan", "Perizinan & legalitas"),
    ("digital", "Digitalisasi"),
    ("keuangan", "Keuangan & pembukuan"),
]

MODELS = [
    "programme", "kecamatanplan", "enrolment", "assessment", "topic", "coachingsession", "attendance",
    "event", "eventparticipant", "association", "membership",
]  # fmt: skip
ROLE_PERMISSIONS = {
    # staf create and edit everything in the programme and verify naik kelas; deleting stays with admin.
    "staf": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
    + ["verify_naik_kelas", "record_for_any_business"],
    # A pendamping records sessions, attendance and assessments — for their own businesses, which the
    # services check (they lack record_for_any_business) — and reads the rest.
    "pendamping": [f"view_{model}" for model in MODELS]
    + ["add_coachingsession", "change_coachingsession", "add_attendance", "add_assessment"],
    "pimpinan": [f"view_{model}" for model in MODELS],
}


def load_topics(apps, schema_editor):
    Topic = apps.get_model("coaching", "Topic")
    Topic.objects.bulk_create(
        Topic(slug=slug, name=name, order=i) for i, (slug, name) in enumerate(TOPICS, 1)
    )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    coaching = Permission.objects.filter(content_type__app_label="coaching")
    Group.objects.get(name="admin").permissions.add(*coaching)
    for role, codenames in ROLE_PERMISSIONS.items():
        Group.objects.get(name=role).permissions.add(*coaching.filter(codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[*ROLE_PERMISSIONS, "admin"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="coaching"))


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0001_initial"),
        ("registry", "0004_history_change_reason_text"),
    ]

    operations = [
        migrations.RunPython(load_topics, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
