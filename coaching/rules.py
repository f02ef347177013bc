"""The naik-kelas rule (DESIGN.md §3), in one place.

A business is a *candidate* when, against its baseline assessment, its PP 7/2021 size class rose, or
it gained at least `min_new_indicators` upgrade indicators, where turnover growth of at least
`turnover_growth_percent` counts as one. Both settings belong to the programme. A candidate counts
toward the target only after a staf member verifies it; that is not this module's business.
"""

from dataclasses import dataclass, field
from typing import Protocol

from registry.sizes import SIZE_CLASS_RANK

from .indicators import GAINED, INDICATORS


class Measurement(Protocol):
    """What the rule reads of an assessment (an Assessment row, or anything shaped like one)."""

    turnover: int | None
    size_class: str


@dataclass(frozen=True)
class RuleSettings:
    min_new_indicators: int = 2
    turnover_growth_percent: int = 20


@dataclass(frozen=True)
class Verdict:
    is_candidate: bool
    criteria: list[str] = field(default_factory=list)  # what was met, in words, class first
    class_rose: bool = False
    new_indicators: list[str] = field(default_factory=list)  # indicator field names gained
    turnover_growth_percent: int | None = None  # rounded down; None when it cannot be computed
    turnover_counts: bool = False
    reason: str = ""  # one sentence for the screen

    @property
    def indicator_count(self) -> int:
        """New indicators as the rule counts them: turnover growth is one of them."""
        return len(self.new_indicators) + (1 if self.turnover_counts else 0)


NO_BASELINE = Verdict(False, reason="Belum ada penilaian awal.")
NO_FOLLOW_UP = Verdict(False, reason="Belum ada penilaian lanjutan untuk dibandingkan dengan penilaian awal.")


def evaluate(baseline: Measurement | None, latest: Measurement | None, settings: RuleSettings) -> Verdict:
    """Compare the latest assessment with the baseline and say whether, and why, it is a candidate."""
    if baseline is None:
        return NO_BASELINE
    if latest is None or latest is baseline:
        return NO_FOLLOW_UP

    criteria = []
    before_rank = SIZE_CLASS_RANK.get(baseline.size_class)
    after_rank = SIZE_CLASS_RANK.get(latest.size_class)
    class_rose = before_rank is not None and after_rank is not None and after_rank > before_rank
    if class_rose:
        # The class codes are the Indonesian words themselves: "mikro", "kecil", "menengah", "besar".
        criteria.append(f"kelas naik dari {baseline.size_class} ke {latest.size_class}")

    new_indicators = [
        name for name in INDICATORS if getattr(latest, name, False) and not getattr(baseline, name, False)
    ]
    criteria.extend(GAINED[name] for name in new_indicators)

    growth = None
    turnover_counts = False
    if baseline.turnover and baseline.turnover > 0 and latest.turnover is not None:
        increase = latest.turnover - baseline.turnover
        # Compared in integers so that exactly the threshold counts: 20 % of 100 is 20, not 19.999….
        turnover_counts = increase * 100 >= settings.turnover_growth_percent * baseline.turnover
        growth = increase * 100 // baseline.turnover
        if turnover_counts:
            criteria.append(f"omzet naik {growth} %")

    count = len(new_indicators) + (1 if turnover_counts else 0)
    enough_indicators = count >= settings.min_new_indicators
    is_candidate = class_rose or enough_indicators
    if class_rose and enough_indicators:
        reason = f"Kelas usaha naik dan {count} indikator baru (syarat {settings.min_new_indicators})."
    elif class_rose:
        reason = "Kelas usaha naik menurut PP 7/2021."
    elif enough_indicators:
        reason = f"{count} indikator baru (syarat paling sedikit {settings.min_new_indicators})."
    else:
        reason = (
            f"Belum memenuhi: kelas usaha tetap dan {count} indikator baru "
            f"(syarat paling sedikit {settings.min_new_indicators})."
        )
    return Verdict(
        is_candidate=is_candidate,
        criteria=criteria,
        class_rose=class_rose,
        new_indicators=new_indicators,
        turnover_growth_percent=growth,
        turnover_counts=turnover_counts,
        reason=reason,
    )
