from pathlib import Path

from django.core.management.base import BaseCommand

from registry import open_data


class Command(BaseCommand):
    help = (
        "Tulis data terbuka registri (jumlah UMKM per kecamatan, sektor, kelas usaha dan tahun masuk "
        "registri, tanpa data pribadi) sebagai .zip berisi data.csv dan metadata.csv, untuk portal Satu Data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="berkas .zip yang ditulis")

    def handle(self, *args, **options):
        path = options["output"]
        with path.open("wb") as output:
            for chunk in open_data.open_data_zip():
                output.write(chunk)
        self.stdout.write(f"Data terbuka tersimpan: {path}")
