"""Deterministic demo registry: businesses spread over Blitar's real kecamatan and desa.

Only the places, sectors and KBLI codes are real; every business, owner, NIK and NIB is made up
(valid in format, never a real person's).
"""

import calendar
import datetime
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Substr
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demo.draws import at_hour
from registry import tallies
from registry.kbli import SECTOR_KBLI_PREFIXES
from registry.models import Business, Desa, KbliCode, Sector

REGISTRY_BY_END_2023 = 34_675  # the registry at the end of 2023 (DESIGN.md §1)
BATCH_SIZE = 5000  # rows built and inserted at a time
# Share of the registry that existed at the end of 2022: just over 31.000 of 34.675.
SHARE_BY_END_2022 = 31_212 / 34_675
FIRST_YEAR = 2012
KARANGGAYAM = "35.05.03.2001"  # Desa Karanggayam, Kecamatan Srengat: the 2023 hot spot
# One 2023 registration in 12 is in Karanggayam, so the hot spot shows in a small demo as in a full one.
KARANGGAYAM_2023_EVERY = 12

# After 2023 the registry keeps growing at about the pace of 2023 (31.212 → 34.675: 3.463 new
# businesses): 300 a month in 2024, 7 % more each year after. Fewer enter around the turn of the year
# (the office closes its books, then plans), more in the outreach months; the twelve factors add up to 12.
NEW_PER_MONTH_IN_2024 = 300
YEARLY_GROWTH_AFTER_2023 = 1.07
MONTH_FACTORS = (0.8, 0.9, 1.0, 1.0, 1.1, 1.1, 1.0, 1.1, 1.1, 1.1, 1.0, 0.8)

# Sector slug → weight in the registry, and in the Karanggayam boom of 2023.
SECTOR_WEIGHTS = {
    "makanan": 38, "minuman": 15, "kerajinan": 14, "perdagangan": 11, "fesyen": 6,
    "pertanian-olahan": 7, "jasa-lainnya": 5, "jasa-foto": 2, "suvenir": 2,
}  # fmt: skip
KARANGGAYAM_SECTOR_WEIGHTS = {
    "makanan": 40, "minuman": 25, "jasa-foto": 12, "suvenir": 15, "perdagangan": 8,
}  # fmt: skip
PRODUCTS = {
    "makanan": ["Keripik Tempe", "Keripik Singkong", "Sambal Pecel", "Kue Lapis", "Roti Manis",
                "Kerupuk Puli", "Jenang", "Opak Gambir", "Rengginang", "Nasi Pecel", "Wingko",
                "Peyek Kacang", "Tahu Takwa", "Emping Melinjo", "Sale Pisang", "Bakso"],
    "minuman": ["Kopi Bubuk", "Jamu Gendong", "Wedang Uwuh", "Es Dawet", "Sari Kedelai",
                "Teh Rosella", "Sirup Jahe", "Kopi Robusta", "Susu Kedelai"],
    "kerajinan": ["Anyaman Bambu", "Gerabah", "Ukir Kayu", "Batik Tulis", "Kerajinan Kulit",
                  "Sangkar Burung", "Kerajinan Rotan", "Gamelan", "Tas Anyaman"],
    "fesyen": ["Konveksi", "Busana Muslim", "Bordir", "Jahit", "Kaos Sablon", "Batik Cap"],
    "perdagangan": ["Toko Kelontong", "Toko Sembako", "Grosir", "Warung", "Toko Pakaian"],
    "pertanian-olahan": ["Gula Kelapa", "Olahan Ikan Koi", "Madu Hutan", "Olahan Nanas",
                         "Keripik Nangka", "Manisan Pepaya"],
    "jasa-lainnya": ["Laundry", "Salon", "Catering", "Percetakan", "Bengkel Jahit"],
    "jasa-foto": ["Foto Studio", "Foto Keliling", "Dokumentasi", "Foto & Video"],
    "suvenir": ["Suvenir", "Oleh-oleh", "Cenderamata", "Gantungan Kunci", "Kaligrafi"],
}  # fmt: skip
NAME_PREFIXES = ["UD", "CV", "", "", "", "", "Dapur", "Rumah", "Omah", "Sentra"]
BRAND_WORDS = ["Sumber Rejeki", "Barokah", "Makmur", "Sekar Arum", "Lestari", "Mekar Sari",
               "Berkah Jaya", "Maju Jaya", "Sri Rejeki", "Tunas Harapan", "Karya Mandiri",
               "Sido Mulyo", "Rukun Santoso", "Putra Penataran", "Kawi Asri", "Brantas",
               "Srengat Asri", "Mawar", "Melati", "Cempaka", "Anugerah", "Amanah"]  # fmt: skip
