from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.roles import ROLES
from umkm_blitar.api.services import api_token_create


class Command(BaseCommand):
    help = "Buat token API dengan satu peran; kuncinya tampil sekali ini saja (yang disimpan hanya sidiknya)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Nama pemakai token, mis. 'Portal Satu Data Kab. Blitar'")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--by", default="", help="Nama pengguna yang membuat token (untuk jejak)")

    def handle(self, *args, **options):
        created_by = None
        if options["by"]:
            created_by = get_user_model().objects.filter(username=options["by"]).first()
            if created_by is None:
                raise CommandError(f"Pengguna {options['by']} tidak ada.")
        try:
            token, key = api_token_create(name=options["name"], role=options["role"], created_by=created_by)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Token API '{token.name}' ({token.role}) dibuat."))
        self.stdout.write("Simpan kunci ini sekarang; kunci tidak dapat dilihat lagi:")
        self.stdout.write(key)
