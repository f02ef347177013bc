"""Facilitation drives with their participants, and the associations businesses join."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.models import Business, Desa, Kecamatan, Sector, desa_outside_kecamatan

from .programme import Programme


class Event(models.Model):
    """A facilitation drive: NIB, halal or PIRT registration on site, an expo, an association meeting."""

    class Kind(models.TextChoices):
        NIB = "nib", "Fasilitasi NIB"
        HALAL = "halal", "Fasilitasi sertifikat halal"
        PIRT = "pirt", "Fasilitasi PIRT"
        EXPO = "expo", "Pameran/expo"
        ASSOCIATION_MEETING = "asosiasi", "Pertemuan asosiasi"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="events", verbose_name="program"
    )
    kind = models.CharField("jenis kegiatan", max_length=10, choices=Kind.choices, default=Kind.NIB)
    name = models.CharField("nama kegiatan", max_length=200)
    held_on = models.DateField("tanggal", default=timezone.localdate)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="events", verbose_name="kecamatan"
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="desa/kelurahan",
    )
    venue = models.CharField("tempat", max_length=200, blank=True)
    partner = models.CharField("instansi mitra", max_length=200, blank=True, help_text="Misalnya DPMPTSP.")
    notes = models.TextField("catatan", blank=True)
    created_at = models.DateTimeField("dicatat", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "kegiatan fasilitasi"
        verbose_name_plural = "kegiatan fasilitasi"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coaching:event_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.held_on and self.programme_id and not self.programme.covers(self.held_on):
            errors["held_on"] = "Tanggal di luar masa program."
        errors.update(desa_outside_kecamatan(self))
        if errors:
            raise ValidationError(errors)

    @property
    def issues_nib(self) -> bool:
        return self.kind == self.Kind.NIB


class EventParticipant(models.Model):
    class Outcome(models.TextChoices):
        REGISTERED = "terdaftar", "Terdaftar"
        APPLIED = "diajukan", "Diajukan"
        ISSUED = "terbit", "Terbit"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="event_participations")
    outcome = models.CharField("hasil", max_length=10, choices=Outcome.choices, default=Outcome.REGISTERED)
    outcome_on = models.DateField("tanggal hasil", default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        ordering = ["business__name"]
        verbose_name = "peserta kegiatan"
        verbose_name_plural = "peserta kegiatan"
        constraints = [
            models.UniqueConstraint(fields=["event", "business"], name="joins_an_event_once"),
        ]

    def __str__(self):
        return f"{self.business} di {self.event}"


OUTCOME_ORDER = [choice for choice, _ in EventParticipant.Outcome.choices]


class Association(models.Model):
    """An asosiasi that keeps businesses that moved up in touch and mentored."""

    name = models.CharField("nama asosiasi", max_length=200, unique=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="sektor"
    )
    contact = models.CharField("ketua/kontak", max_length=200, blank=True)
    notes = models.TextField("catatan", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "asosiasi"
        verbose_name_plural = "asosiasi"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coaching:association_detail", args=[self.pk])


class Membership(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="memberships")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField("tanggal bergabung", default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-joined_on", "id"]
        verbose_name = "keanggotaan asosiasi"
        verbose_name_plural = "keanggotaan asosiasi"
        constraints = [
            models.UniqueConstraint(fields=["association", "business"], name="joins_an_association_once"),
        ]

    def __str__(self):
        return f"{self.business} — {self.association}"

    def clean(self):
        if self.joined_on and self.joined_on > timezone.localdate():
            raise ValidationError({"joined_on": "Tanggal bergabung tidak boleh di masa depan."})
