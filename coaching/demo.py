"""Deterministic demo programmes on top of the demo registry (DESIGN.md §1 and §3).

Two programmes: 2024 as the office described it (Rp 1,2 miliar, 170 UMKM naik kelas, every kecamatan
coached, a NIB drive in Desa Karanggayam), and this year's, recorded only up to today. Writes that the
rules guard (enrolment, withdrawal, verification, drive outcomes with their NIB, membership) go through
the services; sessions, attendance and assessments are bulk rows built to the same rules. Coaches,
sessions, assessments and NIBs are made up; places, sectors and the 2024 figures are real.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from registry.formatting import MONTHS, rupiah, tanggal
from registry.models import Business, Desa, Kecamatan, Sector
from registry.roles import PENDAMPING
from registry.services import business_update, user_create_with_role
from registry.sizes import decide_size_class

from . import rules, selectors, services
from .indicators import INDICATORS
from .models import (
    Assessment,
    Association,
    Attendance,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    Membership,
    Programme,
    Topic,
)
from .periods import QUARTER_NUMERALS, QUARTERS, quarter_bounds, quarter_of
from .verdicts import store_verdicts

User = get_user_model()

PENDAMPING_PASSWORD = "demo-pendamping-blitar"  # the same for every demo coach; never on a real server
# Each field coach covers neighbouring kecamatan; together they cover all 22.
PENDAMPING_AREAS = [
    ("pendamping", "Bagus Prasetyo", ["Srengat", "Wonodadi", "Udanawu"]),
    ("pendamping2", "Dwi Wahyuningsih", ["Ponggok", "Sanankulon", "Nglegok"]),
    ("pendamping3", "Agus Setiyono", ["Garum", "Kanigoro", "Talun"]),
    ("pendamping4", "Sri Rahayu Ningsih", ["Gandusari", "Wlingi", "Doko"]),
    ("pendamping5", "Yudha Kurniawan", ["Selopuro", "Selorejo", "Kesamben"]),
    ("pendamping6", "Endah Puspitasari", ["Kademangan", "Sutojayan"]),
    ("pendamping7", "Sigit Hariyanto", ["Wonotirto", "Bakung", "Panggungrejo"]),
    ("pendamping8", "Nur Aini Fatmawati", ["Binangun", "Wates"]),
]

KARANGGAYAM = "35.05.03.2001"  # Desa Karanggayam, Kecamatan Srengat (DESIGN.md §1)


@dataclass(frozen=True)
class ProgrammeSpec:
    year: int
    name: str
    budget_ceiling: int
    naik_kelas_target: int
    planned_sessions_total: int
    cohort_size: int  # with the full registry; smaller registries get a smaller cohort
    # Shares of the cohort by the end of the year; verification scales with the time elapsed.
    verified_share: float
    waiting_share: float
    withdrawn_share: float


PROGRAMME_2024 = ProgrammeSpec(
    year=2024,
    name="Pembinaan dan Pendampingan UMKM Naik Kelas 2024",
    budget_ceiling=1_200_000_000,
    naik_kelas_target=170,
    planned_sessions_total=440,  # 20 per kecamatan: classes, clinics, site visits and mentoring
    cohort_size=196,
    verified_share=173 / 196,
    waiting_share=4 / 196,
    withdrawn_share=5 / 196,
)


def current_programme_spec(year: int) -> ProgrammeSpec:
    return ProgrammeSpec(
        year=year,
        name=f"Pembinaan dan Pendampingan UMKM Naik Kelas {year}",
        budget_ceiling=1_250_000_000,
        naik_kelas_target=180,
        planned_sessions_total=528,  # 24 per kecamatan; by late November about nine in ten are held
        cohort_size=185,
        verified_share=0.85,
        waiting_share=0.05,
        withdrawn_share=0.02,
    )


# The cohort leans to food, drinks and crafts (DESIGN.md §1) and to micro businesses.
COHORT_SECTOR_WEIGHTS = {
    "makanan": 3, "minuman": 3, "kerajinan": 3, "pertanian-olahan": 1.5, "fesyen": 1.5,
    "suvenir": 1, "jasa-foto": 0.7, "jasa-lainnya": 0.5, "perdagangan": 0.4,
}  # fmt: skip
COHORT_CLASS_WEIGHTS = {"mikro": 1.0, "kecil": 0.6, "menengah": 0.1, "": 0.3}
# Share of the active registry one cohort may take, so that a small demo registry still has guests.
COHORT_MAX_SHARE = 10
FOOD_SECTORS = {"makanan", "minuman", "pertanian-olahan"}
FOOD_ONLY_INDICATORS = {"has_pirt", "has_halal", "has_bpom"}
# How often an indicator is the one a coached business gains.
GAIN_WEIGHTS = {
    "has_nib": 3, "has_pirt": 3, "has_halal": 2, "has_bpom": 0.3, "has_brand": 1, "sells_online": 3,
    "has_financing": 1.5, "new_market": 1.5, "product_upgraded": 3, "keeps_books": 3,
}  # fmt: skip
GAIN_NOTES = {
    "has_nib": "NIB terbit lewat OSS",
    "has_pirt": "SPP-IRT terbit",
    "has_halal": "sertifikat halal terbit",
    "has_bpom": "izin edar BPOM terbit",
    "has_brand": "merek didaftarkan ke DJKI",
    "sells_online": "mulai berjualan di marketplace",
    "has_financing": "mendapat KUR",
    "new_market": "produk masuk toko oleh-oleh di Malang dan Surabaya",
    "product_upgraded": "kemasan baru berlabel",
    "keeps_books": "pembukuan harian mulai rapi",
}

# Session kinds: topic weights, how many topics, duration choices in minutes.
TOPIC_WEIGHTS = {
    CoachingSession.Kind.GROUP_CLASS: {
        "kualitas-produk": 3, "pemasaran-merek": 3, "digital": 3, "keuangan": 2, "perizinan": 2,
        "produktivitas": 1.5, "efisiensi": 1, "perluasan-pasar": 1.5,
    },
    CoachingSession.Kind.CLINIC: {"perizinan": 4, "keuangan": 3, "digital": 2, "pemasaran-merek": 1},
    CoachingSession.Kind.MENTORING: {
        "kualitas-produk": 2, "pemasaran-merek": 2, "digital": 2, "keuangan": 2, "perizinan": 1,
        "produktivitas": 1, "efisiensi": 1, "perluasan-pasar": 1,
    },
    CoachingSession.Kind.SITE_VISIT: {
        "kualitas-produk": 3, "produktivitas": 3, "efisiensi": 2, "pemasaran-merek": 1,
    },
}  # fmt: skip
TOPIC_COUNTS = {
    CoachingSession.Kind.GROUP_CLASS: [1, 2, 2, 3],
    CoachingSession.Kind.CLINIC: [1, 1, 2],
    CoachingSession.Kind.MENTORING: [1, 1, 2],
    CoachingSession.Kind.SITE_VISIT: [1, 2],
}
DURATIONS = {
    CoachingSession.Kind.GROUP_CLASS: [150, 180, 180, 240],
    CoachingSession.Kind.CLINIC: [120, 150, 180],
    CoachingSession.Kind.MENTORING: [60, 90, 90, 120],
    CoachingSession.Kind.SITE_VISIT: [60, 90, 120],
}
SPEAKERS = {
    "kualitas-produk": [
        "Tim Rumah Kemasan Disperindag Provinsi Jawa Timur", "Dra. Endang Susilowati (praktisi pangan)",
    ],
    "produktivitas": ["Ir. Hadi Purnomo, M.T. (konsultan produksi)", "Tim PLUT-KUMKM Provinsi Jawa Timur"],
    "efisiensi": ["Ir. Hadi Purnomo, M.T. (konsultan produksi)"],
    "pemasaran-merek": ["Dian Anggraini, S.E., M.M. (Universitas Islam Balitar)", "Tim Rumah BUMN Blitar"],
    "perluasan-pasar": ["Dekranasda Kabupaten Blitar", "Yulianto Wibisono (eksportir kerajinan)"],
    "perizinan": [
        "DPMPTSP Kabupaten Blitar", "Dinas Kesehatan Kabupaten Blitar",
        "Satgas Halal Kemenag Kabupaten Blitar",
    ],
    "digital": ["Tim Rumah BUMN Blitar", "Rizky Firmansyah (pelatih pemasaran digital)"],
    "keuangan": ["Bank Jatim Cabang Blitar", "BRI Cabang Blitar (penyaluran KUR)"],
}  # fmt: skip
SESSION_NOTES = [
    "Peserta membawa contoh produk untuk dinilai bersama.",
    "Praktik foto produk dengan ponsel.",
    "Pembuatan akun marketplace dibantu langsung.",
    "Simulasi menghitung HPP dan harga jual.",
    "Pendaftaran NIB lewat OSS dipandu satu per satu.",
    "Tindak lanjut: pendamping mengecek pembukuan pada kunjungan berikutnya.",
]
VERIFICATION_NOTES = [
    "Diperiksa saat kunjungan: nota penjualan tiga bulan terakhir dan dokumen izin cocok dengan penilaian.",
    "Dokumen izin dicek di sistem penerbitnya; omzet dari buku kas usaha.",
    "Foto kemasan baru dan tangkapan layar toko daring dilampirkan pendamping; cocok dengan penilaian.",
    "Dicek bersama pendamping di tempat usaha; pembukuan dan bukti kirim ke luar daerah diperiksa.",
    "Sesuai berita acara penilaian lanjutan yang ditandatangani pemilik usaha dan pendamping.",
]
WITHDRAWAL_REASONS = [
    "Pemilik sakit; usaha berhenti sementara.",
    "Pindah domisili ke luar Kabupaten Blitar.",
    "Pemilik bekerja ke luar negeri; usaha tidak dilanjutkan.",
    "Tidak bersedia melanjutkan pendampingan karena waktu tidak cukup.",
    "Usaha tutup karena harga bahan baku naik.",
]
ASSOCIATIONS = [
    ("Asosiasi UMKM Makanan dan Minuman Kabupaten Blitar", "makanan", "Hj. Sulastri Wibowo"),
    ("Paguyuban Perajin Blitar", "kerajinan", "Slamet Riyadi"),
    ("Forum UMKM Fesyen dan Batik Kabupaten Blitar", "fesyen", "Dewi Kartikasari"),
    ("Paguyuban Olahan Hasil Tani Blitar", "pertanian-olahan", "Sugeng Hartono"),
    ("Forum UMKM Naik Kelas Kabupaten Blitar", None, "Imam Santoso"),
]
# Which association a sector's businesses join; the forum takes every other sector.
ASSOCIATION_FOR_SECTOR = {"makanan": 0, "minuman": 0, "kerajinan": 1, "suvenir": 1, "fesyen": 2}
ASSOCIATION_FOR_SECTOR["pertanian-olahan"] = 3
FORUM = 4

# Fates of a cohort member in the story.
VERIFIED, WAITING, STEADY, WITHDRAWN = "verified", "waiting", "steady", "withdrawn"
# Verifications fall mostly in the second half of the year (May … December).
VERIFY_MONTH_WEIGHTS = {5: 2, 6: 4, 7: 6, 8: 9, 9: 11, 10: 13, 11: 15, 12: 12}


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A day between start and end, both included."""
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    """That day at that hour in Asia/Jakarta, but never later than now."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), timezone.now())


def _weekday(day: datetime.date) -> datetime.date:
    """Field work does not happen on Sundays."""
    return day + datetime.timedelta(days=1) if day.weekday() == 6 else day


def _weekday_until(day: datetime.date) -> datetime.date:
    """The last day of field work up to `day`: a Sunday gives the Saturday before.

    A draw that ends here stays on or before `day` after `_weekday`, which moves a Sunday forward.
    """
    return day - datetime.timedelta(days=1) if day.weekday() == 6 else day


def _grow(amount: int, percent: int) -> int:
    """`amount` grown by `percent`, rounded up to a thousand rupiah so the growth is never understated."""
    grown = -(-amount * (100 + percent) // 100)
    return -(-grown // 1000) * 1000


def _weighted_sample(rng: random.Random, weights: dict, count: int) -> list:
    """`count` distinct keys, the heavier ones more likely (Efraimidis–Spirakis)."""
    keyed = sorted(weights, key=lambda item: rng.random() ** (1 / weights[item]), reverse=True)
    return keyed[:count]


def _backdate(history, when) -> None:
    """Put history written through the services on the day it happened in the story, not today."""
    rows = list(history)
    for row in rows:
        row.history_date = when(row)
    if rows:
        type(rows[0])._default_manager.bulk_update(rows, ["history_date"], batch_size=500)


class _Nibs:
    """New 13-digit NIBs that no business in the registry has."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken = set(Business.objects.exclude(nib=None).values_list("nib", flat=True))

    def __call__(self) -> str:
        while True:
            nib = str(self.rng.randrange(10**12, 10**13))
            if nib not in self.taken:
                self.taken.add(nib)
                return nib


