from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from umkm_blitar import backups


class Command(BaseCommand):
    help = (
        "Cadangkan seluruh basis data (semua tabel, termasuk pengguna dan riwayat) ke satu berkas: "
        "pg_dump format custom untuk PostgreSQL, salinan berkas untuk SQLite. Berkas unggahan "
        "(MEDIA_ROOT) tidak termasuk; cadangkan terpisah."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="berkas tujuan (belum boleh ada); bawaan backups/umkm-blitar-YYYYMMDD-HHMM.dump",
        )

    def handle(self, *args, **options):
        output = options["output"] or backups.default_backup_path()
        try:
            outcome = backups.backup_database(output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Cadangan tersimpan: {outcome.path} ({backups.format_size(outcome.size)}, "
            f"{backups.format_seconds(outcome.seconds)})."
        )