FEMALE_NAMES = ["Sri", "Siti", "Nur", "Dwi", "Endang", "Tutik", "Wahyuni", "Lestari", "Sulastri",
                "Yuliana", "Rina", "Dewi", "Sumarni", "Kartini", "Anik", "Umi", "Lilik", "Ninik",
                "Ratna", "Fitri", "Eka", "Indah", "Tri", "Suprapti", "Musrifah"]  # fmt: skip
MALE_NAMES = ["Budi", "Agus", "Slamet", "Joko", "Bambang", "Eko", "Hadi", "Suyanto", "Sugeng",
              "Imam", "Ahmad", "Muhammad", "Wahyu", "Heru", "Yusuf", "Teguh", "Gatot", "Supriyadi",
              "Rudi", "Anton", "Purnomo", "Fajar", "Didik", "Hariyanto", "Mujib"]  # fmt: skip
FAMILY_NAMES = ["Santoso", "Wibowo", "Rahayu", "Susanto", "Prasetyo", "Handayani", "Setiawan",
                "Hidayat", "Kurniawan", "Wulandari", "Purwanto", "Sulistyo", "Utami", "Saputra",
                "Nugroho", "Hartono", "Widodo", "Lestari", "Maulana", "Fauzi"]  # fmt: skip
MOBILE_PREFIXES = ["0812", "0813", "0821", "0822", "0852", "0853", "0856", "0857", "0858",
                   "0877", "0878", "0895", "0896", "0813", "0815"]  # fmt: skip


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _entry_years(total: int) -> list[int]:
    """Registration years so the registry reaches the 2022 and 2023 totals of DESIGN.md §1."""
    by_end_2022 = round(total * SHARE_BY_END_2022)
    years = list(range(FIRST_YEAR, 2023))
    # The registry grew faster each year as the office went out to the villages.
    weights = [index + 2 for index in range(len(years))]
    scale = by_end_2022 / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    counts[-1] += by_end_2022 - sum(counts)
    result = [year for year, count in zip(years, counts, strict=True) for _ in range(count)]
    return result + [2023] * (total - by_end_2022)


def registrations_after_2023(today: datetime.date) -> list[tuple[int, int, int]]:
    """(year, month, new businesses) of the demo from January 2024 to today's month, that month pro rata."""
    months = []
    year, month = 2024, 1
    while (year, month) <= (today.year, today.month):
        count = round(
            NEW_PER_MONTH_IN_2024 * YEARLY_GROWTH_AFTER_2023 ** (year - 2024) * MONTH_FACTORS[month - 1]
        )
        if (year, month) == (today.year, today.month):
            count = count * today.day // calendar.monthrange(year, month)[1]
        months.append((year, month, count))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def full_demo_size(today: datetime.date) -> int:
    """The full demo registry on `today`: 34.675 by the end of 2023, then the office's pace up to today."""
    return REGISTRY_BY_END_2023 + sum(count for _, _, count in registrations_after_2023(today))


# `seed_demo` and `bench` without --businesses: the full demo on the day this process started.
DEFAULT_BUSINESSES = full_demo_size(timezone.localdate())


