import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.roles import ROLES
from registry.services import user_create_with_role


class Command(BaseCommand):
    help = "Buat akun pengguna dengan satu peran: admin, staf, pendamping atau pimpinan."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--name", default="", help="Nama lengkap")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Kata sandi (bila kosong, ditanyakan)")

    def handle(self, *args, **options):
        password = options["password"] or getpass.getpass("Kata sandi: ")
        try:
            user = user_create_with_role(
                username=options["username"],
                password=password,
                role=options["role"],
                full_name=options["name"],
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Akun {user.username} ({options['role']}) dibuat."))
