import signal
import socket
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Jalankan pekerja antrean tugas (manage.py db_worker) sebanyak DJANGO_TASK_WORKERS (bawaan 1), "
        "masing-masing satu tugas sekaligus; berhenti bersama bila salah satunya berhenti."
    )

    def handle(self, *args, **options):
        host = socket.gethostname()[:40]
        workers = [
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", f"--worker-id={host}-{number}"],
                cwd=settings.BASE_DIR,
            )
            for number in range(1, settings.TASK_WORKERS + 1)
        ]
        self.stdout.write(f"{len(workers)} pekerja antrean berjalan.")

        def stop(*_signal):
            for worker in workers:
                worker.send_signal(signal.SIGTERM)  # each finishes its task first

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        codes = [worker.wait() for worker in workers]
        sys.exit(max(codes, default=0))
