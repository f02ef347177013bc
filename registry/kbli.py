"""The office's sectors and the KBLI 2020 code prefixes that belong to each (data/sektor_kbli.csv)."""

import csv
from pathlib import Path

SECTOR_KBLI_FILE = Path(__file__).resolve().parent / "data" / "sektor_kbli.csv"


def _read_sector_prefixes() -> dict[str, tuple[str, ...]]:
    prefixes: dict[str, list[str]] = {}
    with SECTOR_KBLI_FILE.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            prefixes.setdefault(row["sektor"], []).append(row["awalan_kbli"])
    return {slug: tuple(codes) for slug, codes in prefixes.items()}


# Sector slug → KBLI prefixes, in the file's order; a longer prefix is the more specific match.
SECTOR_KBLI_PREFIXES = _read_sector_prefixes()
