import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from demo import bench
from demo.registry import DEFAULT_BUSINESSES


class Command(BaseCommand):
    help = (
        "Ukur kecepatan halaman utama pada N usaha demo: isi data demo bila registri kosong, tambah "
        "sampai N bila kurang, pakai ulang bila tepat N. Jalankan pada basis data terpisah, "
        "jangan pada basis data produksi."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--businesses",
            type=int,
            default=DEFAULT_BUSINESSES,
            help="jumlah seluruh usaha di registri (N); bawaan: demo lengkap sampai hari ini",
        )
        parser.add_argument("--repeat", type=int, default=20, help="berapa kali tiap halaman diminta")
        parser.add_argument("--json", type=Path, help="tulis hasil juga ke berkas JSON ini")
        parser.add_argument(
            "--against",
            type=Path,
            help="JSON pengukuran lain (mis. pada 34.675 usaha): median tiap halaman dibandingkan",
        )

    def handle(self, *args, **options):
        if options["businesses"] < 1 or options["repeat"] < 1:
            raise CommandError("--businesses dan --repeat harus minimal 1.")
        try:
            against = json.loads(options["against"].read_text()) if options["against"] else None
            report = bench.run(
                businesses=options["businesses"],
                repeat=options["repeat"],
                log=self.stdout.write,
                against=against,
            )
        except bench.BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(bench.format_report(report))
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
            )
            self.stdout.write(f"Hasil ditulis ke {options['json']}.")
