"""The roles' rights on budget lines and spending (DESIGN.md §2): staf keep the books, pimpinan read
them, deleting spending stays with admin, and a pendamping does not see the money."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["budgetline", "expenditure"]
ROLE_PERMISSIONS = {
    "admin": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")],
    "staf": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")],
    "pimpinan": [f"view_{model}" for model in MODELS],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(content_type__app_label="coaching", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        Group.objects.get(name=role).permissions.remove(
            *Permission.objects.filter(content_type__app_label="coaching", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("coaching", "0003_budget")]

    operations = [migrations.RunPython(grant, revoke)]
