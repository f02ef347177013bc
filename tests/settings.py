"""The settings tests run with: the site's own, with tasks run at once in the test's process.

A test that needs the queue as production runs it (the database backend and a `db_worker`) sets
settings.TASKS itself (tests/browser/test_task_queue.py).
"""

from umkm_blitar.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: there every second connection (the live server's,
    # a queue worker's) fails at once on a lock instead of waiting its turn as on a real database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}  # noqa: F405

# The live server answers each request in a thread of its own; with persistent connections those
# threads would leave their connections open after the tests, and PostgreSQL would refuse to drop a
# test database still in use.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
