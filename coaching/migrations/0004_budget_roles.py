"""Once granted the roles' rights on budget lines and spending; the rights now live in one table,
registry.roles.ROLE_PERMISSIONS, applied after every migrate. Kept so the migration graph stays whole."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("coaching", "0003_budget")]

    operations = []
