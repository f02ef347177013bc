"""The access log (who processed whose personal data) and the requests of the people in the registry."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models

from registry.validators import validate_nik

from .scrub import scrub_text

# UU 27/2022: the controller answers a data subject's request within 3×24 hours.
ANSWER_WITHIN = datetime.timedelta(hours=3 * 24)


class AccessLogQuerySet(models.QuerySet):
    """Entries are never changed or deleted, except by the retention prune."""

    def update(self, **kwargs):  # noqa: ARG002 (QuerySet.update's signature)
        raise PermissionDenied("Catatan akses data pribadi tidak bisa diubah.")

    def delete(self):
        raise PermissionDenied("Catatan akses data pribadi tidak bisa dihapus.")

    def prune_before(self, cutoff) -> int:
        """Delete the entries older than the cutoff (the retention period): the only deletion there is."""
        return models.QuerySet.delete(self.filter(at__lt=cutoff))[0]

    def scrub(self, values: list[str]) -> int:
        """Replace a person's values in the pages and filters noted: the one change there is."""
        condition = models.Q(pk__in=[])
        for value in values:
            condition |= models.Q(path__contains=value) | models.Q(filter__contains=value)
        scrubbed = 0
        for entry in self.filter(condition).only("path", "filter"):
            fields = {"path": scrub_text(entry.path, values), "filter": scrub_text(entry.filter, values)}
            scrubbed += models.QuerySet.update(self.model.objects.filter(pk=entry.pk), **fields)
        return scrubbed

    def about_businesses(self, business_ids):
        """Entries that name any of these businesses."""
        condition = models.Q(pk__in=[])
        for business_id in business_ids:
            condition |= models.Q(business_ids__contains=f",{business_id},")
        return self.filter(condition)


class AccessLogEntry(models.Model):
    """One processing of personal data: a whole NIK shown, an export, a report, an import, a change.

    Names the businesses by id (written ",12,45,", so one LIKE finds a business) or the filter used,
    never the personal values themselves: anonymising a business leaves nothing of it here.
    """

    class Kind(models.TextChoices):
        NIK_PAGE = "nik_halaman", "NIK utuh di halaman"
        NIK_API = "nik_api", "NIK utuh lewat API"
        EXPORT = "ekspor", "Ekspor daftar"
        REPORT = "laporan", "Laporan"
        IMPORT = "impor", "Impor registri"
        CHANGE = "perubahan", "Perubahan data usaha"
        ANONYMISE = "anonimisasi", "Anonimisasi"
        SUBJECT_EXPORT = "ekspor_subjek", "Ekspor data subjek"

    at = models.DateTimeField("waktu", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pengguna",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("nama pengguna", max_length=150, blank=True)
    address = models.GenericIPAddressField("alamat", null=True, blank=True)
    kind = models.CharField("jenis", max_length=20, choices=Kind.choices, db_index=True)
    path = models.CharField("halaman", max_length=500, blank=True)
    business_ids = models.TextField("usaha (id)", blank=True)
    filter = models.TextField("saringan", blank=True)
    rows = models.PositiveIntegerField("jumlah baris", null=True, blank=True)
    note = models.TextField("keterangan", blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "catatan akses data pribadi"
        verbose_name_plural = "catatan akses data pribadi"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.username or 'sistem'}, {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Catatan akses data pribadi tidak bisa diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ARG002 (Model.delete's signature)
        raise PermissionDenied("Catatan akses data pribadi tidak bisa dihapus.")

    @property
    def business_id_list(self) -> list[int]:
        return [int(part) for part in self.business_ids.split(",") if part]


class SubjectRequest(models.Model):
    """A request from a person in the registry about their data (UU 27/2022), answered within 3×24 hours."""

    class Kind(models.TextChoices):
        ACCESS = "akses", "Akses (salinan data)"
        CORRECTION = "perbaikan", "Perbaikan"
        ERASURE = "penghapusan", "Penghapusan"
        RESTRICTION = "pembatasan", "Pembatasan pemrosesan"
        OBJECTION = "keberatan", "Keberatan"

    nik = models.CharField("NIK pemohon", max_length=16, validators=[validate_nik], db_index=True)
    kind = models.CharField("jenis permintaan", max_length=12, choices=Kind.choices)
    received_at = models.DateTimeField("diterima")
    note = models.TextField("keterangan", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("dicatat", auto_now_add=True)
    answered_at = models.DateTimeField("dijawab", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dijawab oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField("jawaban", blank=True)

    class Meta:
        verbose_name = "permintaan subjek data"
        verbose_name_plural = "permintaan subjek data"
        ordering = ["answered_at", "received_at", "pk"]
        permissions = [("export_personal_data", "Mengunduh seluruh data pribadi seseorang")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def deadline(self):
        return self.received_at + ANSWER_WITHIN

    def is_overdue(self, now) -> bool:
        return self.answered_at is None and now > self.deadline
