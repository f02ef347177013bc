"""What happens to each member: verified, waiting, steady or withdrawn, and when."""

import datetime

from coaching import selectors, services
from coaching.models import Enrolment
from demo.context import STEADY, VERIFIED, WAITING, WITHDRAWN, Member
from demo.draws import field_day, last_field_day, random_day

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
# Verifications fall mostly in the second half of the year (May … December).
VERIFY_MONTH_WEIGHTS = {5: 2, 6: 4, 7: 6, 8: 9, 9: 11, 10: 13, 11: 15, 12: 12}


class FatesMixin:
    """Each member's fate, planned up front and recorded through the services (for ProgrammeBuilder)."""

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
        end = min(datetime.date(year, month, 28), last_field_day(self.verify_until))
        return field_day(random_day(rng, start, end)) if start <= end else None

    def _assign_fates(self) -> None:
        rng, spec, year = self.rng, self.spec, self.spec.year
        # The baseline is taken on a first visit, days to weeks after the enrolment. Early in the year
        # those visits have all happened by today, the most recent ones on the day the business joined.
        latest = last_field_day(self.last_day)
        for member in self.members:
            first = member.enrolled_on + datetime.timedelta(days=3)
            last = min(member.enrolled_on + datetime.timedelta(days=40), datetime.date(year, 3, 28))
            if last > latest:
                first, last = min(first, latest), latest
            member.baseline_on = field_day(random_day(rng, first, last))
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
                member.follow_ups = self._regular_follow_ups(before=member.withdrawn_on)

    def _regular_follow_ups(self, *, before=None, around=None) -> list[datetime.date]:
        """A mid-year and an October–November follow-up, unless too close to another or in the future."""
        rng, year = self.rng, self.spec.year
        days = [
            field_day(random_day(rng, datetime.date(year, 6, 3), datetime.date(year, 7, 31))),
            field_day(random_day(rng, datetime.date(year, 10, 1), datetime.date(year, 11, 29))),
        ]
        return [
            day
            for day in days
            if day <= self.last_day
            and (before is None or day < before)
            and (around is None or abs((day - around).days) > 14)
        ]

    def _withdrawn(self, member: Member) -> None:
        year = self.spec.year
        day = field_day(random_day(self.rng, datetime.date(year, 4, 1), datetime.date(year, 9, 30)))
        if day <= self.last_day:
            member.fate = WITHDRAWN
            member.withdrawn_on = day
            self.withdrawal_reason[member.business.pk] = self.rng.choice(WITHDRAWAL_REASONS)

    def _verified(self, member: Member) -> None:
        verified_on = self._verify_day(member.baseline_on + datetime.timedelta(days=40))
        if verified_on is None:
            return
        qualifies_on = random_day(
            self.rng,
            max(member.baseline_on + datetime.timedelta(days=30), verified_on - datetime.timedelta(days=21)),
            min(verified_on - datetime.timedelta(days=3), self.last_day),
        )
        member.fate, member.verified_on, member.qualifies_on = VERIFIED, verified_on, qualifies_on
        member.follow_ups = sorted([qualifies_on, *self._regular_follow_ups(around=qualifies_on)])

    def _waiting(self, member: Member) -> bool:
        """Make the member a candidate in the last weeks, if its baseline is old enough; say whether."""
        start = max(
            member.baseline_on + datetime.timedelta(days=30), self.last_day - datetime.timedelta(days=35)
        )
        if start > self.last_day:
            return False
        member.fate = WAITING
        member.qualifies_on = random_day(self.rng, start, self.last_day)
        regular = self._regular_follow_ups(before=member.qualifies_on, around=member.qualifies_on)
        member.follow_ups = sorted([*regular, member.qualifies_on])
        return True

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
