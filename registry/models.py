from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .sizes import SIZE_CLASS_CHOICES, SIZE_CLASS_LABELS, decide_size_class
from .validators import validate_kbli, validate_nib, validate_nik, validate_phone


def save_next_version(row, save, *args, **kwargs):
    """Save an existing row as its next version (a new one is version 1), so no save goes unnoticed.

    Every writer that changes a versioned row goes through save() (the services, the admin); the import
    bumps the version of the rows it updates itself. The row must have been read afresh (the services
    read it under select_for_update), or its version would step back.
    """
    if row._state.adding:
        return save(*args, **kwargs)
    row.version += 1
    if kwargs.get("update_fields") is not None:
        kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
    try:
        return save(*args, **kwargs)
    except Exception:
        row.version -= 1
        raise


def turnover_field():
    """Annual sales (omzet) in whole rupiah, unknown allowed: PP 7/2021's first size criterion."""
    return models.BigIntegerField(
        "omzet per tahun (Rp)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Omzet tidak boleh negatif.")],
    )


def capital_field():
    """Business capital without land and buildings, whole rupiah: PP 7/2021's fallback criterion."""
    return models.BigIntegerField(
        "modal usaha tanpa tanah & bangunan (Rp)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Modal usaha tidak boleh negatif.")],
    )


class Kecamatan(models.Model):
    code = models.CharField("kode Kemendagri", max_length=8, unique=True)
    name = models.CharField("nama", max_length=60)
    bps_code = models.CharField("kode BPS", max_length=7, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"

    def __str__(self):
        return self.name


class Desa(models.Model):
    class Kind(models.TextChoices):
        DESA = "desa", "Desa"
        KELURAHAN = "kelurahan", "Kelurahan"

    code = models.CharField("kode Kemendagri", max_length=13, unique=True)
    name = models.CharField("nama", max_length=60)
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="desa_set", verbose_name="kecamatan"
    )

    class Meta:
        ordering = ["kecamatan__name", "name"]
        verbose_name = "desa/kelurahan"
        verbose_name_plural = "desa/kelurahan"

    def __str__(self):
        return self.name


def desa_outside_kecamatan(row) -> dict:
    """{"desa": message} when a row's desa does not lie in its kecamatan (for a model's clean())."""
    if row.desa_id and row.kecamatan_id and row.desa.kecamatan_id != row.kecamatan_id:
        return {"desa": f"Desa {row.desa.name} tidak terletak di Kecamatan {row.kecamatan.name}."}
    return {}


