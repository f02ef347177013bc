import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry import imports, services
from registry.models import RegistryImport

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Impor registri UMKM dari berkas .xlsx atau .csv: tampilkan pratinjau (usaha baru, perubahan, "
        "baris bergalat), lalu simpan semuanya dalam satu transaksi — kecuali dengan --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="berkas .xlsx atau .csv")
        parser.add_argument("--dry-run", action="store_true", help="hanya pratinjau; tidak menyimpan apa pun")
        parser.add_argument("--user", help="nama pengguna yang tercatat di riwayat usaha")
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help="impor baris yang sah saja; baris bergalat dilewati (tanpa ini, satu galat membatalkan)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not path or not path.is_file():
            raise CommandError("Sebutkan berkas .xlsx atau .csv yang ada.")
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"Pengguna {options['user']} tidak ada.") from None

        started = time.monotonic()
        if options["dry_run"]:
            try:
                plan = imports.build_plan(path)
            except imports.ImportFileError as error:
                raise CommandError(str(error)) from None
            self._summary(plan.counts, imports.preview_data(plan))
            self.stdout.write(f"Pratinjau selesai dalam {time.monotonic() - started:.1f} detik.")
            self.stdout.write("--dry-run: tidak ada yang disimpan.")
            return

        registry_import = services.registry_import_from_path(path=path, user=user)
        services.registry_import_preview(registry_import=registry_import)
        if registry_import.status == RegistryImport.Status.FAILED:
            raise CommandError(registry_import.error_message)
        counts = {
            imports.CREATE: registry_import.created_count,
            imports.UPDATE: registry_import.updated_count,
            imports.UNCHANGED: registry_import.unchanged_count,
            imports.ERROR: registry_import.error_count,
        }
        self._summary(counts, registry_import.preview)
        previewed = time.monotonic()
        self.stdout.write(f"Pratinjau selesai dalam {previewed - started:.1f} detik.")
        if registry_import.error_count and not options["skip_errors"]:
            raise CommandError(
                f"{registry_import.error_count} baris bergalat: tidak ada yang disimpan. Perbaiki berkasnya, "
                "atau jalankan ulang dengan --skip-errors untuk mengimpor baris yang sah saja. Pratinjau "
                f"impor #{registry_import.pk} juga bisa dikonfirmasi di {registry_import.get_absolute_url()}."
            )
        try:
            services.registry_import_confirm(
                registry_import=registry_import, user=user, skip_error_rows=options["skip_errors"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        services.registry_import_apply(registry_import=registry_import)
        registry_import.refresh_from_db()
        if registry_import.status != RegistryImport.Status.DONE:
            raise CommandError(registry_import.error_message)
        self.stdout.write(
            f"Impor #{registry_import.pk} selesai dalam {time.monotonic() - previewed:.1f} detik: "
            f"{registry_import.created_count} usaha baru, {registry_import.updated_count} diperbarui."
        )

    def _summary(self, counts: dict, preview: dict):
        self.stdout.write(
            f"Usaha baru: {counts[imports.CREATE]}, diperbarui: {counts[imports.UPDATE]}, "
            f"tidak berubah: {counts[imports.UNCHANGED]}, baris bergalat: {counts[imports.ERROR]}."
        )
        if preview.get("ignored_columns"):
            self.stdout.write(f"Kolom diabaikan: {', '.join(preview['ignored_columns'])}.")
        for error in preview["errors"][:ERRORS_SHOWN]:
            self.stdout.write(f"  Baris {error['row']}, kolom {error['column']}: {error['message']}")
        hidden = preview["totals"]["errors"] - min(ERRORS_SHOWN, len(preview["errors"]))
        if hidden > 0:
            self.stdout.write(f"  … dan {hidden} galat lainnya.")
