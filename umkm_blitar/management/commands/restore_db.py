from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from umkm_blitar import backups


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan dari backup_db ke basis data yang dikonfigurasi (DATABASE_URL), yang harus "
        "kosong: basis data baru tanpa tabel. Bila tidak kosong, tidak ada yang diubah. Tidak perlu "
        "migrate sesudahnya."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="berkas cadangan buatan backup_db")

    def handle(self, *args, **options):
        try:
            target = backups.describe(backups.configured_database())
            outcome = backups.restore_database(options["file"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Cadangan {outcome.path} dipulihkan ke {target} dalam {backups.format_seconds(outcome.seconds)}."
        )
