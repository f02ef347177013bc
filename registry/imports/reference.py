"""Kecamatan, desa and sectors looked up by the spellings offices use, close spellings included."""

import difflib
import re
from collections import defaultdict

from ..kbli import SECTOR_KBLI_PREFIXES
from ..models import Desa, Kecamatan, Sector
from .cells import CellError, squash

# A close spelling is accepted only at or above this difflib ratio, and only when it is the one
# candidate that close ("Karanggayan" → Karanggayam; "Sumbero" is as close to Sumber as to Sumberjo).
FUZZY_MIN_RATIO = 0.85

KECAMATAN_PREFIX_RE = re.compile(r"^\s*(kecamatan|kec)(\.\s*|\s+)", re.IGNORECASE)
DESA_PREFIX_RE = re.compile(r"^\s*(desa|ds|kelurahan|kel)(\.\s*|\s+)", re.IGNORECASE)
SECTOR_SYNONYMS = {
    "makanan": ["kuliner", "makanan olahan", "olahan makanan", "pangan", "food"],
    "minuman": ["minuman olahan", "jamu", "kopi", "beverage", "minuman tradisional"],
    "kerajinan": ["kriya", "kerajinan tangan", "handicraft", "craft", "anyaman"],
    "fesyen": ["fashion", "busana", "konveksi", "pakaian", "garmen", "fesyen busana"],
    "jasa-foto": ["fotografi", "foto", "studio foto", "jasa fotografi", "photo"],
    "suvenir": ["souvenir", "cenderamata", "cinderamata", "oleh oleh", "souvenir oleh oleh"],
    "perdagangan": ["dagang", "toko", "warung", "toko kelontong", "kelontong", "retail", "jual beli"],
    "pertanian-olahan": [
        "pertanian",
        "olahan pertanian",
        "pertanian olahan",
        "agribisnis",
        "hasil pertanian",
    ],
    "jasa-lainnya": ["jasa", "jasa lain", "jasa lain lain", "layanan", "laundry", "salon", "bengkel"],
}
# KBLI code → sector: the longest matching prefix of the office's grouping wins (10761 coffee is a
# drink although 10… is food). The grouping is the one the demo registry is drawn from.
KBLI_PREFIXES = sorted(
    ((prefix, slug) for slug, prefixes in SECTOR_KBLI_PREFIXES.items() for prefix in prefixes),
    key=lambda item: -len(item[0]),
)


def close_matches(key: str, candidates: dict[str, object]) -> list:
    """The distinct candidates whose key is at least FUZZY_MIN_RATIO alike."""
    found = []
    for candidate_key, candidate in candidates.items():
        close = difflib.SequenceMatcher(None, key, candidate_key).ratio() >= FUZZY_MIN_RATIO
        if close and candidate not in found:
            found.append(candidate)
    return found


