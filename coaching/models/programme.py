"""A year's coaching programme and its planned sessions per kecamatan."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from registry.models import Kecamatan


class Programme(models.Model):
    """One year's coaching programme: its money, its target and the naik-kelas rule's settings."""

    year = models.PositiveSmallIntegerField(
        "tahun anggaran",
        validators=[MinValueValidator(2000, "Tahun paling awal 2000."), MaxValueValidator(2100)],
    )
    name = models.CharField("nama program", max_length=200)
    budget_ceiling = models.BigIntegerField(
        "pagu anggaran (Rp)", validators=[MinValueValidator(0, "Pagu tidak boleh negatif.")]
    )
    naik_kelas_target = models.PositiveIntegerField(
        "target naik kelas (usaha)", validators=[MinValueValidator(1, "Target paling sedikit 1 usaha.")]
    )
    starts_on = models.DateField("tanggal mulai")
    ends_on = models.DateField("tanggal selesai")
    min_new_indicators = models.PositiveSmallIntegerField(
        "indikator baru paling sedikit",
        default=2,
        validators=[MinValueValidator(1, "Paling sedikit 1 indikator."), MaxValueValidator(11)],
        help_text="Indikator baru (dibanding penilaian awal) yang diperlukan agar usaha menjadi kandidat.",
    )
    turnover_growth_percent = models.PositiveSmallIntegerField(
        "kenaikan omzet yang dihitung sebagai indikator (%)",
        default=20,
        validators=[MinValueValidator(1, "Paling sedikit 1 %."), MaxValueValidator(1000)],
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = "program"
        verbose_name_plural = "program"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="programme_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(budget_ceiling__gte=0), name="programme_ceiling_not_negative"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coaching:programme_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "Tanggal selesai tidak boleh sebelum tanggal mulai."
        elif self.ends_on and self.year and self.ends_on.year != self.year:
            errors["ends_on"] = f"Tanggal selesai harus di tahun anggaran {self.year}."
        if self.starts_on and self.year and self.starts_on.year != self.year:
            errors["starts_on"] = f"Tanggal mulai harus di tahun anggaran {self.year}."
        if errors:
            raise ValidationError(errors)

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class KecamatanPlan(models.Model):
    """How many sessions the programme plans to hold in one kecamatan."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kecamatan_plans")
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    planned_sessions = models.PositiveSmallIntegerField("rencana sesi", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kecamatan__name"]
        verbose_name = "rencana sesi per kecamatan"
        verbose_name_plural = "rencana sesi per kecamatan"
        constraints = [
            models.UniqueConstraint(fields=["programme", "kecamatan"], name="one_plan_per_kecamatan"),
        ]

    def __str__(self):
        return f"{self.programme} · {self.kecamatan}: {self.planned_sessions} sesi"
