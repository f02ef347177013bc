"""Coaching sessions, their topics and who attended."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.models import Business, Desa, Kecamatan, desa_outside_kecamatan, save_next_version

from .enrolment import Enrolment
from .programme import Programme

# Where selectors.session_list() puts a session's topics: a plain list, which Django fills without
# building a queryset per session as it does for a prefetched manager.
TOPIC_LIST = "topic_list"


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

    @property
    def topic_names(self) -> str:
        """The topics' names, comma-separated: from selectors.session_list()'s list when it read them."""
        topics = getattr(self, TOPIC_LIST, None)
        if topics is None:
            topics = self.topics.all()
        return ", ".join(topic.name for topic in topics)


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
