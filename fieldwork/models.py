"""Records made on a phone without signal and received by the sync endpoint, one row per device UUID.

The row exists once the server has taken the record: accepted (its session, assessment or business is
written), or a walk-in matched to a business already in the registry and waiting for staf. A refused
record leaves no row: it stays on the device, is corrected there and is sent again under its UUID.
"""

from django.conf import settings
from django.db import models

from coaching.models import Assessment, CoachingSession, Event
from registry.models import Business


class OfflineRecord(models.Model):
    class Kind(models.TextChoices):
        SESSION = "sesi", "Sesi pendampingan"
        ASSESSMENT = "penilaian", "Penilaian"
        WALK_IN = "pendaftaran", "Pendaftaran di kegiatan"

    class Status(models.TextChoices):
        ACCEPTED = "diterima", "Diterima"
        MATCHED = "cocok", "Cocok dengan usaha yang ada"
        CONFIRMED = "dikonfirmasi", "Dikonfirmasi staf"
        DISMISSED = "bukan", "Bukan usaha yang sama"

    # Made on the device: the same record sent twice, from two tabs or two phones, is one row.
    device_uuid = models.UUIDField("UUID perangkat", unique=True)
    kind = models.CharField("jenis", max_length=12, choices=Kind.choices)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.ACCEPTED)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="dikirim oleh"
    )
    device_time = models.DateTimeField("waktu di perangkat")
    received_at = models.DateTimeField("diterima", auto_now_add=True)
    summary = models.CharField("ringkasan", max_length=255, blank=True)
    # What the device sent, kept only while staf must look at it (a matched walk-in); emptied after.
    payload = models.JSONField("isian perangkat", default=dict, blank=True)
    # Kept as a trace, never in the way: deleting a business or a drive leaves the record without it.
    business = models.ForeignKey(
        Business, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="usaha"
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="kegiatan"
    )
    session = models.ForeignKey(
        CoachingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="sesi",
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="penilaian",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ditinjau oleh",
    )
    reviewed_at = models.DateTimeField("ditinjau", null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "catatan luring"
        verbose_name_plural = "catatan luring"
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"
