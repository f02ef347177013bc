"""Dump the whole database to one file and restore such a file into an empty database.

PostgreSQL goes through pg_dump/pg_restore (custom format), SQLite through its online backup API. Both
copy every table — Django's, the apps', django-simple-history's, axes' — so a restore brings back the
users, the coaching records and their history exactly as they were. Uploaded files (MEDIA_ROOT) are
not in the database and are backed up separately.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import load_backend
from django.utils import timezone

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
ENGINES = {"django.db.backends.postgresql": POSTGRESQL, "django.db.backends.sqlite3": SQLITE}

# The first bytes of each kind of backup file, to refuse the wrong one before touching the database.
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"

# Connection options of a DATABASE_URL (?sslmode=require) that pg_dump/pg_restore read from libpq's
# environment, as they read the password: nothing secret on the command line, where `ps` shows it.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the person running it."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    size: int
    seconds: float


def default_backup_path(now=None) -> Path:
    """backups/umkm-blitar-20261128-1405.dump in the project folder, in the office's time."""
    now = timezone.localtime(now)
    return Path(settings.BASE_DIR) / "backups" / f"umkm-blitar-{now:%Y%m%d-%H%M}.dump"


def format_size(size: int) -> str:
    """12,3 MB: a file size as the office writes numbers."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} bita"


def format_seconds(seconds: float) -> str:
    """2,4 detik."""
    return f"{seconds:.1f} detik".replace(".", ",")


def describe(settings_dict: dict) -> str:
    """Which database: 'umkm_blitar (PostgreSQL di 127.0.0.1:5432)' or the SQLite file."""
    if _kind(settings_dict) == POSTGRESQL:
        where = settings_dict.get("HOST") or "soket lokal"
        if settings_dict.get("PORT"):
            where = f"{where}:{settings_dict['PORT']}"
        return f"{settings_dict['NAME']} (PostgreSQL di {where})"
    return f"{settings_dict['NAME']} (SQLite)"


def configured_database() -> dict:
    """The settings of the database the app uses (under tests, the test database)."""
    return connections[DEFAULT_DB_ALIAS].settings_dict


def backup_database(output: Path, *, settings_dict: dict | None = None) -> Outcome:
    """Dump the whole database to `output`, which must not exist yet; return its size and duration."""
    settings_dict = settings_dict or configured_database()
    kind = _kind(settings_dict)
    output = Path(output)
    if kind == POSTGRESQL:
        command = [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
        command += _connection_arguments(settings_dict)
    started = time.monotonic()
    # Written beside the target under a temporary name (readable by its owner only: the dump holds
    # password hashes and NIK) and renamed when complete, so a failed run never leaves half a backup.
    with _file_being_written(output) as partial:
        if kind == POSTGRESQL:
            _run([*command, f"--file={partial}"], settings_dict)
        else:
            _sqlite_copy(source=_sqlite_open_existing(str(settings_dict["NAME"])), target=str(partial))
    return Outcome(path=output, size=output.stat().st_size, seconds=time.monotonic() - started)


def restore_database(source: Path, *, settings_dict: dict | None = None) -> Outcome:
    """Restore a backup into the database, which must be empty; change nothing if it is not."""
    settings_dict = settings_dict or configured_database()
    kind = _kind(settings_dict)
    source = Path(source)
    _check_backup_file(source, kind)
    if kind == POSTGRESQL:
        # One transaction that stops at the first error: a restore either lands whole or not at all.
        command = [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        command += ["--single-transaction", *_connection_arguments(settings_dict), str(source)]
    tables = tables_in(settings_dict)
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"Basis data tujuan {describe(settings_dict)} tidak kosong: sudah ada {len(tables)} tabel "
            f"({shown}). Pemulihan hanya boleh ke basis data baru yang kosong; tidak ada yang diubah."
        )
    started = time.monotonic()
    if kind == POSTGRESQL:
        _run(command, settings_dict)
    else:
        with contextlib.closing(sqlite3.connect(settings_dict["NAME"], uri=True)) as target:
            _sqlite_copy(source=_sqlite_open_existing(str(source)), target=target)
    return Outcome(path=source, size=source.stat().st_size, seconds=time.monotonic() - started)


def tables_in(settings_dict: dict) -> list[str]:
    """Every table of that database, through a connection of its own."""
    try:
        with connection_to(settings_dict) as connection, connection.cursor() as cursor:
            return sorted(connection.introspection.table_names(cursor))
    except DatabaseError as error:
        raise BackupError(f"Tidak bisa membuka basis data {describe(settings_dict)}: {error}") from error


@contextlib.contextmanager
def connection_to(settings_dict: dict):
    """A Django connection of its own to the database `settings_dict` describes, closed afterwards."""
    backend = load_backend(settings_dict["ENGINE"])
    connection = backend.DatabaseWrapper({**configured_database(), **settings_dict}, alias="backup")
    try:
        yield connection
    finally:
        connection.close()


def _kind(settings_dict: dict) -> str:
    try:
        return ENGINES[settings_dict["ENGINE"]]
    except KeyError:
        raise BackupError(
            f"Cadangan hanya tersedia untuk PostgreSQL dan SQLite, bukan {settings_dict['ENGINE']}."
        ) from None


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Program {name} tidak ditemukan. Pasang klien PostgreSQL yang versinya sama dengan "
            "servernya (Debian 12: apt-get install postgresql-client-15)."
        )
    return path


def _connection_arguments(settings_dict: dict) -> list[str]:
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{option}={settings_dict[key]}")
    return arguments + [f"--dbname={settings_dict['NAME']}"]


def _run(command: list[str], settings_dict: dict) -> None:
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in LIBPQ_OPTIONS.items():
        if option in settings_dict.get("OPTIONS", {}):
            environment[variable] = str(settings_dict["OPTIONS"][option])
    program = Path(command[0]).name
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BackupError(f"{program} tidak bisa dijalankan: {error}") from error
    if result.returncode != 0:
        raise BackupError(f"{program} gagal (kode {result.returncode}): {result.stderr.strip()}")


@contextlib.contextmanager
def _file_being_written(output: Path):
    """A new, private file beside `output` to write into; renamed to `output` if all goes well."""
    if output.exists():
        raise BackupError(f"Berkas {output} sudah ada; cadangan lama tidak ditimpa. Pilih nama lain.")
    try:
        output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".partial")
        os.close(descriptor)
    except OSError as error:
        raise BackupError(f"Berkas cadangan {output} tidak bisa ditulis: {error.strerror}.") from error
    partial = Path(name)
    try:
        yield partial
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


def _check_backup_file(source: Path, kind: str) -> None:
    try:
        with source.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"Berkas cadangan {source} tidak bisa dibaca: {error.strerror}.") from error
    expected = PG_DUMP_MAGIC if kind == POSTGRESQL else SQLITE_MAGIC
    if not start.startswith(expected):
        made_by = "PostgreSQL (pg_dump)" if kind == POSTGRESQL else "SQLite"
        raise BackupError(
            f"Berkas {source} bukan cadangan {made_by}, jenis basis data yang dipakai sekarang; "
            "tidak ada yang diubah."
        )


def _sqlite_open_existing(name: str) -> sqlite3.Connection:
    """Open a SQLite database that must already exist (connect() would make an empty one)."""
    uri = name if name.startswith("file:") else Path(name).absolute().as_uri() + "?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"Basis data SQLite {name} tidak bisa dibuka: {error}.") from error


def _sqlite_copy(*, source: sqlite3.Connection, target: sqlite3.Connection | str) -> None:
    """Copy every page of `source` into `target` with SQLite's online backup, consistent as of its start."""
    with contextlib.closing(source):
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("Berkas SQLite rusak (PRAGMA quick_check gagal); tidak ada yang diubah.")
            if isinstance(target, str):
                with contextlib.closing(sqlite3.connect(target)) as connection:
                    source.backup(connection)
            else:
                source.backup(target)
        except sqlite3.Error as error:
            raise BackupError(f"Salinan SQLite gagal: {error}.") from error
