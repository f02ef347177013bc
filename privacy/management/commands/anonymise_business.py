from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from privacy.services import business_anonymise
from registry.models import Business


class Command(BaseCommand):
    help = (
        "Anonimkan usaha: nama, pemilik, NIK, nomor HP dan alamat diganti nilai netral di data usaha dan "
        "seluruh riwayatnya; berkas impor, ekspor dan bukti yang memuatnya dihapus. Jumlah tidak berubah."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="+", type=int, help="ID usaha")
        parser.add_argument("--alasan", required=True, help="Alasan anonimisasi (dicatat di catatan akses)")
        parser.add_argument("--pengguna", help="Nama pengguna yang menjalankan (dicatat)")

    def handle(self, *args, **options):  # noqa: ARG002 (BaseCommand's signature)
        user = None
        if options["pengguna"]:
            user = get_user_model().objects.filter(username=options["pengguna"]).first()
            if user is None:
                raise CommandError(f"Pengguna {options['pengguna']} tidak ada.")
        businesses = Business.objects.in_bulk(options["ids"])
        missing = sorted(set(options["ids"]) - set(businesses))
        if missing:
            raise CommandError(f"Usaha tidak ada: {', '.join(map(str, missing))}. Tidak ada yang diubah.")
        for business in businesses.values():
            done = business_anonymise(business=business, user=user, reason=options["alasan"])
            self.stdout.write(
                f"Usaha #{done.business_id} dianonimkan: {done.history_rows} baris riwayat, "
                f"{done.files_deleted} berkas dihapus, {done.copies_scrubbed} salinan dibersihkan."
            )
