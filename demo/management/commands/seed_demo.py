import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from coaching.models import Programme
from coaching.selectors import programme_progress
from demo.people import DEMO_USERS, demo_users_create
from demo.programme import seed_programmes
from demo.registry import DEFAULT_BUSINESSES, seed_registry
from registry.models import Business


class Command(BaseCommand):
    help = "Isi basis data dengan data demo (sekali saja; menjalankan ulang tidak menggandakan)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--businesses",
            type=int,
            default=DEFAULT_BUSINESSES,
            help=(
                "jumlah seluruh usaha: sampai 34.675 registri 2012–2023 (diperkecil bila kurang), "
                "selebihnya masuk sejak 2024 sampai hari ini; bawaan: demo lengkap sampai hari ini"
            ),
        )
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, **options):
        demo_users_create()

        if Business.objects.exists():
            self.stdout.write("Registri sudah berisi data; data demo tidak ditambahkan lagi.")
        else:
            started = time.monotonic()
            created = seed_registry(
                total=options["businesses"],
                seed=options["seed"],
                user=get_user_model().objects.get(username="admin"),
            )
            elapsed = time.monotonic() - started
            self.stdout.write(f"{created} usaha demo dibuat dalam {elapsed:.1f} detik.")

        if Programme.objects.exists():
            self.stdout.write("Program pendampingan sudah ada; data demo program tidak ditambahkan lagi.")
        else:
            started = time.monotonic()
            programmes = seed_programmes(seed=options["seed"])
            elapsed = time.monotonic() - started
            for programme in programmes:
                progress = programme_progress(programme)
                self.stdout.write(
                    f"{programme.name}: {progress.cohort} peserta binaan, {progress.sessions} sesi, "
                    f"{progress.verified} naik kelas terverifikasi (target {progress.target})."
                )
            if programmes:
                self.stdout.write(f"Program demo dibuat dalam {elapsed:.1f} detik.")
            else:
                self.stdout.write("Registri belum berisi usaha aktif; program demo tidak dibuat.")

        self.stdout.write("Akun demo (nama pengguna / kata sandi):")
        for username, role, _, password in DEMO_USERS:
            self.stdout.write(f"  {role:<11} {username} / {password}")
