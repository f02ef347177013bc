"""What a programme spends on: its sessions and drives, the coaches' transport, the year's purchases."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from coaching.models import BudgetLine, CoachingSession, Event, EventParticipant, Expenditure
from coaching.periods import QUARTER_NUMERALS, quarter_bounds
from demo.draws import office_day, random_day
from registry.formatting import MONTHS, rupiah, tanggal

Category = BudgetLine.Category

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


@dataclass
class Spending:
    """An expenditure before it is written, with what the story needs to know about it."""

    row: Expenditure
    quarter: int
    correction: str = ""  # the field a later correction fixes
    true_value: object = None

    @property
    def day(self) -> datetime.date:
        """The day it was really spent (and recorded), whatever date was typed at first."""
        return self.true_value if self.correction == "spent_on" else self.row.spent_on


class SpendingMixin:
    """The spending behind sessions, drives, coaches and purchases (for BudgetBuilder)."""

    def _for_sessions(self) -> list[Spending]:
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

    def _for_events(self) -> list[Spending]:
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

    def _months(self, quarter: int) -> list[int]:
        return [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]

    def _transport_day(self, month: int) -> datetime.date:
        """Transport is paid after the month's trips: on its last working day, or when the books close."""
        year = self.programme.year
        if month == 12:
            day = datetime.date(year, *BOOKS_CLOSE)
        else:
            day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
        return office_day(day, day - datetime.timedelta(days=6), day)

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
            day = office_day(random_day(rng, first, last), first, last)
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
