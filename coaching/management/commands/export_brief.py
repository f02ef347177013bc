from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coaching.brief import brief_filename, quarterly_brief_pdf
from coaching.periods import QUARTER_NAMES, QUARTERS
from registry.formatting import thousands

from .export_quarterly import programme_of_year


class Command(BaseCommand):
    help = (
        "Tulis Ringkasan Triwulan (PDF satu halaman A4) satu program: export_brief --year 2024 --quarter 4 "
        "--output ringkasan.pdf [--programme ID]. Tanpa data pribadi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Tahun anggaran program.")
        parser.add_argument("--quarter", type=int, required=True, choices=QUARTERS, help="Triwulan, 1–4.")
        parser.add_argument(
            "--output", help="Berkas tujuan; bawaannya ringkasan-triwulan-TAHUN-TRIWULAN.pdf di folder ini."
        )
        parser.add_argument("--programme", type=int, help="ID program, bila setahun ada beberapa program.")

    def handle(self, *args, year, quarter, output, programme, **options):
        chosen = programme_of_year(year, programme)
        path = Path(output or brief_filename(chosen, quarter))
        pdf = quarterly_brief_pdf(chosen, quarter)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Berkas {path} tidak dapat ditulis: {error.strerror}.") from error
        self.stdout.write(
            f"Ringkasan {QUARTER_NAMES[quarter]} {year} ({chosen.name}) ditulis ke {path} "
            f"({thousands(len(pdf))} bita)."
        )
