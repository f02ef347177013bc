"""The cohort: a business enrolled in a programme, and the assessments that measure it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.models import Business, capital_field, turnover_field
from registry.sizes import SIZE_CLASS_CHOICES, SIZE_CLASS_LABELS, decide_size_class

from ..indicators import INDICATORS
from .programme import Programme


class Enrolment(models.Model):
    """A business in a programme's cohort, with its pendamping and, once verified, its naik kelas."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Aktif dibina"
        NAIK_KELAS = "naik_kelas", "Naik kelas (terverifikasi)"
        WITHDRAWN = "mundur", "Mundur"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enrolments", verbose_name="program"
    )
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="enrolments", verbose_name="usaha"
    )
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name="pendamping",
    )
    enrolled_on = models.DateField("tanggal masuk kelompok binaan", default=timezone.localdate)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    withdrawal_reason = models.CharField("alasan mundur", max_length=255, blank=True)
    verified_on = models.DateField("tanggal naik kelas", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="diverifikasi oleh",
    )
    verification_note = models.TextField("catatan verifikasi", blank=True)
    # What the rule found when the candidate was verified, kept as written then.
    verified_criteria = models.TextField("kriteria yang terpenuhi", blank=True)
    evidence = models.FileField("bukti", upload_to="bukti-naik-kelas/%Y/", blank=True)
    # The naik-kelas rule's verdict on the latest assessment against the baseline, kept so that counting
    # and listing candidates is a query. Written by coaching.verdicts whenever an assessment or the
    # programme's rule settings change; derived, so left out of the history.
    is_candidate = models.BooleanField("kandidat naik kelas", default=False, editable=False)
    candidate_criteria = models.TextField("kriteria kandidat", blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["is_candidate", "candidate_criteria"])

    class Meta:
        ordering = ["business__name", "id"]
        verbose_name = "peserta binaan"
        verbose_name_plural = "peserta binaan"
        permissions = [
            ("verify_naik_kelas", "Memverifikasi naik kelas"),
            ("record_for_any_business", "Mencatat sesi dan penilaian untuk semua usaha binaan"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["programme", "business"], name="enrolled_once_per_programme"),
            models.CheckConstraint(
                condition=~Q(status="naik_kelas") | Q(verified_on__isnull=False),
                name="naik_kelas_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["pendamping"]),
            models.Index(
                fields=["programme"],
                condition=Q(is_candidate=True, status="aktif"),
                name="candidates_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.business} ({self.programme})"

    def get_absolute_url(self):
        return reverse("coaching:enrolment_detail", args=[self.pk])

    @property
    def has_baseline(self) -> bool:
        """Whether its baseline assessment is recorded (the status badge's "Belum dinilai").

        From selectors.for_status_badges()'s annotation, or the assessments a page read already, or else
        asked of the database.
        """
        if "baseline_recorded" in self.__dict__:
            return self.baseline_recorded
        assessments = self.__dict__.get("ordered_assessments")
        if assessments is not None:
            return any(assessment.kind == Assessment.Kind.BASELINE for assessment in assessments)
        return self.assessments.filter(kind=Assessment.Kind.BASELINE).exists()


class Assessment(models.Model):
    """A dated measurement of an enrolled business; the first is its baseline."""

    class Kind(models.TextChoices):
        BASELINE = "awal", "Penilaian awal (baseline)"
        FOLLOW_UP = "lanjutan", "Penilaian lanjutan"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="assessments", verbose_name="peserta"
    )
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices, editable=False)
    assessed_on = models.DateField("tanggal penilaian", default=timezone.localdate)
    turnover = turnover_field()
    capital = capital_field()
    employees = models.PositiveIntegerField(
        "jumlah tenaga kerja", default=0, validators=[MaxValueValidator(100_000)]
    )
    has_nib = models.BooleanField(INDICATORS["has_nib"], default=False)
    has_pirt = models.BooleanField(INDICATORS["has_pirt"], default=False)
    has_halal = models.BooleanField(INDICATORS["has_halal"], default=False)
    has_bpom = models.BooleanField(INDICATORS["has_bpom"], default=False)
    has_brand = models.BooleanField(INDICATORS["has_brand"], default=False)
    sells_online = models.BooleanField(INDICATORS["sells_online"], default=False)
    has_financing = models.BooleanField(INDICATORS["has_financing"], default=False)
    new_market = models.BooleanField(INDICATORS["new_market"], default=False)
    product_upgraded = models.BooleanField(INDICATORS["product_upgraded"], default=False)
    keeps_books = models.BooleanField(INDICATORS["keeps_books"], default=False)
    size_class = models.CharField(
        "kelas usaha", max_length=10, choices=SIZE_CLASS_CHOICES, blank=True, editable=False
    )
    notes = models.TextField("catatan", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="dicatat oleh"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessed_on", "id"]
        verbose_name = "penilaian"
        verbose_name_plural = "penilaian"
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(kind="awal"), name="one_baseline_per_enrolment"
            ),
            models.CheckConstraint(
                condition=(Q(turnover__isnull=True) | Q(turnover__gte=0))
                & (Q(capital__isnull=True) | Q(capital__gte=0)),
                name="assessment_money_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.enrolment.business} {self.assessed_on}"

    def save(self, *args, **kwargs):
        self.size_class = decide_size_class(self.turnover, self.capital).size_class or ""
        super().save(*args, **kwargs)

    def clean(self):
        if self.assessed_on and self.assessed_on > timezone.localdate():
            raise ValidationError({"assessed_on": "Tanggal penilaian tidak boleh di masa depan."})

    @property
    def size_class_label(self) -> str:
        return SIZE_CLASS_LABELS.get(self.size_class, "Belum diketahui")

    @property
    def indicators_held(self) -> list[str]:
        return [label for name, label in INDICATORS.items() if getattr(self, name)]
