"""The settings tests run with: the site's own, with tasks run at once in the test's process.

A test that needs the queue as production runs it (the database backend and a `db_worker`) sets
settings.TASKS itself (tests/browser/test_task_queue.py).
"""

from umkm_blitar.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