def _apportion(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder), so the parts add up exactly."""
    if not sum(weights):
        weights = [1] * len(weights)
    whole = sum(weights)
    parts = [total * weight // whole for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda index: (-(total * weights[index] % whole), index))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _entries(total: int, today: datetime.date) -> list[tuple[int, int | None]]:
    """(year, month or None) of each registration of a demo registry of `total` businesses on `today`.

    The first 34.675 are the registry of 2012–2023 (31.212 by the end of 2022, DESIGN.md §1); a
    smaller demo is that registry scaled down, and ends with 2023. Any more enter after 2023, spread
    over the months up to today in proportion to the office's pace, so the full demo
    (full_demo_size(today)) grows exactly at that pace.
    """
    history = min(total, REGISTRY_BY_END_2023)
    entries: list[tuple[int, int | None]] = [(year, None) for year in _entry_years(history)]
    later = total - history
    if later:
        months = registrations_after_2023(today) or [(today.year, today.month, 1)]
        parts = _apportion(later, [count for _, _, count in months])
        for (year, month, _), count in zip(months, parts, strict=True):
            entries += [(year, month)] * count
    return entries


def _random_date(rng: random.Random, year: int, month: int | None, today: datetime.date) -> datetime.date:
    """A day of that year (or of that month), never after today."""
    if month is None:
        start = datetime.date(year, 1, 1)
        return min(start + datetime.timedelta(days=rng.randrange(365)), today)
    last = today.day if (year, month) == (today.year, today.month) else calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1 + rng.randrange(last))


class _Identities:
    """Unique, well-formed NIK and NIB for made-up owners and businesses.

    Starts from the NIK sequences and NIBs already taken when the registry is topped up.
    """

    def __init__(
        self, rng: random.Random, *, nik_sequence: Counter | None = None, nibs: set[str] | None = None
    ):
        self.rng = rng
        self.nik_sequence: Counter = nik_sequence if nik_sequence is not None else Counter()
        self.nibs: set[str] = nibs if nibs is not None else set()

    @classmethod
    def around_registry(cls, rng: random.Random) -> "_Identities":
        """Identities that never collide with those already in the registry."""
        # A NIK is a 12-digit stem (kecamatan and birth date) and a 4-digit sequence number.
        last_by_stem = (
            Business.objects.exclude(owner_nik=None)
            .annotate(stem=Substr("owner_nik", 1, 12))
            .values("stem")
            .annotate(last=Max(Substr("owner_nik", 13)))
            .values_list("stem", "last")
        )
        nik_sequence = Counter({stem: int(last) for stem, last in last_by_stem.iterator(chunk_size=10_000)})
        nibs = set(
            Business.objects.exclude(nib=None).values_list("nib", flat=True).iterator(chunk_size=10_000)
        )
        return cls(rng, nik_sequence=nik_sequence, nibs=nibs)

    def nik(self, kecamatan_code: str, female: bool) -> str:
        region = kecamatan_code.replace(".", "")  # 35.05.03 → 350503
        birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=self.rng.randrange(365 * 47))
        day = birth.day + (40 if female else 0)
        stem = f"{region}{day:02d}{birth:%m%y}"
        self.nik_sequence[stem] += 1
        return f"{stem}{self.nik_sequence[stem]:04d}"

    def nib(self) -> str:
        while True:
            value = str(self.rng.randrange(10**12, 10**13))
            if value not in self.nibs:
                self.nibs.add(value)
                return value


def _money(rng: random.Random) -> tuple[int | None, int | None]:
    """Annual turnover and capital in whole rupiah, mostly micro, a few small and medium."""
    roll = rng.random()
    if roll < 0.955:
        turnover = int(rng.lognormvariate(17.9, 0.9)) // 1000 * 1000  # median ≈ Rp 60 juta
        turnover = min(turnover, 1_990_000_000)
    elif roll < 0.995:
        turnover = rng.randrange(2_100_000_000, 14_900_000_000, 1_000_000)
    else:
        turnover = rng.randrange(15_500_000_000, 45_000_000_000, 1_000_000)
    # Capital stays inside the UMKM bands even when it is the only figure known.
    capital = min(int(turnover * rng.uniform(0.15, 0.6)) // 1000 * 1000, 9_500_000_000)
    unknown = rng.random()
    if unknown < 0.08:
        return None, capital  # turnover not reported: class falls back to capital
    if unknown < 0.10:
        return None, None
    return turnover, capital


def _generate_businesses(
    entries: list[tuple[int, int | None]], rng: random.Random, identities: _Identities, today: datetime.date
) -> Iterator[Business]:
    """Unsaved Business rows, one per entry (year, month) and one at a time: a million never sit in memory."""
    desa_list = list(Desa.objects.select_related("kecamatan").order_by("code"))
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    kbli_codes = list(KbliCode.objects.values_list("code", flat=True))
    kbli_by_sector = {
        slug: [code for code in kbli_codes if code.startswith(prefixes)]
        for slug, prefixes in SECTOR_KBLI_PREFIXES.items()
    }
    # Some desa are busier than others; Karanggayam is an ordinary desa until its 2023 boom.
    desa_weights = [rng.uniform(0.5, 1.6) for _ in desa_list]
    karanggayam = next(desa for desa in desa_list if desa.code == KARANGGAYAM)
    registered_2023 = 0
    for year, month in entries:
        if year == 2023 and registered_2023 % KARANGGAYAM_2023_EVERY == 0:
            desa = karanggayam
        else:
            desa = rng.choices(desa_list, weights=desa_weights)[0]
        registered_2023 += year == 2023
        sector_weights = (
            KARANGGAYAM_SECTOR_WEIGHTS if year == 2023 and desa.code == KARANGGAYAM else SECTOR_WEIGHTS
        )
        slug = _weighted(rng, sector_weights)
        female = rng.random() < 0.58
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        owner_name = f"{first} {rng.choice(FAMILY_NAMES)}"
        product = rng.choice(PRODUCTS[slug])
        style = rng.random()
        if style < 0.4:
            name = f"{product} {'Bu' if female else 'Pak'} {first}"
        elif style < 0.8:
            prefix = rng.choice(NAME_PREFIXES)
            name = f"{prefix} {product} {rng.choice(BRAND_WORDS)}".strip()
        else:
            name = f"{product} {desa.name}"
        turnover, capital = _money(rng)
        registered_on = _random_date(rng, year, month, today)
        food_like = slug in ("makanan", "minuman", "pertanian-olahan")
        business = Business(
            name=name,
            owner_name=owner_name,
            owner_nik=identities.nik(desa.kecamatan.code, female) if rng.random() < 0.72 else None,
            owner_gender="P" if female else "L",
            phone=f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7, 10**8)}"
            if rng.random() < 0.85
            else "",
            nib=identities.nib() if rng.random() < (0.30 if year < 2022 else 0.45) else None,
            address=f"RT {rng.randint(1, 8):02d} RW {rng.randint(1, 6):02d}, Desa {desa.name}",
            kecamatan_id=desa.kecamatan_id,
            desa_id=desa.pk,
            sector=sectors[slug],
            kbli_code=rng.choice(kbli_by_sector[slug]) if rng.random() < 0.6 else "",
            year_founded=max(1980, year - int(rng.expovariate(0.15))),
            registered_on=registered_on,
            employees=max(1, int(rng.expovariate(0.45))) if turnover or capital else 1,
            turnover=turnover,
            capital=capital,
            has_pirt=food_like and rng.random() < 0.35,
            has_halal=food_like and rng.random() < 0.18,
            has_bpom=food_like and rng.random() < 0.03,
            has_brand=rng.random() < 0.05,
            sells_online=rng.random() < 0.3,
            has_financing=rng.random() < 0.2,
            status=rng.choices(["aktif", "tidak_aktif", "tutup"], weights=[92, 6, 2])[0],
        )
        business.size_class = business.computed_size_class()
        # History starts on the day the business entered the registry.
        business._history_date = at_hour(registered_on, 9)
        yield business


def _batches(rows: Iterable[Business], size: int) -> Iterator[list[Business]]:
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield batch


def build_businesses(total: int, seed: int, today: datetime.date | None = None) -> list[Business]:
    """Unsaved Business rows for the demo registry (deterministic for a seed and a day)."""
    return [business for batch in business_batches(total, seed, today=today) for business in batch]


def business_batches(
    total: int, seed: int, batch_size: int = BATCH_SIZE, *, today: datetime.date | None = None
) -> Iterator[list[Business]]:
    """The rows of build_businesses(total, seed, today), in batches of batch_size."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    return _batches(_generate_businesses(_entries(total, today), rng, _Identities(rng), today), batch_size)


