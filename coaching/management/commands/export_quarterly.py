from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coaching.models import Programme
from coaching.periods import QUARTER_NAMES, QUARTERS
from coaching.reports import quarterly_workbook, report_filename
from registry.formatting import thousands


class Command(BaseCommand):
    help = (
        "Tulis Laporan Triwulan (.xlsx) satu program: export_quarterly --year 2024 --quarter 2 "
        "--output laporan.xlsx [--programme ID]. NIK disamarkan kecuali dengan --show-nik."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Tahun anggaran program.")
        parser.add_argument("--quarter", type=int, required=True, choices=QUARTERS, help="Triwulan, 1–4.")
        parser.add_argument(
            "--output", help="Berkas tujuan; bawaannya laporan-triwulan-TAHUN-TRIWULAN.xlsx di folder ini."
        )
        parser.add_argument("--programme", type=int, help="ID program, bila setahun ada beberapa program.")
        # The file leaves the system, so NIK stays masked unless whoever runs this asks otherwise.
        parser.add_argument(
            "--show-nik", action="store_true", help="Tulis NIK utuh (hanya untuk admin/staf yang berhak)."
        )

    def handle(self, *args, year, quarter, output, programme, show_nik, **options):
        chosen = programme_of_year(year, programme)
        path = Path(output or report_filename(chosen, quarter))
        workbook = quarterly_workbook(chosen, quarter, show_nik=show_nik)
        try:
            path.write_bytes(workbook)
        except OSError as error:
            raise CommandError(f"Berkas {path} tidak dapat ditulis: {error.strerror}.") from error
        self.stdout.write(
            f"Laporan {QUARTER_NAMES[quarter]} {year} ({chosen.name}) ditulis ke {path} "
            f"({thousands(len(workbook))} bita, NIK {'utuh' if show_nik else 'disamarkan'})."
        )


def programme_of_year(year: int, programme_id: int | None) -> Programme:
    """The programme a command names by year (and ID when the year has several), or why there is none."""
    programmes = list(Programme.objects.filter(year=year).order_by("pk"))
    if programme_id is not None:
        for programme in programmes:
            if programme.pk == programme_id:
                return programme
        raise CommandError(f"Tidak ada program dengan ID {programme_id} di tahun {year}.")
    if not programmes:
        raise CommandError(f"Tidak ada program di tahun {year}.")
    if len(programmes) > 1:
        listed = "\n".join(f"  --programme {programme.pk}: {programme.name}" for programme in programmes)
        raise CommandError(f"Tahun {year} punya {len(programmes)} program; pilih satu:\n{listed}")
    return programmes[0]
