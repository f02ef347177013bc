from django.db import migrations, models


class Migration(migrations.Migration):
    """A change reason holds what a person wrote; simple-history's default is 100 characters."""

    dependencies = [("registry", "0003_roles")]

    operations = [
        migrations.AlterField(
            model_name="historicalbusiness",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
    ]
