"""UMKM size classes per PP No. 7 Tahun 2021 Pasal 35.

Thresholds are law, not programme data, so they live here as constants. Annual sales decide when
they are known; business capital (without land and buildings) is the fallback, as it is the
criterion used at registration (Pasal 35 ayat 2).
"""

from dataclasses import dataclass

MIKRO = "mikro"
KECIL = "kecil"
MENENGAH = "menengah"
BESAR = "besar"

SIZE_CLASS_CHOICES = [
    (MIKRO, "Mikro"),
    (KECIL, "Kecil"),
    (MENENGAH, "Menengah"),
    (BESAR, "Besar (di atas UMKM)"),
]
SIZE_CLASS_LABELS = dict(SIZE_CLASS_CHOICES)
# Businesses with neither turnover nor capital recorded have no size class (a blank size_class); this
# is how a filter or a link names them.
SIZE_CLASS_UNKNOWN = "belum"
# Rank lets later rules ask whether a class rose.
SIZE_CLASS_RANK = {MIKRO: 1, KECIL: 2, MENENGAH: 3, BESAR: 4}

MILIAR = 1_000_000_000

# (upper bound inclusive, class) — Pasal 35 ayat 5 (hasil penjualan tahunan)
SALES_BANDS = [(2 * MILIAR, MIKRO), (15 * MILIAR, KECIL), (50 * MILIAR, MENENGAH)]
# Pasal 35 ayat 3 (modal usaha tanpa tanah dan bangunan)
CAPITAL_BANDS = [(1 * MILIAR, MIKRO), (5 * MILIAR, KECIL), (10 * MILIAR, MENENGAH)]


@dataclass(frozen=True)
class SizeDecision:
    size_class: str | None
    basis: str  # "omzet", "modal" or "" when nothing is known
    amount: int | None
    upper_bound: int | None  # None for "besar"
    lower_bound: int | None  # exclusive; None for "mikro"

    @property
    def label(self) -> str:
        return SIZE_CLASS_LABELS.get(self.size_class, "Belum diketahui")


def _band(amount: int, bands: list[tuple[int, str]]) -> tuple[str, int | None, int | None]:
    lower = None
    for upper, size_class in bands:
        if amount <= upper:
            return size_class, lower, upper
        lower = upper
    return BESAR, lower, None


def decide_size_class(turnover: int | None, capital: int | None) -> SizeDecision:
    """Return the PP 7/2021 class and what decided it."""
    if turnover is not None:
        size_class, lower, upper = _band(turnover, SALES_BANDS)
        return SizeDecision(size_class, "omzet", turnover, upper, lower)
    if capital is not None:
        size_class, lower, upper = _band(capital, CAPITAL_BANDS)
        return SizeDecision(size_class, "modal", capital, upper, lower)
    return SizeDecision(None, "", None, None, None)