class Reference:
    """All kecamatan, desa and sectors, read once (three queries) and looked up by spelling."""

    def __init__(self):
        self.kecamatan = {k.pk: k for k in Kecamatan.objects.all()}
        self.desa = {}
        for desa in Desa.objects.all():
            desa.kecamatan = self.kecamatan[desa.kecamatan_id]  # cached: no query in Business.clean()
            self.desa[desa.pk] = desa
        self.sectors = {sector.pk: sector for sector in Sector.objects.all()}
        self.kecamatan_by_key = {squash(k.name): k for k in self.kecamatan.values()}
        self.desa_by_kecamatan: dict[int, dict[str, Desa]] = defaultdict(dict)
        self.desa_elsewhere: dict[str, list[Desa]] = defaultdict(list)
        for desa in self.desa.values():
            self.desa_by_kecamatan[desa.kecamatan_id][squash(desa.name)] = desa
            self.desa_elsewhere[squash(desa.name)].append(desa)
        by_slug = {sector.slug: sector for sector in self.sectors.values()}
        self.sector_by_key = {squash(sector.name): sector for sector in self.sectors.values()}
        self.sector_by_key.update({squash(sector.slug): sector for sector in self.sectors.values()})
        for slug, words in SECTOR_SYNONYMS.items():
            if slug in by_slug:
                for word in words:
                    self.sector_by_key.setdefault(squash(word), by_slug[slug])
        self.sector_by_kbli_prefix = [(p, by_slug[slug]) for p, slug in KBLI_PREFIXES if slug in by_slug]
        self._cache: dict[tuple, tuple] = {}

    def _cached(self, kind, text, scope, resolve):
        # A file repeats the same few spellings thousands of times; resolve each once.
        key = (kind, text, scope)
        if key not in self._cache:
            try:
                self._cache[key] = (resolve(), "")
            except CellError as error:
                self._cache[key] = (None, str(error))
        value, message = self._cache[key]
        if message:
            raise CellError(message)
        return value

    def find_kecamatan(self, text: str) -> tuple[Kecamatan, str]:
        """The kecamatan and a note when it was read from a close spelling."""
        return self._cached("kecamatan", text, None, lambda: self._find_kecamatan(text))

    def _find_kecamatan(self, text):
        key = squash(KECAMATAN_PREFIX_RE.sub("", text))
        if key in self.kecamatan_by_key:
            return self.kecamatan_by_key[key], ""
        close = close_matches(key, self.kecamatan_by_key)
        if len(close) == 1:
            return close[0], f"Kecamatan “{text}” dibaca sebagai {close[0].name}."
        if close:
            names = " dan ".join(k.name for k in close)
            raise CellError(f"Kecamatan “{text}” tidak jelas: mirip {names}. Tulis nama yang tepat.")
        raise CellError(f"Kecamatan “{text}” tidak ada di Kabupaten Blitar.")

    def find_desa(self, text: str, kecamatan: Kecamatan) -> tuple[Desa, str]:
        return self._cached("desa", text, kecamatan.pk, lambda: self._find_desa(text, kecamatan))

    def _find_desa(self, text, kecamatan):
        key = squash(DESA_PREFIX_RE.sub("", text))
        in_kecamatan = self.desa_by_kecamatan[kecamatan.pk]
        if key in in_kecamatan:
            return in_kecamatan[key], ""
        elsewhere = self.desa_elsewhere.get(key)
        if elsewhere:
            places = ", ".join(f"Kecamatan {desa.kecamatan.name}" for desa in elsewhere)
            raise CellError(
                f"Desa {elsewhere[0].name} tidak terletak di Kecamatan {kecamatan.name} (ada di {places})."
            )
        close = close_matches(key, in_kecamatan)
        if len(close) == 1:
            return close[0], f"Desa “{text}” dibaca sebagai {close[0].name} (Kecamatan {kecamatan.name})."
        if close:
            names = " dan ".join(desa.name for desa in close)
            raise CellError(
                f"Desa “{text}” tidak jelas: mirip {names} di Kecamatan {kecamatan.name}. "
                "Tulis nama yang tepat."
            )
        raise CellError(f"Desa “{text}” tidak ada di Kecamatan {kecamatan.name}.")

    def find_sector(self, text: str) -> tuple[Sector, str, str]:
        """The sector, a note when read from a close spelling, and the KBLI code when one was given."""
        return self._cached("sector", text, None, lambda: self._find_sector(text))

    def _find_sector(self, text):
        if match := re.match(r"\s*(\d{5})(?!\d)", text):
            code = match.group(1)
            for prefix, sector in self.sector_by_kbli_prefix:
                if code.startswith(prefix):
                    return sector, "", code
            raise CellError(f"Kode KBLI {code} tidak bisa dipetakan ke sektor. Tulis nama sektornya.")
        key = squash(text)
        if key in self.sector_by_key:
            return self.sector_by_key[key], "", ""
        close = close_matches(key, self.sector_by_key)
        if len(close) == 1:
            return close[0], f"Sektor “{text}” dibaca sebagai {close[0].name}.", ""
        names = ", ".join(sector.name for sector in self.sectors.values())
        raise CellError(f"Sektor “{text}” tidak dikenal. Pilih salah satu: {names}, atau tulis kode KBLI.")
