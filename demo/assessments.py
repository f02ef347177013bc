"""Baseline and follow-up assessments that tell each member's story by the naik-kelas rule."""

from coaching import rules, selectors
from coaching.indicators import INDICATORS
from coaching.models import Assessment
from demo.context import STEADY, VERIFIED, WAITING, WITHDRAWN, Member
from demo.draws import at_hour, grown, weighted_sample
from registry.services import business_update
from registry.sizes import decide_size_class

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


class AssessmentsMixin:
    """Every member's assessments (for ProgrammeBuilder)."""

    def _baseline(self, member: Member) -> Assessment:
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
            turnover=grown(baseline.turnover, growth),
            capital=grown(baseline.capital, max(0, growth // 2)),
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

    def _gains(self, member: Member, baseline: Assessment) -> list[str]:
        weights = {
            name: weight
            for name, weight in GAIN_WEIGHTS.items()
            if not getattr(baseline, name)
            and name not in member.blocked_gains
            and (member.sector in FOOD_SECTORS or name not in FOOD_ONLY_INDICATORS)
        }
        return weighted_sample(self.rng, weights, len(weights))

    def _stages(self, member: Member, gains: list[str]) -> list[tuple[list[str], int]]:
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
                assessment._history_date = at_hour(assessment.assessed_on, 16)
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
