"""Create the four role groups of DESIGN.md §2 with their registry permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "admin": "__all__",
    "staf": [
        "view_business",
        "add_business",
        "change_business",
        "view_nik",
        "view_kecamatan",
        "view_desa",
        "view_sector",
        "view_kblicode",
    ],
    "pendamping": ["view_business", "view_kecamatan", "view_desa", "view_sector", "view_kblicode"],
    "pimpinan": ["view_business", "view_kecamatan", "view_desa", "view_sector", "view_kblicode"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if codenames == "__all__":
            group.permissions.set(Permission.objects.all())
        else:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="registry", codename__in=codenames)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
