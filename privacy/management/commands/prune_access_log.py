from django.conf import settings
from django.core.management.base import BaseCommand

from privacy.services import access_log_prune


class Command(BaseCommand):
    help = "Hapus catatan akses data pribadi yang lebih tua dari masa simpannya (ACCESS_LOG_RETENTION_DAYS)."

    def handle(self, *args, **options):  # noqa: ARG002 (BaseCommand's signature)
        deleted = access_log_prune()
        days = settings.ACCESS_LOG_RETENTION_DAYS
        self.stdout.write(f"{deleted} catatan akses lebih tua dari {days} hari dihapus.")
