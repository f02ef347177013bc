"""Trigram indexes so the registry's text search does not read every row (PostgreSQL only).

The search asks for names and owners that contain a word anywhere (`icontains`, which Django writes
as `UPPER(name::text) LIKE UPPER('%…%')`). A B-tree cannot serve a pattern with a leading wildcard;
a GIN index of the same UPPER(...) expression with pg_trgm's operator class can. SQLite, the
try-it-out database, has neither and scans, which is fine at its size.

pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. Where a server
forbids it, the search still works, only without the index, so the migration carries on and says so.
"""

from django.db import migrations, transaction

INDEXES = {
    "registry_business_name_trgm": "upper(name::text)",
    "registry_business_owner_trgm": "upper(owner_name::text)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # noqa: BLE001 — any refusal leaves the search unindexed, not broken
            print(f"\n  pg_trgm tidak dapat dipasang ({error}); pencarian registri tanpa indeks trigram.")
            return
        for name, expression in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON registry_business "
                f"USING gin ({expression} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_history_change_reason_text")]

    operations = [migrations.RunPython(create, drop)]
