from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from privacy import access
from privacy.personal_export import write_personal_data
from registry.validators import validate_nik


class Command(BaseCommand):
    help = (
        "Tulis seluruh data pribadi seseorang (menurut NIK) ke satu berkas .xlsx: jawaban permintaan akses."
    )

    def add_arguments(self, parser):
        parser.add_argument("nik", help="NIK 16 digit")
        parser.add_argument(
            "--keluaran", help="Berkas tujuan (bawaan: data-pribadi-<4 digit akhir NIK>.xlsx)"
        )

    def handle(self, *args, **options):  # noqa: ARG002 (BaseCommand's signature)
        nik = options["nik"]
        try:
            validate_nik(nik)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        output = Path(options["keluaran"] or f"data-pribadi-{nik[-4:]}.xlsx")
        with output.open("wb") as handle:
            business_ids = write_personal_data(nik, handle)
        access.record(
            None, access.Kind.SUBJECT_EXPORT, business_ids=business_ids, note="manage.py personal_data_export"
        )
        self.stdout.write(f"Data pribadi ({len(business_ids)} usaha) ditulis ke {output}.")
