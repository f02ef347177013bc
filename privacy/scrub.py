"""Finding and removing a person's values wherever the app keeps a copy: text, JSON, stored files."""

import html
import json
import zipfile
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

ANONYMISED = "[dianonimkan]"
# Read no further into a stored file than this (uploaded imports are bounded well below it).
SCAN_LIMIT = 512 * 1024 * 1024


def spellings(values: Iterable[str]) -> list[str]:
    """Each value as text, in a URL (both encodings), as XML/HTML and as JSON writes it; longest first."""
    found = set()
    for value in values:
        if value:
            found |= {value, quote(value), quote_plus(value), html.escape(value), json.dumps(value)[1:-1]}
    return sorted(found, key=len, reverse=True)


def scrub_text(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, ANONYMISED)
    return text


def scrub_json(data, values: list[str]):
    """The same structure with every string (keys included) scrubbed."""
    if isinstance(data, str):
        return scrub_text(data, values)
    if isinstance(data, list):
        return [scrub_json(item, values) for item in data]
    if isinstance(data, dict):
        return {scrub_text(key, values): scrub_json(item, values) for key, item in data.items()}
    return data


def holds_any(data, values: list[str]) -> bool:
    return scrub_json(data, values) != data


def _encodings(values: list[str]) -> list[bytes]:
    found = set()
    for value in values:
        for encoding in ("utf-8", "cp1252", "utf-16-le"):
            try:
                found.add(value.encode(encoding))
            except UnicodeEncodeError:
                continue
    return list(found)


def file_holds(storage_file, values: list[str]) -> bool:
    """Whether a stored file (CSV, text, or a zip such as .xlsx, member by member) holds any value."""
    needles = _encodings(spellings(values))
    with storage_file.open("rb") as handle:
        if zipfile.is_zipfile(handle):
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                return any(
                    _bytes_hold(archive.open(member).read(SCAN_LIMIT), needles)
                    for member in archive.namelist()
                )
        handle.seek(0)
        return _bytes_hold(handle.read(SCAN_LIMIT), needles)


def _bytes_hold(content: bytes, needles: list[bytes]) -> bool:
    return any(needle in content for needle in needles)