@transaction.atomic
def seed_registry(*, total: int, seed: int, user=None, today: datetime.date | None = None) -> int:
    """Insert the demo registry in bulk; returns how many businesses were created.

    `total` counts every business: up to 34.675 the registry of 2012–2023 (scaled down when smaller),
    beyond that the businesses that entered after 2023 up to today (see _entries).
    """
    created = 0
    for batch in business_batches(total, seed, today=today):
        bulk_create_with_history(
            batch,
            Business,
            batch_size=2000,
            default_user=user,
            default_change_reason="Data demo",
        )
        tallies.created(batch)  # a bulk insert skips save(), which keeps the registry's figures
        created += len(batch)
    return created


def top_up_registry(*, total: int, seed: int, on_batch: Callable[[int], None] | None = None) -> int:
    """Add demo businesses until the registry holds `total`; returns how many were added.

    For benchmarks at a scale the office may reach (up to a million). The rows are another
    deterministic draw, seeded by the seed and the count already present, whose NIK and NIB never
    collide with those in the registry. No history rows are written: they would double the work
    of inserting a million rows, and the pages benchmarked read the businesses, not their history.
    Each batch is its own transaction, so an interrupted top-up keeps what it wrote and can resume.
    """
    existing = Business.objects.count()
    missing = total - existing
    if missing <= 0:
        return 0
    rng = random.Random(f"{seed}/{existing}")
    identities = _Identities.around_registry(rng)
    # More of the registry's 2012–2023 shape: the years after 2023 stay at the office's pace.
    entries = [(year, None) for year in _entry_years(missing)]
    created = 0
    rows = _generate_businesses(entries, rng, identities, timezone.localdate())
    for batch in _batches(rows, BATCH_SIZE):
        with transaction.atomic():
            Business.objects.bulk_create(batch)
            tallies.created(batch)
        created += len(batch)
        if on_batch:
            on_batch(existing + created)
    return created