class Sector(models.Model):
    """The office's own short list of business sectors."""

    slug = models.SlugField(unique=True)
    name = models.CharField("nama", max_length=60, unique=True)
    order = models.PositiveSmallIntegerField("urutan", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "sektor"
        verbose_name_plural = "sektor"

    def __str__(self):
        return self.name


class KbliCode(models.Model):
    """KBLI 2020 codes offered as a pick list; any valid five-digit code is accepted."""

    code = models.CharField("kode", max_length=5, primary_key=True, validators=[validate_kbli])
    title = models.CharField("judul", max_length=255)
    category = models.CharField("kategori", max_length=1)

    class Meta:
        ordering = ["code"]
        verbose_name = "kode KBLI"
        verbose_name_plural = "kode KBLI"

    def __str__(self):
        return f"{self.code} — {self.title}"


class Business(models.Model):
    """One UMKM in the registry."""

    class Gender(models.TextChoices):
        MALE = "L", "Laki-laki"
        FEMALE = "P", "Perempuan"

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Aktif"
        INACTIVE = "tidak_aktif", "Tidak aktif"
        CLOSED = "tutup", "Tutup"

    name = models.CharField("nama usaha", max_length=200)
    owner_name = models.CharField("nama pemilik", max_length=150)
    owner_nik = models.CharField(
        "NIK pemilik",
        max_length=16,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_nik],
        error_messages={"unique": "NIK ini sudah dipakai oleh usaha lain di registri."},
    )
    owner_gender = models.CharField("jenis kelamin pemilik", max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField("nomor HP/telepon", max_length=16, blank=True, validators=[validate_phone])
    nib = models.CharField(
        "NIB",
        max_length=13,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_nib],
        error_messages={"unique": "NIB ini sudah dipakai oleh usaha lain di registri."},
    )
    address = models.CharField("alamat", max_length=255, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="businesses", verbose_name="kecamatan"
    )
    desa = models.ForeignKey(
        Desa, on_delete=models.PROTECT, related_name="businesses", verbose_name="desa/kelurahan"
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="businesses", verbose_name="sektor"
    )
    kbli_code = models.CharField("kode KBLI 2020", max_length=5, blank=True, validators=[validate_kbli])
    year_founded = models.PositiveSmallIntegerField(
        "tahun berdiri",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1900, "Tahun berdiri paling awal 1900."),
        ],
    )
    registered_on = models.DateField("tanggal masuk registri", default=timezone.localdate)
    employees = models.PositiveIntegerField(
        "jumlah tenaga kerja", default=0, validators=[MaxValueValidator(100_000)]
    )
    turnover = turnover_field()
    capital = capital_field()
    has_pirt = models.BooleanField("punya PIRT", default=False)
    has_halal = models.BooleanField("bersertifikat halal", default=False)
    has_bpom = models.BooleanField("punya izin BPOM", default=False)
    has_brand = models.BooleanField("merek terdaftar (HKI)", default=False)
    sells_online = models.BooleanField("berjualan daring", default=False)
    has_financing = models.BooleanField("punya pembiayaan bank/KUR", default=False)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    # Computed from turnover and capital on every save (PP 7/2021); never typed by a person.
    size_class = models.CharField(
        "kelas usaha", max_length=10, choices=SIZE_CLASS_CHOICES, blank=True, editable=False
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)
    # Set when the owner asks to restrict processing (UU 27/2022): the business leaves every export and
    # the API's answers but stays in the counts.
    processing_restricted = models.BooleanField("pemrosesan dibatasi", default=False)
    # Raised by one on every save (see save()): an edit form carries the version it showed, and the
    # service refuses the save when the row has moved on since (services.check_version).
    version = models.PositiveIntegerField("versi", default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "usaha"
        verbose_name_plural = "usaha"
        permissions = [("view_nik", "Melihat NIK pemilik secara utuh")]
        indexes = [
            models.Index(fields=["kecamatan", "sector"]),
            models.Index(fields=["sector"]),
            models.Index(fields=["size_class"]),
            models.Index(fields=["status"]),
            models.Index(fields=["registered_on"]),
            models.Index(fields=["name", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(turnover__isnull=True) | Q(turnover__gte=0),
                name="business_turnover_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(capital__isnull=True) | Q(capital__gte=0),
                name="business_capital_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Imported here: registry.tallies reads these models.
        from . import tallies

        self.size_class = self.computed_size_class()
        if self.desa_id and not self.kecamatan_id:
            self.kecamatan_id = self.desa.kecamatan_id
        # The kept figures change with the row, in its transaction; the stored row, read under lock,
        # is what they counted before (an object loaded earlier may be behind it).
        with transaction.atomic(using=kwargs.get("using")):
            before = tallies.locked_state(self.pk) if self.pk is not None else None
            save_next_version(self, super().save, *args, **kwargs)
            tallies.tally_changes([(before, tallies.saved_state(self, before, kwargs.get("update_fields")))])

    def get_absolute_url(self):
        return reverse("registry:business_detail", args=[self.pk])

    def clean(self):
        errors = desa_outside_kecamatan(self)
        today = timezone.localdate()
        if self.year_founded and self.year_founded > today.year:
            errors["year_founded"] = f"Tahun berdiri tidak boleh melewati {today.year}."
        if self.registered_on and self.registered_on > today:
            errors["registered_on"] = "Tanggal masuk registri tidak boleh di masa depan."
        if errors:
            raise ValidationError(errors)

    def computed_size_class(self) -> str:
        return decide_size_class(self.turnover, self.capital).size_class or ""

    @property
    def size_decision(self):
        return decide_size_class(self.turnover, self.capital)

    @property
    def size_class_label(self) -> str:
        return SIZE_CLASS_LABELS.get(self.size_class, "Belum diketahui")


def tally_count(verbose_name: str):
    return models.IntegerField(verbose_name, default=0)


class RegistryTally(models.Model):
    """Kept counts of the registry by kecamatan, sector, size class and year of registration.

    Kept exact in the same transaction as every write to a business (registry.tallies); the home page,
    the registry dashboard, the kecamatan page and the open-data download read these few thousand rows
    instead of counting the business table. `manage.py rebuild_registry_summary` recounts them.
    """

    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    size_class = models.CharField("kelas usaha", max_length=10, blank=True)
    year = models.PositiveSmallIntegerField("tahun masuk registri")
    total_count = tally_count("jumlah usaha")
    active_count = tally_count("aktif")
    nib_count = tally_count("punya NIB")
    pirt_count = tally_count("punya PIRT")
    halal_count = tally_count("bersertifikat halal")

    class Meta:
        verbose_name = "ringkasan registri"
        verbose_name_plural = "ringkasan registri"
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "sector", "size_class", "year"], name="registry_tally_key"
            )
        ]

    def __str__(self):
        return (
            f"{self.kecamatan_id}/{self.sector_id}/{self.size_class or '-'}/{self.year}: {self.total_count}"
        )


class DesaTally(models.Model):
    """Kept counts of the registry by desa and year of registration (fastest-growing desa, desa lists)."""

    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="tallies")
    year = models.PositiveSmallIntegerField("tahun masuk registri")
    total_count = tally_count("jumlah usaha")

    class Meta:
        verbose_name = "ringkasan registri per desa"
        verbose_name_plural = "ringkasan registri per desa"
        constraints = [models.UniqueConstraint(fields=["desa", "year"], name="desa_tally_key")]

    def __str__(self):
        return f"{self.desa_id}/{self.year}: {self.total_count}"


