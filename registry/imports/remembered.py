"""The rows a preview read from an .xlsx, kept beside the upload so the apply step need not read it again.

The apply plans the file again under lock and compares the plan with the preview's; reading the same
stored file twice gave the same rows at the cost of a second parse (half the preview's time). The rows
are kept as JSON (never pickle: nothing here is run), dates tagged, and removed once the import ends.
"""

import datetime
import json
from dataclasses import asdict
from pathlib import Path

from .columns import Sheet

SUFFIX = ".rows.json"


def remembered_path(path) -> Path:
    return Path(f"{path}{SUFFIX}")


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(mapping: dict):
    if mapping.keys() == {"datetime"}:
        return datetime.datetime.fromisoformat(mapping["datetime"])
    return mapping


def remember(path, sheet: Sheet, rows: list) -> None:
    # Written aside, then renamed: a job stopped half-way leaves no half file to be recalled.
    writing = remembered_path(path).with_suffix(".part")
    kept = {"sheet": asdict(sheet), "rows": [[row.number, row.cells] for row in rows]}
    # dumps, not dump: only the one-shot encoder is json's C one (35.000 rows: 0,5 s instead of 5 s).
    writing.write_text(json.dumps(kept, default=_encode), encoding="utf-8")
    writing.replace(remembered_path(path))


def recall(path) -> tuple[Sheet, list[tuple[int, dict]]] | None:
    """The sheet and (number, cells) of each row, when a preview kept them; else None."""
    kept = remembered_path(path)
    if not kept.exists():
        return None
    try:
        with kept.open(encoding="utf-8") as source:
            data = json.load(source, object_hook=_decode)
        sheet = Sheet(**data["sheet"])
    except (OSError, ValueError, TypeError, KeyError):
        return None  # unreadable: the workbook itself is read again
    return sheet, data["rows"]


def forget(path) -> None:
    remembered_path(path).unlink(missing_ok=True)