@dataclass
class _Member:
    business: Business
    pendamping: User
    enrolled_on: datetime.date
    fate: str = STEADY
    baseline_on: datetime.date | None = None
    qualifies_on: datetime.date | None = None
    verified_on: datetime.date | None = None
    withdrawn_on: datetime.date | None = None
    follow_ups: list[datetime.date] = field(default_factory=list)
    blocked_gains: set[str] = field(default_factory=set)  # certificates left to a drive
    granted: dict[str, datetime.date] = field(default_factory=dict)  # certificates issued at a drive
    enrolment: Enrolment | None = None

    @property
    def sector(self) -> str:
        return self.business.sector.slug

    def present_on(self, day: datetime.date) -> bool:
        return self.enrolled_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


@dataclass
class _Place:
    kecamatan: Kecamatan
    desa: list[Desa]
    pendamping: User
    members: list[_Member] = field(default_factory=list)
    guests: list[int] = field(default_factory=list)  # active businesses outside the cohort


class _ProgrammeBuilder:
    """Builds one programme: cohort, assessments, sessions, drives, verification and memberships."""

    def __init__(self, *, spec: ProgrammeSpec, context: "_Context"):
        self.spec = spec
        self.ctx = context
        self.rng = context.rng
        self.today = context.today
        year = spec.year
        # Field work stops in mid-December; nothing is recorded after today.
        self.last_day = min(datetime.date(year, 12, 14), self.today)
        self.verify_until = min(datetime.date(year, 12, 20), self.today)
        self.members: list[_Member] = []
        self.withdrawal_reason: dict[int, str] = {}
        self.nib_written_on: dict[int, datetime.date] = {}

    # --- the programme and its cohort --------------------------------------------------------

    def build(self) -> Programme:
        spec = self.spec
        self.programme = services.programme_create(
            user=self.ctx.staf,
            fields={
                "year": spec.year,
                "name": spec.name,
                "budget_ceiling": spec.budget_ceiling,
                "naik_kelas_target": spec.naik_kelas_target,
                "starts_on": datetime.date(spec.year, 1, 1),
                "ends_on": datetime.date(spec.year, 12, 31),
            },
            planned_sessions_total=spec.planned_sessions_total,
        )
        self._enrol()
        self._assign_fates()
        certificate_drive = self._plan_certificate_drive()
        before_verification, after_verification = self._assessments()
        bulk_create_with_history(before_verification, Assessment, batch_size=500)
        self._write_gained_nibs()
        self._sessions()
        self._record_certificate_drive(certificate_drive)
        if spec.year == 2024:
            self._nib_drive()
        self._withdraw()
        self._verify()
        # Coaching goes on after a business moved up; those follow-ups are written after its verification.
        bulk_create_with_history(after_verification, Assessment, batch_size=500)
        store_verdicts(self.programme.enrolments.all())
        if spec.year == 2024:
            self._expo()
        self._memberships()
        _BudgetBuilder(self).build()
        self._backdate_history()
        return self.programme

    def _cohort_size(self) -> int:
        return min(self.spec.cohort_size, len(self.ctx.pool) // COHORT_MAX_SHARE)

    def _enrol(self) -> None:
        rng, spec = self.rng, self.spec
        size = self._cohort_size()
        places = self.ctx.places
        quotas = dict.fromkeys(places, size // len(places))
        for kecamatan_id in rng.sample(sorted(places), size % len(places)):
            quotas[kecamatan_id] += 1
        first_day = datetime.date(spec.year, 1, 1)
        picked: list[int] = []
        for kecamatan_id in sorted(places):
            rows = [
                row
                for row in self.ctx.pool_by_kecamatan[kecamatan_id]
                if row.id not in self.ctx.taken and row.registered_on < first_day
            ]
            quota = quotas[kecamatan_id]
            # Karanggayam's boom draws the office there first (DESIGN.md §1).
            hot = [row for row in rows if row.desa_code == KARANGGAYAM and row.nib is None]
            chosen = [row.id for row in rng.sample(hot, min(len(hot), 3, quota))] if spec.year == 2024 else []
            weights = {
                row.id: COHORT_SECTOR_WEIGHTS.get(row.sector, 0.5)
                * COHORT_CLASS_WEIGHTS.get(row.size_class, 0.3)
                for row in rows
                if row.id not in chosen
            }
            chosen += _weighted_sample(rng, weights, quota - len(chosen))
            picked += chosen
        self.ctx.taken.update(picked)
        businesses = Business.objects.select_related("sector").in_bulk(picked)

        # Each pendamping enrols the businesses of a kecamatan in two batches, January and February.
        batches: dict[tuple[int, datetime.date], list[Business]] = defaultdict(list)
        for kecamatan_id in sorted(places):
            place = places[kecamatan_id]
            january = _weekday(_day(rng, datetime.date(spec.year, 1, 8), datetime.date(spec.year, 1, 31)))
            february = _weekday(_day(rng, datetime.date(spec.year, 2, 1), datetime.date(spec.year, 2, 27)))
            for business_id in picked:
                business = businesses[business_id]
                if business.kecamatan_id != kecamatan_id:
                    continue
                enrolled_on = january if rng.random() < 0.7 else february
                if enrolled_on > self.today:
                    continue
                member = _Member(business=business, pendamping=place.pendamping, enrolled_on=enrolled_on)
                place.members.append(member)
                self.members.append(member)
                batches[(kecamatan_id, enrolled_on)].append(business)
        for place in places.values():
            members = {member.business.pk for member in place.members}
            place.guests = [
                row.id for row in self.ctx.pool_by_kecamatan[place.kecamatan.pk] if row.id not in members
            ]
        enrolments = {}
        for (kecamatan_id, enrolled_on), group in sorted(batches.items()):
            for enrolment in services.enrolment_create_many(
                programme=self.programme,
                businesses=group,
                pendamping=places[kecamatan_id].pendamping,
                user=self.ctx.staf,
                enrolled_on=enrolled_on,
            ):
                enrolments[enrolment.business_id] = enrolment
        for member in self.members:
            member.enrolment = enrolments[member.business.pk]

    # --- what happens to each member -----------------------------------------------------------

    def _elapsed(self) -> float:
        programme = self.programme
        days = (min(self.today, programme.ends_on) - programme.starts_on).days
        return max(0.0, min(1.0, days / (programme.ends_on - programme.starts_on).days))

    def _verify_day(self, earliest: datetime.date) -> datetime.date | None:
        rng, year = self.rng, self.spec.year
        months = {
            month: weight
            for month, weight in VERIFY_MONTH_WEIGHTS.items()
            if datetime.date(year, month, 1) <= self.verify_until
        }
        if not months:
            return None
        month = rng.choices(list(months), weights=list(months.values()))[0]
        start = max(datetime.date(year, month, 1), earliest)
        end = min(datetime.date(year, month, 28), _weekday_until(self.verify_until))
        return _weekday(_day(rng, start, end)) if start <= end else None

    def _assign_fates(self) -> None:
        rng, spec, year = self.rng, self.spec, self.spec.year
        # The baseline is taken on a first visit, days to weeks after the enrolment. Early in the year
        # those visits have all happened by today, the most recent ones on the day the business joined.
        latest = _weekday_until(self.last_day)
        for member in self.members:
            first = member.enrolled_on + datetime.timedelta(days=3)
            last = min(member.enrolled_on + datetime.timedelta(days=40), datetime.date(year, 3, 28))
            if last > latest:
                first, last = min(first, latest), latest
            member.baseline_on = _weekday(_day(rng, first, last))
        size = len(self.members)
        # A small demo cohort still shows one business of each kind.
        at_least_one = 1 if size >= 10 else 0
        withdrawn = max(at_least_one, round(size * spec.withdrawn_share))
        verified = round(size * spec.verified_share * self._elapsed())
        waiting = max(at_least_one, round(size * spec.waiting_share))
        order = self.members[:]
        rng.shuffle(order)
        for index, member in enumerate(order):
            if index < withdrawn:
                self._withdrawn(member)
            elif index < withdrawn + verified:
                self._verified(member)
            elif waiting and self._waiting(member):
                # Early in the year a recent baseline is too fresh to qualify on; the next member may.
                waiting -= 1
        for member in self.members:
            if member.fate in (STEADY, WITHDRAWN):
                member.follow_ups = self._regular_follow_ups(member, before=member.withdrawn_on)

    def _regular_follow_ups(self, member, *, before=None, around=None) -> list[datetime.date]:
        """A mid-year and an October–November follow-up, unless too close to another or in the future."""
        rng, year = self.rng, self.spec.year
        days = [
            _weekday(_day(rng, datetime.date(year, 6, 3), datetime.date(year, 7, 31))),
            _weekday(_day(rng, datetime.date(year, 10, 1), datetime.date(year, 11, 29))),
        ]
        return [
            day
            for day in days
            if day <= self.last_day
            and (before is None or day < before)
            and (around is None or abs((day - around).days) > 14)
        ]

    def _withdrawn(self, member: _Member) -> None:
        year = self.spec.year
        day = _weekday(_day(self.rng, datetime.date(year, 4, 1), datetime.date(year, 9, 30)))
        if day <= self.last_day:
            member.fate = WITHDRAWN
            member.withdrawn_on = day
            self.withdrawal_reason[member.business.pk] = self.rng.choice(WITHDRAWAL_REASONS)

    def _verified(self, member: _Member) -> None:
        verified_on = self._verify_day(member.baseline_on + datetime.timedelta(days=40))
        if verified_on is None:
            return
        qualifies_on = _day(
            self.rng,
            max(member.baseline_on + datetime.timedelta(days=30), verified_on - datetime.timedelta(days=21)),
            min(verified_on - datetime.timedelta(days=3), self.last_day),
        )
        member.fate, member.verified_on, member.qualifies_on = VERIFIED, verified_on, qualifies_on
        member.follow_ups = sorted([qualifies_on, *self._regular_follow_ups(member, around=qualifies_on)])

    def _waiting(self, member: _Member) -> bool:
        """Make the member a candidate in the last weeks, if its baseline is old enough; say whether."""
        start = max(
            member.baseline_on + datetime.timedelta(days=30), self.last_day - datetime.timedelta(days=35)
        )
        if start > self.last_day:
            return False
        member.fate = WAITING
        member.qualifies_on = _day(self.rng, start, self.last_day)
        regular = self._regular_follow_ups(member, before=member.qualifies_on, around=member.qualifies_on)
        member.follow_ups = sorted([*regular, member.qualifies_on])
        return True

    # --- certificate drive (halal in 2024, PIRT afterwards) -------------------------------------

    def _plan_certificate_drive(self) -> dict | None:
        rng, year = self.rng, self.spec.year
        if year == 2024:
            plan = {
                "indicator": "has_halal",
                "fields": {
                    "kind": Event.Kind.HALAL,
                    "name": "Fasilitasi Sertifikat Halal Gratis (Self Declare) bagi UMKM Binaan 2024",
                    "held_on": datetime.date(year, 8, 24),
                    "kecamatan": self.ctx.kecamatan_by_name["Kanigoro"],
                    "venue": "Aula Dinas Koperasi dan Usaha Mikro Kabupaten Blitar, Kanigoro",
                    "partner": "Kantor Kementerian Agama Kabupaten Blitar (Satgas Halal)",
                    "notes": "Pendamping proses produk halal membantu pengisian data di lokasi.",
                },
            }
        else:
            plan = {
                "indicator": "has_pirt",
                "fields": {
                    "kind": Event.Kind.PIRT,
                    "name": f"Fasilitasi SPP-IRT dan Penyuluhan Keamanan Pangan {year}",
                    "held_on": datetime.date(year, 7, 16),
                    "kecamatan": self.ctx.kecamatan_by_name["Talun"],
                    "venue": "Pendopo Kecamatan Talun",
                    "partner": "Dinas Kesehatan Kabupaten Blitar",
                    "notes": "Penyuluhan keamanan pangan sebagai syarat SPP-IRT.",
                },
            }
        held_on = plan["fields"]["held_on"]
        if held_on > self.today:
            return None
        indicator = plan["indicator"]
        # Only businesses on their way up take part, so a certificate never makes a candidate by accident.
        pool = [
            member
            for member in self.members
            if member.fate in (VERIFIED, WAITING)
            and member.sector in FOOD_SECTORS
            and not getattr(member.business, indicator)
        ]
        participants = rng.sample(pool, min(len(pool), 25))
        outcomes = {}
        for member in participants:
            member.blocked_gains.add(indicator)
            roll = rng.random()
            issued_on = held_on + datetime.timedelta(days=rng.randint(14, 35))
            if roll < 0.65 and issued_on <= self.today:
                outcomes[member.business.pk] = (EventParticipant.Outcome.ISSUED, issued_on)
                member.granted[indicator] = issued_on
            elif roll < 0.9:
                outcomes[member.business.pk] = (EventParticipant.Outcome.APPLIED, held_on)
        plan["participants"] = [member.business for member in participants]
        plan["outcomes"] = outcomes
        return plan

    def _record_certificate_drive(self, plan: dict | None) -> None:
        if plan is None:
            return
        self._record_event(plan["fields"], plan["participants"], plan["outcomes"])

    def _record_event(self, fields: dict, businesses: list, outcomes: dict, nibs: dict | None = None):
        staf = self.ctx.staf
        event = services.event_create(user=staf, fields={"programme": self.programme, **fields})
        services.event_add_participants(event=event, businesses=businesses, user=staf)
        participants = {p.business_id: p for p in event.participants.all()}
        for business in businesses:
            if business.pk not in outcomes:
                continue
            outcome, outcome_on = outcomes[business.pk]
            if outcome == EventParticipant.Outcome.ISSUED and outcome_on > fields["held_on"]:
                # Applied on the day, issued later: both steps show on the business timeline.
                services.event_participant_set_outcome(
                    participant=participants[business.pk],
                    outcome=EventParticipant.Outcome.APPLIED,
                    user=staf,
                    outcome_on=fields["held_on"],
                )
            services.event_participant_set_outcome(
                participant=participants[business.pk],
                outcome=outcome,
                user=staf,
                nib=(nibs or {}).get(business.pk, ""),
                outcome_on=outcome_on,
            )
        return event

    # --- assessments -----------------------------------------------------------------------------

    def _baseline(self, member: _Member) -> Assessment:
        rng, business = self.rng, member.business
        if business.turnover:
            turnover = max(1_000_000, business.turnover * rng.randint(90, 110) // 100 // 50_000 * 50_000)
        else:
            turnover = rng.randrange(24_000_000, 180_000_000, 1_000_000)
        capital = business.capital if business.capital else turnover * rng.randint(20, 50) // 100
        capital = capital * rng.randint(90, 110) // 100 // 50_000 * 50_000
        return Assessment(
            enrolment=member.enrolment,
            kind=Assessment.Kind.BASELINE,
            assessed_on=member.baseline_on,
            turnover=turnover,
            capital=capital,
            employees=business.employees,
            has_nib=business.nib is not None,
            has_pirt=business.has_pirt,
            has_halal=business.has_halal,
            has_bpom=business.has_bpom,
            has_brand=business.has_brand,
            sells_online=business.sells_online,
            has_financing=business.has_financing,
            new_market=rng.random() < 0.08,
            product_upgraded=rng.random() < 0.12,
            keeps_books=rng.random() < 0.2,
            recorded_by=member.pendamping,
            notes="Penilaian awal saat kunjungan pertama ke tempat usaha.",
        )

    def _follow_up(self, member, baseline, previous, day, gains, growth) -> Assessment:
        held = {name for name in INDICATORS if getattr(baseline, name)}
        held |= set(gains) | {name for name, granted_on in member.granted.items() if granted_on <= day}
        before = {name for name in INDICATORS if getattr(previous, name)}
        assessment = Assessment(
            enrolment=member.enrolment,
            kind=Assessment.Kind.FOLLOW_UP,
            assessed_on=day,
            turnover=_grow(baseline.turnover, growth),
            capital=_grow(baseline.capital, max(0, growth // 2)),
            employees=baseline.employees + (1 if growth >= 30 else 0),
            recorded_by=member.pendamping,
            **{name: name in held for name in INDICATORS},
        )
        news = [GAIN_NOTES[name] for name in INDICATORS if name in held - before]
        notes = f"Omzet {'naik' if growth >= 0 else 'turun'} {abs(growth)} % dari penilaian awal."
        if news:
            gained = "; ".join(news)
            notes = f"{gained[0].upper()}{gained[1:]}. {notes}"
        assessment.notes = notes
        assessment.size_class = decide_size_class(assessment.turnover, assessment.capital).size_class or ""
        return assessment

    def _gains(self, member: _Member, baseline: Assessment) -> list[str]:
        weights = {
            name: weight
            for name, weight in GAIN_WEIGHTS.items()
            if not getattr(baseline, name)
            and name not in member.blocked_gains
            and (member.sector in FOOD_SECTORS or name not in FOOD_ONLY_INDICATORS)
        }
        return _weighted_sample(self.rng, weights, len(weights))

    def _stages(self, member: _Member, gains: list[str]) -> list[tuple[list[str], int]]:
        """Indicators gained and turnover growth (%) at each follow-up, as the member's fate has it."""
        rng, settings = self.rng, selectors.rule_settings(self.programme)
        if member.fate in (VERIFIED, WAITING):
            if rng.random() < 0.6:
                growth, count = rng.randint(20, 60), rng.randint(1, 2)
            else:
                growth, count = rng.randint(3, 18), rng.randint(2, 3)
            count = min(count, len(gains))
            if count + (growth >= settings.turnover_growth_percent) < settings.min_new_indicators:
                growth = rng.randint(25, 45)
            extra, late_growth = rng.randint(0, 1), rng.randint(0, 12)
            return [
                (gains[: min(1, count - 1)], growth // 3)  # on the way: part of the progress
                if day < member.qualifies_on
                else (gains[:count], growth)
                if day == member.qualifies_on
                else (gains[: count + extra], growth + late_growth)  # kept what it gained, and a bit more
                for day in member.follow_ups
            ]
        if member.fate == WITHDRAWN:
            return [([], rng.randint(-10, 5)) for _ in member.follow_ups]
        return [
            ([], rng.randint(0, 8)) if day.month < 9 else (gains[: rng.randint(0, 1)], rng.randint(-5, 15))
            for day in member.follow_ups
        ]

    def _assessments(self) -> tuple[list[Assessment], list[Assessment]]:
        """Every member's assessments: those up to its verification, and those after it."""
        settings = selectors.rule_settings(self.programme)
        rows, later = [], []
        for member in self.members:
            baseline = self._baseline(member)
            baseline.size_class = decide_size_class(baseline.turnover, baseline.capital).size_class or ""
            stages = self._stages(member, self._gains(member, baseline))
            follow_ups = self._follow_ups(member, baseline, stages)
            verdict = rules.evaluate(baseline, follow_ups[-1] if follow_ups else None, settings)
            if member.fate in (VERIFIED, WAITING) and not verdict.is_candidate:
                member.fate = STEADY  # nothing left to gain: it stays in the cohort without moving up
            elif member.fate in (STEADY, WITHDRAWN) and verdict.is_candidate:
                # Its growth alone crossed a class line; keep the story simple and leave it flat.
                follow_ups = self._follow_ups(member, baseline, [([], 0) for _ in stages])
            for assessment in [baseline, *follow_ups]:
                assessment._history_date = _at(assessment.assessed_on, 16)
                assessment._history_user = member.pendamping
                verified_before = member.fate == VERIFIED and member.verified_on < assessment.assessed_on
                (later if verified_before else rows).append(assessment)
            first_nib = next((a.assessed_on for a in follow_ups if a.has_nib and not baseline.has_nib), None)
            if first_nib:
                self.nib_written_on[member.business.pk] = first_nib
        return rows, later

    def _follow_ups(self, member, baseline, stages) -> list[Assessment]:
        follow_ups, previous = [], baseline
        for day, (gains, growth) in zip(member.follow_ups, stages, strict=True):
            previous = self._follow_up(member, baseline, previous, day, gains, growth)
            follow_ups.append(previous)
        return follow_ups

    def _write_gained_nibs(self) -> None:
        """A business that got its NIB while coached has it in the registry too."""
        businesses = {member.business.pk: member.business for member in self.members}
        for business_id in self.nib_written_on:
            business_update(
                business=businesses[business_id],
                user=self.ctx.staf,
                fields={"nib": self.ctx.nibs()},
                change_reason=f"NIB terbit lewat OSS dengan pendampingan ({self.programme.name})",
            )

    # --- sessions and attendance -----------------------------------------------------------------

    def _topics(self, kind: str) -> list[Topic]:
        count = self.rng.choice(TOPIC_COUNTS[kind])
        return [self.ctx.topics[slug] for slug in _weighted_sample(self.rng, TOPIC_WEIGHTS[kind], count)]

    def _sessions(self) -> None:
        planned: list[tuple[CoachingSession, list[Topic], list]] = []
        for kecamatan_id in sorted(self.ctx.places):
            self._place_sessions(self.ctx.places[kecamatan_id], planned)
        sessions = [session for session, _, _ in planned]
        bulk_create_with_history(sessions, CoachingSession, batch_size=500)
        through = CoachingSession.topics.through
        links = through.objects.bulk_create(
            [through(coachingsession_id=s.pk, topic_id=t.pk) for s, topics, _ in planned for t in topics],
            batch_size=1000,
        )
        # The sessions' history shows their topics, as it does for a session recorded on the form.
        history_ids = dict(
            CoachingSession.history.filter(id__in=[s.pk for s in sessions]).values_list("id", "history_id")
        )
        TopicHistory = CoachingSession.history.model.topics.model
        TopicHistory.objects.bulk_create(
            [
                TopicHistory(
                    id=link.pk,
                    coachingsession_id=link.coachingsession_id,
                    topic_id=link.topic_id,
                    history_id=history_ids[link.coachingsession_id],
                )
                for link in links
            ],
            batch_size=1000,
        )
        rows = []
        for session, _, present in planned:
            seen = set()
            for attendee in present:
                member = attendee if isinstance(attendee, _Member) else None
                business_id = member.business.pk if member else attendee
                if business_id not in seen:
                    seen.add(business_id)
                    rows.append(
                        Attendance(
                            session=session,
                            business_id=business_id,
                            enrolment=member.enrolment if member else None,
                            recorded_by=session.recorded_by,
                        )
                    )
        Attendance.objects.bulk_create(rows, batch_size=1000)

    def _place_sessions(self, place: _Place, planned: list) -> None:
        """A kecamatan's year: group classes, clinics, site visits and one-to-one mentoring."""
        rng, year = self.rng, self.spec.year
        Kind = CoachingSession.Kind

        def members_on(day, share):
            return [m for m in place.members if m.present_on(_weekday(day)) and rng.random() < share]

        def guests(most):
            return rng.sample(place.guests, min(len(place.guests), rng.randint(0, most)))

        classes = rng.randint(4, 6)
        span = (datetime.date(year, 12, 10) - datetime.date(year, 2, 1)).days // classes
        for index in range(classes):
            start = datetime.date(year, 2, 1) + datetime.timedelta(days=index * span)
            day = _day(rng, start, start + datetime.timedelta(days=span - 1))
            desa = rng.choice(place.desa)
            if rng.random() < 0.35:
                desa, venue = None, f"Pendopo Kecamatan {place.kecamatan.name}"
            elif desa.kind == Desa.Kind.KELURAHAN:
                venue = f"Aula Kantor Kelurahan {desa.name}"
            else:
                venue = rng.choice(["Balai Desa {}", "Balai Desa {}", "Aula BUMDes {}"]).format(desa.name)
            present = members_on(day, 0.75) + guests(3)
            self._add_session(planned, place, Kind.GROUP_CLASS, day, desa, venue, present)
        for _ in range(rng.randint(1, 3)):
            day = _day(rng, datetime.date(year, 3, 1), datetime.date(year, 11, 30))
            venue = f"{rng.choice(['Kantor', 'Pendopo'])} Kecamatan {place.kecamatan.name}"
            self._add_session(planned, place, Kind.CLINIC, day, None, venue, members_on(day, 0.4) + guests(2))
        for _ in range(rng.randint(2, 4) if place.members else 0):
            host = rng.choice(place.members)
            day = _weekday(self._member_day(host, 14))
            neighbours = [
                m
                for m in place.members
                if m is not host and m.business.desa_id == host.business.desa_id and m.present_on(day)
            ]
            if host.present_on(day):
                present = [host, *[m for m in neighbours if rng.random() < 0.5]]
                desa = self.ctx.desa[host.business.desa_id]
                venue = f"Rumah produksi {host.business.name}"
                self._add_session(planned, place, Kind.SITE_VISIT, day, desa, venue, present)
        for member in place.members:
            for _ in range(1 + (rng.random() < 0.3)):
                day = _weekday(self._member_day(member, 7))
                if member.present_on(day):
                    desa = self.ctx.desa[member.business.desa_id]
                    venue = f"Tempat usaha {member.business.name}"
                    self._add_session(planned, place, Kind.MENTORING, day, desa, venue, [member])

    def _member_day(self, member: _Member, after_days: int) -> datetime.date:
        """A day to visit a member: after it joined, before it left, by the end of November."""
        until = min(datetime.date(self.spec.year, 11, 30), member.withdrawn_on or datetime.date.max)
        start = member.enrolled_on + datetime.timedelta(days=after_days)
        return _day(self.rng, start, until - datetime.timedelta(days=1))

    def _add_session(self, planned, place, kind, day, desa, venue, present) -> None:
        rng = self.rng
        day = _weekday(day)
        if not self.programme.starts_on <= day <= self.last_day:
            return
        topics = self._topics(kind)
        speaker = ""
        if kind in (CoachingSession.Kind.GROUP_CLASS, CoachingSession.Kind.CLINIC) and rng.random() < 0.45:
            speaker = rng.choice(SPEAKERS[topics[0].slug])
        running = self.today < self.programme.ends_on
        if running and (self.today - day).days <= 10 and kind != CoachingSession.Kind.MENTORING:
            present = []  # held in the last days: the attendance list is not typed in yet
        session = CoachingSession(
            programme=self.programme,
            held_on=day,
            duration_minutes=rng.choice(DURATIONS[kind]),
            kind=kind,
            kecamatan=place.kecamatan,
            desa=desa,
            venue=venue[:200],
            pendamping=place.pendamping,
            speaker=speaker,
            notes=rng.choice(SESSION_NOTES) if rng.random() < 0.25 else "",
            recorded_by=place.pendamping if rng.random() < 0.9 else self.ctx.staf,
        )
        session._history_date = _at(day, 17)
        session._history_user = session.recorded_by
        planned.append((session, topics, present))

    # --- drives, withdrawal, verification, associations ------------------------------------------

    def _nib_drive(self) -> None:
        """DPMPTSP issues NIB on site at the pondok in Karanggayam (DESIGN.md §1)."""
        rng, year = self.rng, self.spec.year
        karanggayam = self.ctx.desa_by_code.get(KARANGGAYAM)
        held_on = datetime.date(year, 3, 2)
        if karanggayam is None or held_on > self.today:
            return
        members = {member.business.pk for member in self.members}
        rows = [
            row
            for row in self.ctx.pool_by_kecamatan[karanggayam.kecamatan_id]
            if row.nib is None and row.id not in members and row.registered_on <= held_on
        ]
        hot = [row.id for row in rows if row.desa_code == KARANGGAYAM]
        rest = [row.id for row in rows if row.desa_code != KARANGGAYAM]
        rng.shuffle(hot)
        rng.shuffle(rest)
        chosen = (hot + rest)[: rng.randint(44, 56)]
        businesses = Business.objects.in_bulk(chosen)
        participants = [businesses[pk] for pk in chosen]
        outcomes, nibs = {}, {}
        for business in participants:
            roll = rng.random()
            if roll < 0.7:
                outcomes[business.pk] = (EventParticipant.Outcome.ISSUED, held_on)
            elif roll < 0.8:
                issued_on = held_on + datetime.timedelta(days=rng.randint(7, 20))
                outcomes[business.pk] = (EventParticipant.Outcome.ISSUED, min(issued_on, self.today))
            elif roll < 0.92:
                outcomes[business.pk] = (EventParticipant.Outcome.APPLIED, held_on)
            if business.pk in outcomes and outcomes[business.pk][0] == EventParticipant.Outcome.ISSUED:
                nibs[business.pk] = self.ctx.nibs()
        self._record_event(
            {
                "kind": Event.Kind.NIB,
                "name": f"Jemput Bola Penerbitan NIB di Pondok Pesantren Desa Karanggayam {year}",
                "held_on": held_on,
                "kecamatan": karanggayam.kecamatan,
                "desa": karanggayam,
                "venue": "Halaman pondok pesantren, Desa Karanggayam",
                "partner": "DPMPTSP Kabupaten Blitar",
                "notes": "Layanan OSS di lokasi bersamaan dengan pengajian mingguan; "
                "pelaku usaha membawa KTP dan nomor HP aktif.",
            },
            participants,
            outcomes,
            nibs,
        )

    def _withdraw(self) -> None:
        for member in self.members:
            if member.fate == WITHDRAWN:
                member.enrolment = services.enrolment_withdraw(
                    enrolment=member.enrolment,
                    user=self.ctx.staf,
                    reason=self.withdrawal_reason[member.business.pk],
                )

    def _verify(self) -> None:
        active = selectors.cohort(self.programme).filter(status=Enrolment.Status.ACTIVE)
        verdicts = {enrolment.pk: enrolment.verdict for enrolment in selectors.with_verdicts(active)}
        for member in sorted(self.members, key=lambda m: (m.verified_on or datetime.date.max, m.business.pk)):
            if member.fate != VERIFIED or not verdicts[member.enrolment.pk].is_candidate:
                continue
            member.enrolment = services.enrolment_verify_naik_kelas(
                enrolment=member.enrolment,
                user=self.ctx.staf,
                note=self.rng.choice(VERIFICATION_NOTES),
                verified_on=member.verified_on,
            )

    def _expo(self) -> None:
        held_on = datetime.date(self.spec.year, 11, 16)
        if held_on > self.today:
            return
        showing = [
            m.business
            for m in self.members
            if m.enrolment.status == Enrolment.Status.NAIK_KELAS and m.verified_on < held_on
        ]
        self._record_event(
            {
                "kind": Event.Kind.EXPO,
                "name": f"Gelar Produk UMKM Naik Kelas Kabupaten Blitar {self.spec.year}",
                "held_on": held_on,
                "kecamatan": self.ctx.kecamatan_by_name["Kanigoro"],
                "venue": "Pendopo Ronggo Hadi Negoro, Kanigoro",
                "partner": "Dekranasda Kabupaten Blitar",
                "notes": "Stan untuk UMKM yang sudah naik kelas.",
            },
            self.rng.sample(showing, min(len(showing), 30)),
            {},
        )

    def _memberships(self) -> None:
        """Businesses that moved up join an asosiasi to keep being mentored (DESIGN.md §1)."""
        associations = self.ctx.associations
        for member in sorted(self.members, key=lambda m: (m.verified_on or datetime.date.max, m.business.pk)):
            if member.enrolment.status != Enrolment.Status.NAIK_KELAS or self.rng.random() < 0.12:
                continue
            joined_on = member.verified_on + datetime.timedelta(days=self.rng.randint(7, 40))
            if joined_on > self.today:
                continue
            association = associations[ASSOCIATION_FOR_SECTOR.get(member.sector, FORUM)]
            services.membership_add(
                association=association, business=member.business, joined_on=joined_on, user=self.ctx.staf
            )

    def _backdate_history(self) -> None:
        programme = self.programme
        by_business = {member.business.pk: member for member in self.members}
        _backdate(Programme.history.filter(id=programme.pk), lambda row: _at(programme.starts_on, 8))
        _backdate(
            BudgetLine.history.filter(programme_id=programme.pk), lambda row: _at(programme.starts_on, 9)
        )

        def enrolment_day(row):
            if row.history_type == "+":
                return _at(row.enrolled_on, 8)
            if row.status == Enrolment.Status.NAIK_KELAS:
                return _at(row.verified_on, 13)
            return _at(by_business[row.business_id].withdrawn_on, 15)

        _backdate(Enrolment.history.filter(programme_id=programme.pk), enrolment_day)
        events = dict(programme.events.values_list("id", "held_on"))
        _backdate(
            Event.history.filter(id__in=events),
            lambda row: _at(max(programme.starts_on, row.held_on - datetime.timedelta(days=14)), 9),
        )
        outcome_hour = {"terdaftar": 8, "diajukan": 10, "terbit": 14}

        def participant_day(row):
            day = events[row.event_id] if row.history_type == "+" else row.outcome_on
            return _at(day, outcome_hour[row.outcome])

        _backdate(EventParticipant.history.filter(event_id__in=events), participant_day)
        issued = EventParticipant.objects.filter(event__in=events, outcome=EventParticipant.Outcome.ISSUED)
        written = {**self.nib_written_on, **dict(issued.values_list("business_id", "outcome_on"))}
        _backdate(
            Business.history.filter(id__in=written, history_change_reason__startswith="NIB terbit"),
            lambda row: _at(written[row.id], 14),
        )
        _backdate(
            Membership.history.filter(business_id__in=by_business, history_type="+"),
            lambda row: _at(row.joined_on, 10),
        )


# --- budget: lines and the spending behind them -------------------------------------------------------

Category = BudgetLine.Category


@dataclass(frozen=True)
class _LineSpec:
    category: str
    name: str
    per_mille: int  # share of the ceiling
    quarter_weights: tuple[int, int, int, int]  # when the work happens: little before the classes start


# Shares of the ceiling (they add up to 1000); the last line takes the rounding, so the lines fill the
# ceiling to the rupiah.
BUDGET_LINES = [
    _LineSpec(Category.SPEAKER_FEES, "Honorarium narasumber pelatihan dan klinik", 150, (13, 27, 31, 29)),
    _LineSpec(Category.MEALS, "Konsumsi kelas kelompok, klinik dan fasilitasi", 120, (10, 28, 32, 30)),
    _LineSpec(Category.TRANSPORT, "Transport lokal dan uang harian pendamping", 215, (21, 27, 26, 26)),
    _LineSpec(Category.MATERIALS, "Bahan pelatihan, modul dan perlengkapan praktik", 90, (15, 35, 30, 20)),
    _LineSpec(Category.VENUE, "Sewa tempat dan perlengkapan kegiatan", 75, (10, 28, 30, 32)),
    _LineSpec(Category.CERTIFICATION, "Sertifikasi halal, PIRT, uji produk dan merek", 140, (5, 25, 45, 25)),
    _LineSpec(Category.PUBLICATION, "Publikasi, dokumentasi dan pameran produk", 140, (5, 20, 30, 45)),
    _LineSpec(Category.OTHER, "ATK, penggandaan dan pelaporan", 70, (15, 25, 25, 35)),
]  # fmt: skip
# A closed quarter spends almost all of its plan (per mille, drawn per line and quarter); the running
# quarter lags behind its share of the days, because receipts reach the bendahara weeks after the work.
CLOSED_QUARTER_ABSORPTION = (945, 970)
RUNNING_QUARTER_LAG = 0.8
BOOKS_CLOSE = (12, 20)  # month, day: the last payment of the budget year
SMALLEST_PURCHASE = 150_000  # what is left on a line below this stays unspent

MEAL_PRICES = [35_000, 37_500, 40_000, 42_500, 45_000, 50_000]  # a box lunch and a snack, per head
SPEAKER_HOURLY_FEES = [500_000, 600_000, 700_000, 800_000]
SESSION_LABELS = {
    CoachingSession.Kind.GROUP_CLASS: "kelas kelompok",
    CoachingSession.Kind.CLINIC: "Klinik UMKM",
}
# Per participant of a certificate drive, by kind: (description, fee).
CERTIFICATE_FEES = {
    Event.Kind.HALAL: ("Fasilitasi sertifikat halal (pendamping PPH dan berkas)", 650_000),
    Event.Kind.PIRT: ("Penyuluhan keamanan pangan dan uji sampel SPP-IRT", 450_000),
}
BIMTEK_TOPICS = [
    "pemasaran digital", "pengemasan dan label produk", "pembukuan sederhana dan akses KUR",
    "standar mutu dan keamanan pangan", "pengembangan merek", "perluasan pasar dan ekspor",
]  # fmt: skip
FAIRS = [
    "Jatim Fair di Surabaya", "pameran Hari Jadi Kabupaten Blitar", "Gebyar UMKM Kota Blitar",
    "pameran Dekranasda Provinsi Jawa Timur", "Inacraft di Jakarta",
]  # fmt: skip
# Spending not tied to one session or drive, per category (transport is paid monthly per pendamping):
# (description, unit price range and step, number of units). The description may use {n}, {unit},
# {topic}, {fair}, {month} and {quarter}.
PURCHASES = {
    Category.SPEAKER_FEES: [
        ("Honorarium narasumber Bimtek {topic} tingkat kabupaten ({n} jam × {unit})",
         (800_000, 1_000_000, 100_000), (4, 10)),
        ("Honorarium tim kurator produk UMKM binaan ({n} orang × {unit})",
         (600_000, 900_000, 50_000), (3, 5)),
        ("Honorarium narasumber rapat koordinasi pendampingan ({n} jam × {unit})",
         (700_000, 900_000, 100_000), (2, 4)),
    ],
    Category.MEALS: [
        ("Konsumsi Bimtek {topic} tingkat kabupaten ({n} orang × {unit})", (45_000, 60_000, 2_500), (40, 80)),
        ("Konsumsi rapat koordinasi pendamping ({n} orang × {unit})", (35_000, 40_000, 2_500), (12, 20)),
        ("Konsumsi rapat evaluasi triwulan {quarter} ({n} orang × {unit})",
         (35_000, 45_000, 2_500), (15, 30)),
    ],
    Category.MATERIALS: [
        ("Cetak modul pelatihan {topic} ({n} eksemplar × {unit})", (35_000, 55_000, 5_000), (100, 250)),
        ("Bahan praktik pengemasan: standing pouch dan label contoh ({n} paket × {unit})",
         (125_000, 175_000, 25_000), (40, 120)),
        ("Buku kas dan kartu stok untuk UMKM binaan ({n} set × {unit})", (30_000, 45_000, 5_000), (150, 250)),
        ("Perlengkapan praktik foto produk: lightbox dan tripod ponsel ({n} set × {unit})",
         (250_000, 350_000, 25_000), (10, 30)),
    ],
    Category.VENUE: [
        ("Sewa aula hotel untuk Bimtek {topic} tingkat kabupaten ({n} hari × {unit})",
         (3_500_000, 6_000_000, 250_000), (1, 2)),
        ("Sewa tenda, kursi dan sound system kegiatan lapangan ({n} hari × {unit})",
         (1_500_000, 2_500_000, 250_000), (1, 3)),
    ],
    Category.CERTIFICATION: [
        ("Sertifikasi halal reguler (biaya LPH) untuk {n} UMKM binaan × {unit}",
         (2_500_000, 3_500_000, 250_000), (2, 6)),
        ("Pendaftaran merek ke DJKI untuk {n} UMKM binaan × {unit}", (500_000, 500_000, 1), (5, 20)),
        ("Uji laboratorium produk pangan, {n} sampel × {unit}", (750_000, 1_000_000, 50_000), (5, 15)),
        ("Uji nilai gizi dan masa simpan produk, {n} sampel × {unit}",
         (1_250_000, 1_750_000, 250_000), (3, 8)),
    ],
    Category.PUBLICATION: [
        ("Sewa stan UMKM binaan di {fair} ({n} stan × {unit})", (2_000_000, 3_500_000, 250_000), (2, 6)),
        ("Dokumentasi foto dan video kegiatan pendampingan bulan {month}",
         (2_500_000, 6_000_000, 250_000), (1, 1)),
        ("Video profil produk UMKM binaan ({n} usaha × {unit})", (600_000, 900_000, 50_000), (5, 15)),
        ("Advertorial UMKM naik kelas di media lokal ({n} terbitan × {unit})",
         (2_500_000, 4_000_000, 250_000), (1, 3)),
        ("Cetak katalog produk UMKM binaan ({n} eksemplar × {unit})", (25_000, 40_000, 5_000), (200, 500)),
    ],
    Category.OTHER: [
        ("ATK dan penggandaan bahan kegiatan bulan {month}", (750_000, 2_500_000, 50_000), (1, 1)),
        ("Penyusunan dan penggandaan laporan triwulan {quarter} ({n} eksemplar × {unit})",
         (60_000, 90_000, 5_000), (15, 30)),
        ("Paket data pendamping untuk pelaporan daring ({n} orang-bulan × {unit})",
         (100_000, 150_000, 25_000), (8, 24)),
    ],
}  # fmt: skip
# What the last purchase of a quarter on a line is called when no unit fits the rupiah left.
SMALL_PURCHASES = {
    Category.SPEAKER_FEES: "Honorarium moderator dan notulis kegiatan",
    Category.MEALS: "Konsumsi rapat persiapan kegiatan",
    Category.MATERIALS: "Bahan habis pakai untuk praktik pelatihan",
    Category.VENUE: "Sewa kursi dan sound system tambahan",
    Category.CERTIFICATION: "Legalisir dan pengiriman berkas perizinan UMKM binaan",
    Category.PUBLICATION: "Cetak spanduk dan banner kegiatan",
    Category.OTHER: "ATK dan penggandaan",
}
# A few entries are corrected later, as staf do when a receipt shows a typing mistake.
CORRECTIONS = {
    "amount": "nominal kurang satu angka nol; disesuaikan dengan kuitansi",
    "spent_on": "tanggal disesuaikan dengan tanggal kuitansi",
    "receipt_number": "nomor SPJ salah ketik; disesuaikan dengan berkas SPJ",
}


def _office_day(day: datetime.date, start: datetime.date, end: datetime.date) -> datetime.date:
    """The bendahara pays on working days: a weekend moves to the Friday before, or the Monday after."""
    if day.weekday() < 5:
        return day
    friday = day - datetime.timedelta(days=day.weekday() - 4)
    monday = day + datetime.timedelta(days=7 - day.weekday())
    return friday if friday >= start else monday if monday <= end else day


@dataclass
class _Spending:
    """An expenditure before it is written, with what the story needs to know about it."""

    row: Expenditure
    quarter: int
    correction: str = ""  # the field a later correction fixes
    true_value: object = None

    @property
    def day(self) -> datetime.date:
        """The day it was really spent (and recorded), whatever date was typed at first."""
        return self.true_value if self.correction == "spent_on" else self.row.spent_on


class _BudgetBuilder:
    """A programme's budget lines and the spending behind its sessions, drives and coaches.

    Amounts are shares of the ceiling, so another year's pagu gives the same shape. Spending is generated
    with running totals per line and per quarter and written in bulk; no line passes its allocation and
    the programme never passes its ceiling, as the services would insist.
    """

    def __init__(self, builder: "_ProgrammeBuilder"):
        self.programme = builder.programme
        self.ctx = builder.ctx
        self.today = builder.today
        year = self.programme.year
        # Its own stream from the demo's seed: the budget does not reshuffle the rest of the story.
        self.rng = random.Random(f"coaching-budget-{self.ctx.seed}-{year}")
        self.pay_until = min(datetime.date(year, *BOOKS_CLOSE), self.today, self.programme.ends_on)
        self.spent: dict[int, int] = defaultdict(int)
        self.spending: list[_Spending] = []

    def build(self) -> None:
        if self.pay_until < self.programme.starts_on:
            return
        self.lines = self._lines()
        self.target = {line.pk: self._quarter_targets(line) for line in self.lines.values()}
        linked = sorted(self._for_sessions() + self._for_events(), key=lambda s: s.row.spent_on)
        for quarter in QUARTERS:
            for spending in linked:
                if spending.quarter == quarter:
                    self._take(spending)
            self._transport(quarter)
            for category in PURCHASES:
                self._purchases(self.lines[category], quarter)
        self._receipts()
        self._write()

    # --- lines and how much of each is spent ------------------------------------------------------

    def _lines(self) -> dict[str, BudgetLine]:
        ceiling = self.programme.budget_ceiling
        allocations = [ceiling * spec.per_mille // 1000 // 100_000 * 100_000 for spec in BUDGET_LINES]
        allocations[-1] += ceiling - sum(allocations)
        lines = {}
        for spec, allocation in zip(BUDGET_LINES, allocations, strict=True):
            weights = spec.quarter_weights
            plan = [allocation * weight // sum(weights) // 100_000 * 100_000 for weight in weights]
            plan[weights.index(max(weights))] += allocation - sum(plan)
            lines[spec.category] = services.budget_line_create(
                programme=self.programme,
                user=self.ctx.staf,
                fields={
                    "category": spec.category,
                    "name": spec.name,
                    "allocation": allocation,
                    **{f"plan_q{quarter}": plan[quarter - 1] for quarter in QUARTERS},
                },
            )
        return lines

    def _paid_share(self, line: BudgetLine, quarter: int) -> float:
        """How much of the quarter's work has been paid by `pay_until`: 1 when closed, 0 when ahead."""
        first, last = quarter_bounds(self.programme.year, quarter)
        last = min(last, datetime.date(self.programme.year, *BOOKS_CLOSE))
        if self.pay_until >= last:
            return 1.0
        if self.pay_until < first:
            return 0.0
        if line.category == Category.TRANSPORT:  # paid monthly, after the month
            return (
                sum(1 for month in self._months(quarter) if self._transport_day(month) <= self.pay_until) / 3
            )
        return (self.pay_until - first).days / (last - first).days * RUNNING_QUARTER_LAG

    def _quarter_targets(self, line: BudgetLine) -> list[int]:
        """What the line spends in each quarter: a little under its plan, never over its allocation."""
        targets = []
        for quarter in QUARTERS:
            absorption = self.rng.randint(*CLOSED_QUARTER_ABSORPTION) / 1000
            targets.append(int(line.plan_for(quarter) * absorption * self._paid_share(line, quarter)))
        return targets

    def _take(self, spending: _Spending) -> bool:
        """Add the spending unless it takes its line past its target, which lies under its allocation."""
        line = spending.row.budget_line
        if self.spent[line.pk] + spending.row.amount > sum(self.target[line.pk]):
            return False
        self.spent[line.pk] += spending.row.amount
        self.spending.append(spending)
        return True

    def _spending(self, category, day, amount, description, **target) -> _Spending:
        row = Expenditure(
            budget_line=self.lines[category],
            spent_on=day,
            amount=amount,
            description=description[:255],
            recorded_by=self.ctx.staf,
            **target,
        )
        return _Spending(row=row, quarter=quarter_of(day))

    # --- what sessions and drives cost --------------------------------------------------------------

    def _for_sessions(self) -> list[_Spending]:
        """Speaker fees, meals per head and, for some, the hall, for group classes and clinics."""
        rng, result = self.rng, []
        sessions = (
            self.programme.sessions.filter(kind__in=SESSION_LABELS)
            .annotate(attendees=Count("attendances"))
            .order_by("held_on", "id")
        )
        for session in sessions:
            label = f"{SESSION_LABELS[session.kind]} {tanggal(session.held_on)}"
            if session.speaker:
                hours = 2 if session.kind == CoachingSession.Kind.CLINIC else rng.choice([2, 2, 3])
                fee = rng.choice(SPEAKER_HOURLY_FEES)
                description = (
                    f"Honorarium narasumber {session.speaker}, {label} ({hours} jam × {rupiah(fee)})"
                )
                result.append(
                    self._spending(
                        Category.SPEAKER_FEES, session.held_on, hours * fee, description, session=session
                    )
                )
            if session.attendees:  # the attendance list is the basis of the meal bill
                heads = session.attendees + 2 + bool(session.speaker)  # with the pendamping and a helper
                price = rng.choice(MEAL_PRICES)
                description = f"Konsumsi {label} di {session.venue} ({heads} orang × {rupiah(price)})"
                result.append(
                    self._spending(
                        Category.MEALS, session.held_on, heads * price, description, session=session
                    )
                )
            if session.venue.startswith("Aula BUMDes") or (
                session.venue.startswith("Balai Desa") and rng.random() < 0.15
            ):
                rent = rng.choice([500_000, 750_000, 1_000_000])
                description = f"Sewa {session.venue} dan sound system, {label}"
                result.append(
                    self._spending(Category.VENUE, session.held_on, rent, description, session=session)
                )
        return result

    def _for_events(self) -> list[_Spending]:
        """Meals and the site for every drive; fees per participant; stands at the expo."""
        rng, result = self.rng, []
        participants = defaultdict(list)
        for event_id, name in (
            EventParticipant.objects.filter(event__programme=self.programme)
            .order_by("event_id", "business__name", "id")
            .values_list("event_id", "business__name")
        ):
            participants[event_id].append(name)
        for event in self.programme.events.order_by("held_on", "id"):
            day, names = event.held_on, participants[event.pk]
            expo = event.kind == Event.Kind.EXPO
            # Participants (two per stand at the expo), the partner's staff and the panitia.
            heads = len(names) * (2 if expo else 1) + rng.randint(10, 16)
            price = rng.choice(MEAL_PRICES[:3])
            days = 2 if expo else 1
            result.append(
                self._spending(
                    Category.MEALS,
                    day,
                    heads * price * days,
                    f"Konsumsi {event.name} ({heads} orang × {days} hari × {rupiah(price)})"
                    if days > 1
                    else f"Konsumsi {event.name} ({heads} orang × {rupiah(price)})",
                    event=event,
                )
            )
            if event.kind in (Event.Kind.NIB, Event.Kind.EXPO, Event.Kind.PIRT):
                low, high = (17_500_000, 25_000_000) if expo else (4_500_000, 6_500_000)
                rent = rng.randrange(low, high + 1, 250_000)
                what = "tenda, panggung dan sound system" if expo else "tenda, kursi dan sound system"
                result.append(
                    self._spending(Category.VENUE, day, rent, f"Sewa {what}, {event.name}", event=event)
                )
            description, fee = CERTIFICATE_FEES.get(event.kind, ("", 0))
            if fee:
                for name in names:
                    result.append(
                        self._spending(
                            Category.CERTIFICATION, day, fee, f"{description}: {name}", event=event
                        )
                    )
            if expo:
                stand = rng.randrange(1_750_000, 2_250_001, 250_000)
                for name in names:
                    result.append(
                        self._spending(
                            Category.PUBLICATION,
                            day,
                            stand,
                            f"Sewa stan dan dekorasi pameran: {name}",
                            event=event,
                        )
                    )
            publicity = rng.randrange(1_250_000, 2_500_001, 250_000) * (3 if expo else 1)
            result.append(
                self._spending(
                    Category.PUBLICATION,
                    day,
                    publicity,
                    f"Spanduk, publikasi dan dokumentasi {event.name}",
                    event=event,
                )
            )
        return result

    # --- coaches' transport and the year's purchases ------------------------------------------------

    def _months(self, quarter: int) -> list[int]:
        return [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]

    def _transport_day(self, month: int) -> datetime.date:
        """Transport is paid after the month's trips: on its last working day, or when the books close."""
        year = self.programme.year
        if month == 12:
            day = datetime.date(year, *BOOKS_CLOSE)
        else:
            day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
        return _office_day(day, day - datetime.timedelta(days=6), day)

    def _transport(self, quarter: int) -> None:
        """Each pendamping's monthly transport, shared out by the trips they made that month."""
        line = self.lines[Category.TRANSPORT]
        budget = self.target[line.pk][quarter - 1]
        months = [month for month in self._months(quarter) if self._transport_day(month) <= self.pay_until]
        coaches = sorted({place.pendamping for place in self.ctx.places.values()}, key=lambda u: u.username)
        trips = dict(
            ((pendamping, month), count)
            for pendamping, month, count in self.programme.sessions.filter(held_on__quarter=quarter)
            .values_list("pendamping", "held_on__month")
            .annotate(count=Count("id"))
        )
        # Office days and meetings count as well as trips, so a quiet month still has its transport.
        weights = {
            (coach, month): trips.get((coach.pk, month), 0) + 6 for coach in coaches for month in months
        }
        total = sum(weights.values())
        for (coach, month), weight in weights.items():
            amount = budget * weight // total // 1000 * 1000
            count = trips.get((coach.pk, month), 0)
            month_name = f"{MONTHS[month - 1]} {self.programme.year}"
            description = f"Transport lokal pendamping {coach.get_full_name()}, {month_name}"
            if count:
                description += f" ({count} kunjungan dan kelas)"
            if amount:
                self._take(
                    self._spending(Category.TRANSPORT, self._transport_day(month), amount, description)
                )

    def _purchases(self, line: BudgetLine, quarter: int) -> None:
        """Fill the line up to its plan so far with the purchases a programme makes during the year."""
        rng, year = self.rng, self.programme.year
        first, last = quarter_bounds(year, quarter)
        first = max(first, self.programme.starts_on + datetime.timedelta(days=14))  # after the DPA is out
        last = min(last, self.pay_until)
        choices = PURCHASES[line.category]
        while True:
            need = sum(self.target[line.pk][:quarter]) - self.spent[line.pk]
            if need < SMALLEST_PURCHASE or first > last:
                return
            day = _office_day(_day(rng, first, last), first, last)
            template, (low, high, step), (fewest, most) = rng.choice(choices)
            unit = rng.randrange(low, high + 1, step)
            count = min(rng.randint(fewest, most), need // unit)
            if count >= 1:
                amount = count * unit
                description = template.format(
                    n=count,
                    unit=rupiah(unit),
                    topic=rng.choice(BIMTEK_TOPICS),
                    fair=rng.choice(FAIRS),
                    month=MONTHS[day.month - 1],
                    quarter=QUARTER_NUMERALS[quarter],
                )
            else:
                amount = need // 1000 * 1000
                description = SMALL_PURCHASES[line.category]
            if not self._take(self._spending(line.category, day, amount, description)):
                return

    # --- receipts, corrections and writing -----------------------------------------------------------

    def _receipts(self) -> None:
        """SPJ numbers in date order; a few left blank, a few typed wrong and corrected later."""
        rng, year = self.rng, self.programme.year
        ordered = sorted(self.spending, key=lambda s: s.row.spent_on)  # stable: the order they were made
        # Receipts still missing: for a running year the most recent ones, for a closed year any.
        recent = [s for s in ordered if (self.pay_until - s.row.spent_on).days <= 45]
        pool = recent if self.pay_until < self.programme.ends_on and len(recent) >= 10 else ordered
        blank = {id(s) for s in rng.sample(pool, min(len(pool), rng.randint(2, 4)))}
        number = rng.randint(3, 25)
        for spending in ordered:
            if id(spending) not in blank:
                spending.row.receipt_number = f"SPJ/{number:04d}/DKUKM/{year}"
                number += rng.choice([1, 1, 1, 2, 3])  # other SPJs of the office fall in between
        earliest = self.programme.starts_on + datetime.timedelta(days=40)
        correctable = [
            s
            for s in ordered
            if id(s) not in blank
            and s.row.amount >= 100_000
            and earliest <= s.row.spent_on <= self.pay_until - datetime.timedelta(days=10)
        ]
        fields = rng.sample(sorted(CORRECTIONS), min(rng.randint(2, 3), len(correctable)))
        for field_name, spending in zip(fields, rng.sample(correctable, len(fields)), strict=True):
            row = spending.row
            spending.correction, spending.true_value = field_name, getattr(row, field_name)
            # Typed wrong at first; lower, earlier or transposed, so the first version broke no limit either.
            if field_name == "amount":
                row.amount = row.amount // 10
            elif field_name == "spent_on":
                row.spent_on = max(
                    self.programme.starts_on, row.spent_on - datetime.timedelta(days=rng.randint(7, 30))
                )
            else:
                digits = row.receipt_number.split("/")[1]
                typo = digits[:2] + digits[3] + digits[2]  # the last two digits swapped
                typo = typo if typo != digits else f"{int(digits) + 10:04d}"
                row.receipt_number = f"SPJ/{typo}/DKUKM/{year}"

    def _write(self) -> None:
        rows = []
        for spending in self.spending:
            row = spending.row
            row._history_date = _at(spending.day, 15)
            row._history_user = row.recorded_by
            rows.append(row)
        bulk_create_with_history(rows, Expenditure, batch_size=500, default_change_reason="Belanja dicatat")
        for row in rows:  # the entry page shows when it was recorded: on the day, not today
            row.created_at = row._history_date
        Expenditure.objects.bulk_update(rows, ["created_at"], batch_size=500)
        corrected_on = {}
        for spending in self.spending:
            if spending.correction:
                services.expenditure_update(
                    expenditure=spending.row,
                    user=self.ctx.staf,
                    fields={spending.correction: spending.true_value},
                    reason=CORRECTIONS[spending.correction],
                )
                # Found when the SPJ file was checked, a few days after; never after the last payment day.
                checked = spending.day + datetime.timedelta(days=self.rng.randint(3, 10))
                corrected_on[spending.row.pk] = min(checked, self.pay_until)
        _backdate(
            Expenditure.history.filter(id__in=corrected_on, history_type="~"),
            lambda row: _at(corrected_on[row.id], 10),
        )


@dataclass
class _Row:
    """An active business of the registry, as much as picking a cohort needs."""

    id: int
    kecamatan_id: int
    desa_code: str
    sector: str
    size_class: str
    nib: str | None
    registered_on: datetime.date


@dataclass
class _Context:
    """What both programmes share: people, places, topics, the registry pool and its NIBs."""

    rng: random.Random
    seed: int
    today: datetime.date
    staf: User
    admin: User
    places: dict[int, _Place]
    pool: list[_Row]
    pool_by_kecamatan: dict[int, list[_Row]]
    desa: dict[int, Desa]
    desa_by_code: dict[str, Desa]
    kecamatan_by_name: dict[str, Kecamatan]
    topics: dict[str, Topic]
    associations: list[Association]
    nibs: _Nibs
    taken: set[int] = field(default_factory=set)  # businesses already in a demo cohort


def _pendamping_users() -> dict[str, User]:
    """The demo field coaches by username, created when missing."""
    usernames = [username for username, _, _ in PENDAMPING_AREAS]
    existing = {user.username: user for user in User.objects.filter(username__in=usernames)}
    for username, full_name, _ in PENDAMPING_AREAS:
        if username not in existing:
            existing[username] = user_create_with_role(
                username=username, password=PENDAMPING_PASSWORD, role=PENDAMPING, full_name=full_name
            )
    return existing


def _associations(admin) -> list[Association]:
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    existing = {a.name: a for a in Association.objects.filter(name__in=[a[0] for a in ASSOCIATIONS])}
    result = []
    for name, slug, contact in ASSOCIATIONS:
        association = existing.get(name) or services.association_create(
            user=admin,
            fields={
                "name": name,
                "sector": sectors.get(slug),
                "contact": contact,
                "notes": "Wadah UMKM binaan yang sudah naik kelas untuk saling belajar dan tetap didampingi.",
            },
        )
        result.append(association)
    return result


def _context(*, seed: int, today: datetime.date) -> _Context:
    desa = Desa.objects.select_related("kecamatan").in_bulk()
    kecamatan_by_name = {k.name: k for k in Kecamatan.objects.all()}
    coaches = _pendamping_users()
    places = {}
    for username, _, names in PENDAMPING_AREAS:
        for name in names:
            kecamatan = kecamatan_by_name[name]
            local = sorted((d for d in desa.values() if d.kecamatan_id == kecamatan.pk), key=lambda d: d.code)
            places[kecamatan.pk] = _Place(kecamatan=kecamatan, desa=local, pendamping=coaches[username])
    pool = [
        _Row(*values)
        for values in Business.objects.filter(status=Business.Status.ACTIVE)
        .order_by("id")
        .values_list("id", "kecamatan_id", "desa__code", "sector__slug", "size_class", "nib", "registered_on")
    ]
    pool_by_kecamatan = defaultdict(list)
    for row in pool:
        pool_by_kecamatan[row.kecamatan_id].append(row)
    rng = random.Random(f"coaching-{seed}")
    admin = User.objects.get(username="admin")
    return _Context(
        rng=rng,
        seed=seed,
        today=today,
        staf=User.objects.get(username="staf"),
        admin=admin,
        places=places,
        pool=pool,
        pool_by_kecamatan=pool_by_kecamatan,
        desa=desa,
        desa_by_code={d.code: d for d in desa.values()},
        kecamatan_by_name=kecamatan_by_name,
        topics={topic.slug: topic for topic in Topic.objects.all()},
        associations=_associations(admin),
        nibs=_Nibs(rng),
    )


@transaction.atomic
def seed_programmes(*, seed: int) -> list[Programme]:
    """The 2024 programme and this year's (up to today); nothing when the registry has no active business."""
    today = timezone.localdate()
    context = _context(seed=seed, today=today)
    if len(context.pool) < COHORT_MAX_SHARE:
        return []
    specs = [PROGRAMME_2024]
    if today.year > PROGRAMME_2024.year:
        specs.append(current_programme_spec(today.year))
    programmes = []
    for spec in specs:
        for place in context.places.values():
            place.members, place.guests = [], []
        programmes.append(_ProgrammeBuilder(spec=spec, context=context).build())
    return programmes
