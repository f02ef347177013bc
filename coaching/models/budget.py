"""The programme's budget lines and the spending from them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.formatting import rupiah, tanggal

from ..periods import quarter_of
from ..sipd import ACCOUNT_CODE, NOT_FILLED, SUB_ACTIVITY_CODE
from .events import Event
from .programme import Programme
from .sessions import CoachingSession


class SubActivity(models.Model):
    """A SIPD sub-kegiatan the programme's lines are budgeted under, with the output e-Monev asks of it."""

    # Part of the programme's plan, like its kecamatan plan: it goes with the programme. Lines point to it
    # with PROTECT, so a sub-kegiatan that still has lines (or a programme that has any) stays.
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sub_activities", verbose_name="program"
    )
    code = models.CharField("kode sub kegiatan", max_length=17, validators=[SUB_ACTIVITY_CODE])
    name = models.CharField("nama sub kegiatan", max_length=255)
    output_indicator = models.CharField("indikator keluaran", max_length=255, blank=True)
    output_unit = models.CharField("satuan", max_length=40, blank=True)
    output_target = models.PositiveIntegerField(
        "target keluaran", default=0, validators=[MaxValueValidator(10_000_000, "Target terlalu besar.")]
    )
    output_realised = models.PositiveIntegerField(
        "realisasi keluaran",
        default=0,
        validators=[MaxValueValidator(10_000_000, "Realisasi terlalu besar.")],
        help_text="Capaian keluaran sampai hari ini, sesuai bukti kegiatan.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = "sub kegiatan"
        verbose_name_plural = "sub kegiatan"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="sub_activity_code_once_per_programme"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class BudgetLine(models.Model):
    """A line of a programme's budget: its allocation and how it is planned over the four quarters."""

    class Category(models.TextChoices):
        SPEAKER_FEES = "narasumber", "Honorarium narasumber"
        MEALS = "konsumsi", "Konsumsi"
        TRANSPORT = "transport", "Transportasi"
        MATERIALS = "bahan", "Bahan & materi"
        VENUE = "tempat", "Sewa tempat"
        CERTIFICATION = "sertifikasi", "Biaya sertifikasi"
        PUBLICATION = "publikasi", "Publikasi & dokumentasi"
        OTHER = "lainnya", "Lainnya"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="budget_lines", verbose_name="program"
    )
    category = models.CharField("kategori", max_length=12, choices=Category.choices)
    name = models.CharField("uraian", max_length=200)
    sub_activity = models.ForeignKey(
        SubActivity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name="sub kegiatan",
    )
    account_code = models.CharField(
        "kode rekening",
        max_length=17,
        blank=True,
        validators=[ACCOUNT_CODE],
        help_text="Kode rekening belanja SIPD, misalnya 5.1.02.01.01.0052.",
    )
    allocation = models.BigIntegerField(
        "pagu mata anggaran (Rp)", validators=[MinValueValidator(0, "Pagu tidak boleh negatif.")]
    )
    plan_q1 = models.BigIntegerField("rencana triwulan I (Rp)", default=0)
    plan_q2 = models.BigIntegerField("rencana triwulan II (Rp)", default=0)
    plan_q3 = models.BigIntegerField("rencana triwulan III (Rp)", default=0)
    plan_q4 = models.BigIntegerField("rencana triwulan IV (Rp)", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "category", "name"]
        verbose_name = "mata anggaran"
        verbose_name_plural = "mata anggaran"
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="budget_line_name_once_per_programme"),
            models.CheckConstraint(
                condition=Q(
                    allocation__gte=0, plan_q1__gte=0, plan_q2__gte=0, plan_q3__gte=0, plan_q4__gte=0
                ),
                name="budget_line_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(allocation=F("plan_q1") + F("plan_q2") + F("plan_q3") + F("plan_q4")),
                name="budget_line_plan_sums_to_allocation",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def account_code_shown(self) -> str:
        return self.account_code or NOT_FILLED

    def clean(self):
        if self.sub_activity_id and self.sub_activity.programme_id != self.programme_id:
            raise ValidationError({"sub_activity": "Sub kegiatan ini milik program lain."})
        plans = [self.plan_q1, self.plan_q2, self.plan_q3, self.plan_q4]
        if any(plan is None or plan < 0 for plan in plans) or self.allocation is None:
            return
        planned = sum(plans)
        if planned != self.allocation:
            difference = rupiah(abs(planned - self.allocation))
            more_or_less = "lebih" if planned > self.allocation else "kurang"
            raise ValidationError(
                {"allocation": f"Rencana empat triwulan ({rupiah(planned)}) harus sama dengan pagu "
                 f"({rupiah(self.allocation)}): {more_or_less} {difference}."}
            )  # fmt: skip

    def plan_for(self, quarter: int) -> int:
        return getattr(self, f"plan_q{quarter}")


class Expenditure(models.Model):
    """Money spent from a budget line; the services refuse spending past the line or the ceiling."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="expenditures", verbose_name="mata anggaran"
    )
    spent_on = models.DateField("tanggal", default=timezone.localdate)
    amount = models.BigIntegerField(
        "jumlah (Rp)", validators=[MinValueValidator(1, "Jumlah paling sedikit Rp 1.")]
    )
    description = models.CharField("uraian belanja", max_length=255)
    receipt_number = models.CharField(
        "nomor kuitansi/SPJ", max_length=60, blank=True, help_text="Nomor bukti pembayaran atau SPJ."
    )
    session = models.ForeignKey(
        CoachingSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenditures",
        verbose_name="untuk sesi",
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenditures",
        verbose_name="untuk kegiatan",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="dicatat oleh"
    )
    created_at = models.DateTimeField("dicatat", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = "belanja"
        verbose_name_plural = "belanja"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenditure_amount_positive"),
            models.CheckConstraint(
                condition=Q(session__isnull=True) | Q(event__isnull=True),
                name="expenditure_for_a_session_or_an_event",
            ),
        ]
        indexes = [models.Index(fields=["budget_line", "spent_on"])]

    def __str__(self):
        return f"{self.description} ({rupiah(self.amount)})"

    def get_absolute_url(self):
        return reverse("coaching:expenditure_detail", args=[self.pk])

    def clean(self):
        errors = {}
        programme = self.budget_line.programme if self.budget_line_id else None
        if self.spent_on and self.spent_on > timezone.localdate():
            errors["spent_on"] = "Belanja yang dicatat tidak boleh bertanggal di masa depan."
        elif programme and self.spent_on and not programme.covers(self.spent_on):
            errors["spent_on"] = (
                f"Tanggal di luar masa program ({tanggal(programme.starts_on)} s.d. "
                f"{tanggal(programme.ends_on)})."
            )
        if self.session_id and self.event_id:
            errors["event"] = "Pilih sesi atau kegiatan, tidak keduanya."
        for field, target in (("session", self.session), ("event", self.event)):
            if programme and target is not None and target.programme_id != programme.pk:
                errors.setdefault(field, f"{target} bukan bagian dari {programme}.")
        if errors:
            raise ValidationError(errors)

    @property
    def quarter(self) -> int:
        return quarter_of(self.spent_on)
