from django.core.management.base import BaseCommand, CommandError

from registry import tallies

SHOWN = 20  # differences listed; the rest are counted


class Command(BaseCommand):
    help = (
        "Hitung ulang ringkasan registri (angka dasbor, halaman kecamatan, laporan, data terbuka) dari "
        "tabel usaha dan laporkan setiap angka yang berbeda dari yang tersimpan."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="hanya periksa, jangan simpan; keluar dengan galat bila ada yang berbeda",
        )

    def handle(self, *args, **options):
        found = tallies.differences() if options["check"] else tallies.rebuild()
        for difference in found[:SHOWN]:
            self.stdout.write(
                f"  {difference.table} {difference.key}: tersimpan {difference.kept}, "
                f"dihitung ulang {difference.fresh}"
            )
        if len(found) > SHOWN:
            self.stdout.write(f"  … dan {len(found) - SHOWN} lainnya")
        if options["check"]:
            if found:
                raise CommandError(f"{len(found)} baris ringkasan registri berbeda dari hitungan ulang.")
            self.stdout.write(self.style.SUCCESS("Ringkasan registri sama dengan hitungan ulang."))
        elif found:
            self.stdout.write(self.style.WARNING(f"{len(found)} baris ringkasan registri dibetulkan."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Ringkasan registri dibangun ulang; tidak ada yang berbeda.")
            )