class MonthTally(models.Model):
    """Kept counts of the registry by kecamatan, sector and month of registration (the quarterly report)."""

    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("tahun masuk registri")
    month = models.PositiveSmallIntegerField("bulan masuk registri")
    total_count = tally_count("jumlah usaha")

    class Meta:
        verbose_name = "ringkasan registri per bulan"
        verbose_name_plural = "ringkasan registri per bulan"
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "sector", "year", "month"], name="month_tally_key")
        ]

    def __str__(self):
        return f"{self.kecamatan_id}/{self.sector_id}/{self.year}-{self.month}: {self.total_count}"


# The id a task backend gives a task (a UUID on the database backend), never free text.
TASK_ID = RegexValidator(r"^[\w-]+$", "Id tugas antrean.")


class RegistryImport(models.Model):
    """One upload of an office spreadsheet into the registry: its preview, its outcome and who did it."""

    class Status(models.TextChoices):
        PENDING = "menunggu", "Menunggu pratinjau"
        READY = "siap", "Siap dikonfirmasi"
        RUNNING = "berjalan", "Sedang diimpor"
        DONE = "selesai", "Selesai"
        FAILED = "gagal", "Gagal"

    file = models.FileField("berkas", upload_to="impor/%Y/%m/", blank=True)
    file_name = models.CharField("nama berkas", max_length=255)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="diunggah oleh",
    )
    created_at = models.DateTimeField("diunggah", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dikonfirmasi oleh",
    )
    confirmed_at = models.DateTimeField("dikonfirmasi", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    # The person chose to import the valid rows and leave the rows with errors out.
    skip_error_rows = models.BooleanField("lewati baris bergalat", default=False)
    rows_total = models.PositiveIntegerField("jumlah baris", default=0)
    rows_processed = models.PositiveIntegerField("baris diproses", default=0)
    created_count = models.PositiveIntegerField("usaha baru", default=0)
    updated_count = models.PositiveIntegerField("usaha diperbarui", default=0)
    unchanged_count = models.PositiveIntegerField("tidak berubah", default=0)
    error_count = models.PositiveIntegerField("baris bergalat", default=0)
    # What the preview showed (columns, samples of the changes, the errors) and the digest of its plan,
    # which the apply step recomputes so it writes exactly what the person saw.
    preview = models.JSONField("pratinjau", default=dict, blank=True)
    error_message = models.TextField("pesan galat", blank=True)
    # The task on the queue that runs the current step (preview, then apply) and what it last reported.
    task_id = models.CharField("tugas antrean", max_length=64, blank=True, validators=[TASK_ID])
    phase = models.CharField("tahap", max_length=20, blank=True)
    heartbeat_at = models.DateTimeField("kabar terakhir", null=True, blank=True)
    # The job stopped without a word (a worker killed, a server restarted): it may be run again.
    retryable = models.BooleanField("boleh diulang", default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "impor registri"
        verbose_name_plural = "impor registri"

    def __str__(self):
        return f"Impor {self.file_name} #{self.pk}"

    def get_absolute_url(self):
        return reverse("registry:import_detail", args=[self.pk])

    @property
    def change_reason(self) -> str:
        """The reason written into every business history row this import makes."""
        return f"Impor {self.file_name} #{self.pk}"

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def last_sign(self):
        """When the job last showed it was alive: its last report, else when its step was asked for."""
        return self.heartbeat_at or self.confirmed_at or self.created_at

    @property
    def phase_label(self) -> str:
        return IMPORT_PHASES.get(self.phase, "")


IMPORT_PHASES = {
    "membaca": "Membaca berkas",
    "memeriksa": "Memeriksa baris",
    "menyimpan": "Menyimpan ke registri",
}


class ExportJob(models.Model):
    """A long .xlsx export prepared on the task queue, kept for the person who asked to download."""

    class Status(models.TextChoices):
        PENDING = "menunggu", "Menunggu giliran"
        RUNNING = "berjalan", "Sedang disiapkan"
        DONE = "selesai", "Siap diunduh"
        FAILED = "gagal", "Gagal"

    # The export's name in registry.export_jobs (the list's export URL name), and what rebuilds its rows.
    exporter = models.CharField(
        "ekspor", max_length=100, validators=[RegexValidator(r"^[\w-]+:[\w-]+$", "Nama URL ekspor.")]
    )
    parameters = models.JSONField("saringan", default=dict, blank=True)
    url_kwargs = models.JSONField("argumen alamat", default=dict, blank=True)
    title = models.CharField("judul", max_length=200)
    file_name = models.CharField("nama berkas", max_length=255)
    file = models.FileField("berkas", upload_to="ekspor/%Y/%m/", blank=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="diminta oleh"
    )
    created_at = models.DateTimeField("diminta", auto_now_add=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    rows_total = models.PositiveIntegerField("jumlah baris", default=0)
    rows_processed = models.PositiveIntegerField("baris ditulis", default=0)
    task_id = models.CharField("tugas antrean", max_length=64, blank=True, validators=[TASK_ID])
    heartbeat_at = models.DateTimeField("kabar terakhir", null=True, blank=True)
    retryable = models.BooleanField("boleh diulang", default=False)
    error_message = models.TextField("pesan galat", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Who may follow a job is its requester or an admin (registry.export_jobs.may_follow), no model right.
        default_permissions = ()
        verbose_name = "ekspor antrean"
        verbose_name_plural = "ekspor antrean"

    def __str__(self):
        return f"{self.title} #{self.pk}"

    def get_absolute_url(self):
        return reverse("registry:export_job_detail", args=[self.pk])

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def last_sign(self):
        return self.heartbeat_at or self.created_at
