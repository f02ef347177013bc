from django.conf import settings
from django.core.management.base import BaseCommand

from privacy.services import business_anonymise, closed_businesses_due


class Command(BaseCommand):
    help = (
        "Anonimkan usaha berstatus tutup yang tidak diubah selama ANONYMISE_CLOSED_AFTER_DAYS hari "
        "(mati bila pengaturan itu kosong atau 0)."
    )

    def handle(self, *args, **options):  # noqa: ARG002 (BaseCommand's signature)
        days = settings.ANONYMISE_CLOSED_AFTER_DAYS
        if not days:
            self.stdout.write(
                "Anonimisasi otomatis usaha tutup tidak diaktifkan (ANONYMISE_CLOSED_AFTER_DAYS)."
            )
            return
        count = 0
        for business in closed_businesses_due():
            business_anonymise(business=business, user=None, reason=f"Otomatis: tutup lebih dari {days} hari")
            count += 1
        self.stdout.write(f"{count} usaha tutup dianonimkan.")
