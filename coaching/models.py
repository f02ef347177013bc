"""The coaching programme: cohort, sessions, assessments, drives and associations (DESIGN.md §3)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.formatting import rupiah, tanggal
from registry.models import Business, Desa, Kecamatan, Sector, desa_outside_kecamatan, save_next_version
from registry.sizes import SIZE_CLASS_CHOICES, SIZE_CLASS_LABELS, decide_size_class

from .indicators import INDICATORS
from .periods import quarter_of


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

    class Meta:
        ordering = ["kecamatan__name"]
        verbose_name = "rencana sesi per kecamatan"
        verbose_name_plural = "rencana sesi per kecamatan"
        constraints = [
            models.UniqueConstraint(fields=["programme", "kecamatan"], name="one_plan_per_kecamatan"),
        ]

    def __str__(self):
        return f"{self.programme} · {self.kecamatan}: {self.planned_sessions} sesi"


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

    history = HistoricalRecords()

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
        indexes = [models.Index(fields=["programme", "status"]), models.Index(fields=["pendamping"])]

    def __str__(self):
        return f"{self.business} ({self.programme})"

    def get_absolute_url(self):
        return reverse("coaching:enrolment_detail", args=[self.pk])


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
    turnover = models.BigIntegerField(
        "omzet per tahun (Rp)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Omzet tidak boleh negatif.")],
    )
    capital = models.BigIntegerField(
        "modal usaha tanpa tanah & bangunan (Rp)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Modal usaha tidak boleh negatif.")],
    )
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


class Topic(models.Model):
    """A coaching topic (product quality, marketing & brand, …), loaded by a migration."""

    slug = models.SlugField(unique=True)
    name = models.CharField("nama", max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = "topik"
        verbose_name_plural = "topik"

    def __str__(self):
        return self.name


class CoachingSession(models.Model):
    class Kind(models.TextChoices):
        GROUP_CLASS = "kelas", "Kelas kelompok"
        MENTORING = "mentoring", "Pendampingan satu-satu"
        SITE_VISIT = "kunjungan", "Kunjungan lapangan"
        CLINIC = "klinik", "Klinik UMKM"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="sessions", verbose_name="program"
    )
    held_on = models.DateField("tanggal", default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(
        "lama (menit)",
        default=120,
        validators=[
            MinValueValidator(15, "Sesi paling singkat 15 menit."),
            MaxValueValidator(12 * 60, "Sesi paling lama 12 jam."),
        ],
    )
    kind = models.CharField("jenis sesi", max_length=10, choices=Kind.choices, default=Kind.GROUP_CLASS)
    topics = models.ManyToManyField(Topic, related_name="sessions", verbose_name="topik")
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="coaching_sessions", verbose_name="kecamatan"
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coaching_sessions",
        verbose_name="desa/kelurahan",
    )
    venue = models.CharField("tempat", max_length=200, blank=True)
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coaching_sessions",
        verbose_name="pendamping",
    )
    speaker = models.CharField("narasumber luar", max_length=200, blank=True)
    notes = models.TextField("catatan", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="dicatat oleh"
    )
    created_at = models.DateTimeField("dicatat", auto_now_add=True)
    # Raised by one on every save: an edit form carries the version it showed (see registry.models).
    version = models.PositiveIntegerField("versi", default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at"], m2m_fields=[topics])

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "sesi pendampingan"
        verbose_name_plural = "sesi pendampingan"
        indexes = [
            models.Index(fields=["programme", "held_on"]),
            models.Index(fields=["kecamatan", "held_on"]),
            models.Index(fields=["pendamping", "held_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on:%d-%m-%Y}, Kec. {self.kecamatan}"

    def save(self, *args, **kwargs):
        save_next_version(self, super().save, *args, **kwargs)

    def get_absolute_url(self):
        return reverse("coaching:session_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = "Sesi yang dicatat tidak boleh bertanggal di masa depan."
        elif self.held_on and self.programme_id and not self.programme.covers(self.held_on):
            errors["held_on"] = (
                f"Tanggal di luar masa program ({self.programme.starts_on:%d-%m-%Y} s.d. "
                f"{self.programme.ends_on:%d-%m-%Y})."
            )
        errors.update(desa_outside_kecamatan(self))
        if errors:
            raise ValidationError(errors)

    @property
    def hours(self) -> float:
        return self.duration_minutes / 60


class Attendance(models.Model):
    """A business present at a session; the enrolment is set when it is in that programme's cohort."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="attendances")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="attendances")
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["business__name"]
        verbose_name = "kehadiran"
        verbose_name_plural = "kehadiran"
        constraints = [
            models.UniqueConstraint(fields=["session", "business"], name="attends_a_session_once"),
        ]
        indexes = [models.Index(fields=["business"])]

    def __str__(self):
        return f"{self.business} di {self.session}"


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

    def clean(self):
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


class Association(models.Model):
    """An asosiasi that keeps businesses that moved up in touch and mentored."""

    name = models.CharField("nama asosiasi", max_length=200, unique=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="sektor"
    )
    contact = models.CharField("ketua/kontak", max_length=200, blank=True)
    notes = models.TextField("catatan", blank=True)

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
