"""`manage.py backup_db` / `restore_db`: the whole demo goes into one file and comes back row for row.

Runs on the database of the test run: SQLite by default, PostgreSQL (pg_dump/pg_restore) in CI.
"""

import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from demo.registry import DEFAULT_BUSINESSES
from tests.factories import BusinessFactory
from umkm_blitar import backups

# pg_dump reads the database from its own connection, so it sees committed rows only: these tests
# commit (transactional) and have the migrations' rows (kecamatan, desa, sectors, roles) loaded first.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Tables the demo must fill, so that an empty dump and an empty restore cannot agree with each other.
FILLED_BY_THE_DEMO = [
    "auth_user",
    "auth_user_groups",
    "django_migrations",
    "django_session",
    "registry_business",
    "registry_historicalbusiness",
    "coaching_coachingsession",
    "coaching_attendance",
    "coaching_historicalenrolment",
    "coaching_expenditure",
]


@pytest.fixture
def empty_database(tmp_path, django_db_blocker):
    """Settings of a new, empty database: `<test database>_restore` on PostgreSQL, a file on SQLite."""
    if connection.vendor == "sqlite":
        yield {**connection.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    drop = f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(drop)  # left over from an interrupted run
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    yield {**connection.settings_dict, "NAME": name}
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(drop)


def contents(database) -> dict[str, tuple[int, str]]:
    """Each table's row count and an md5 of its rows in primary-key order; the sequences' positions."""
    quote = database.ops.quote_name
    found = {}
    with database.cursor() as cursor:
        for table in database.introspection.table_names(cursor):
            order = database.introspection.get_primary_key_columns(cursor, table) or [
                column.name for column in database.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {', '.join(map(quote, order))}")
            rows = cursor.fetchall()
            found[table] = (len(rows), hashlib.md5(repr(rows).encode()).hexdigest())
        if database.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename")
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        sequences = cursor.fetchall()
        found["(sequences)"] = (len(sequences), repr(sequences))
    return found


def pending_migrations(database) -> list[tuple[str, str]]:
    """The project's migrations that database has not recorded as applied."""
    with database.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    return sorted(set(MigrationLoader(None).graph.nodes) - applied)


@committed
def test_the_full_demo_comes_back_row_for_row_in_an_empty_database(tmp_path, settings, empty_database):
    call_command("seed_demo", stdout=StringIO())
    SessionStore().create()  # someone logged in: django_session is copied too
    settings.BASE_DIR = tmp_path  # the default file goes to <project>/backups/
    out = StringIO()

    call_command("backup_db", stdout=out)

    [dump] = (tmp_path / "backups").iterdir()
    assert dump.name.startswith("umkm-blitar-") and dump.suffix == ".dump"
    assert f"Cadangan tersimpan: {dump} ({backups.format_size(dump.stat().st_size)}" in out.getvalue()
    original = contents(connection)
    assert original["registry_business"][0] == DEFAULT_BUSINESSES
    assert [table for table in FILLED_BY_THE_DEMO if original[table][0] == 0] == []

    outcome = backups.restore_database(dump, settings_dict=empty_database)

    assert outcome.path == dump
    with backups.connection_to(empty_database) as restored:
        assert contents(restored) == original
        assert pending_migrations(restored) == []


@committed
def test_a_restore_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(tmp_path):
    dump = tmp_path / "cadangan.dump"
    call_command("backup_db", output=dump, stdout=StringIO())
    BusinessFactory()  # a row the backup does not have, which a restore would lose
    before = contents(connection)

    with pytest.raises(CommandError, match="tidak kosong") as refused:
        call_command("restore_db", dump, stdout=StringIO())

    assert "tidak ada yang diubah" in str(refused.value)
    assert contents(connection) == before


def test_a_backup_to_a_place_that_cannot_be_written_says_so(tmp_path):
    not_a_folder = tmp_path / "bukan-folder"
    not_a_folder.write_text("")

    with pytest.raises(CommandError, match="tidak bisa ditulis") as refused:
        call_command("backup_db", output=not_a_folder / "cadangan.dump", stdout=StringIO())

    assert str(not_a_folder / "cadangan.dump") in str(refused.value)
    assert list(tmp_path.iterdir()) == [not_a_folder]


def test_a_backup_never_overwrites_an_earlier_one(tmp_path):
    earlier = tmp_path / "cadangan.dump"
    earlier.write_bytes(b"cadangan kemarin")

    with pytest.raises(CommandError, match="sudah ada"):
        call_command("backup_db", output=earlier, stdout=StringIO())

    assert earlier.read_bytes() == b"cadangan kemarin"
    assert list(tmp_path.iterdir()) == [earlier]


def test_a_file_that_is_no_backup_of_this_database_is_refused(tmp_path):
    other = tmp_path / "catatan.txt"
    other.write_text("bukan cadangan")

    with pytest.raises(CommandError, match="bukan cadangan"):
        call_command("restore_db", other, stdout=StringIO())


def test_without_the_postgresql_client_the_error_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    postgresql = {"ENGINE": "django.db.backends.postgresql", "NAME": "umkm_blitar", "HOST": "127.0.0.1"}
    dump = tmp_path / "cadangan.dump"

    with pytest.raises(backups.BackupError, match="pg_dump tidak ditemukan.*postgresql-client-15"):
        backups.backup_database(dump, settings_dict=postgresql)
    assert list(tmp_path.iterdir()) == []

    dump.write_bytes(backups.PG_DUMP_MAGIC + b"...")
    with pytest.raises(backups.BackupError, match="pg_restore tidak ditemukan"):
        backups.restore_database(dump, settings_dict=postgresql)


def test_the_default_file_is_named_after_the_office_time(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    moment = datetime.datetime(2026, 11, 28, 7, 5, tzinfo=datetime.UTC)

    assert backups.default_backup_path(moment) == tmp_path / "backups" / "umkm-blitar-20261128-1405.dump"
