"""The eight coaching topics of DESIGN.md §3. (The roles' rights on the coaching app, once granted here,
live in registry.roles.ROLE_PERMISSIONS, applied after every migrate.)"""

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


def load_topics(apps, schema_editor):
    Topic = apps.get_model("coaching", "Topic")
    Topic.objects.bulk_create(
        Topic(slug=slug, name=name, order=i) for i, (slug, name) in enumerate(TOPICS, 1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0001_initial"),
        ("registry", "0004_history_change_reason_text"),
    ]

    operations = [
        migrations.RunPython(load_topics, migrations.RunPython.noop),
    ]
