"""Once created the role groups with their registry rights; the rights now live in one table,
registry.roles.ROLE_PERMISSIONS, applied after every migrate. Kept so the migration graph stays whole."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
