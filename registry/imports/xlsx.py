"""The cells of an .xlsx, streamed with the C expat parser: the import's reader of workbooks.

openpyxl's read-only mode builds a Python object per cell and spent 10,7 s of the 13 s a 35.000-row
preview took; expat's callbacks read the same sheet in a fraction of that. Values come out as openpyxl
gives them with `data_only`: shared and inline strings as text, numbers as int or float, numbers in a
date format as datetime, booleans, error cells as their text (#N/A), a formula's cached result.
"""

import datetime
import posixpath
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

CHUNK = 1 << 16


class XlsxError(Exception):
    """The workbook's structure cannot be read."""


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _parse(stream, start=None, end=None, text=None) -> Iterator[None]:
    """Feed `stream` to expat in chunks, yielding after each so the caller can take what was parsed."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = lambda name, attrs: start(_local(name), attrs)
    if end:
        parser.EndElementHandler = lambda name: end(_local(name))
    if text:
        parser.CharacterDataHandler = text
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise XlsxError(str(error)) from error
    yield


def _texts(archive: zipfile.ZipFile, path: str, item: str, skip: str = "") -> list[str]:
    """The text of every `item` element (a shared string, <si>), its runs joined, `skip` runs left out."""
    if path not in archive.namelist():
        return []
    found, parts, state = [], [], {"in_t": False, "skip": 0}

    def start(name, _attrs):
        if name == skip:
            state["skip"] += 1
        elif name == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name):
        if name == skip:
            state["skip"] -= 1
        elif name == "t":
            state["in_t"] = False
        elif name == item:
            found.append("".join(parts))
            parts.clear()

    def text(data):
        if state["in_t"]:
            parts.append(data)

    with archive.open(path) as stream:
        for _ in _parse(stream, start, end, text):
            pass
    return found


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell styles whose number format shows a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    formats = {number: code for number, code in BUILTIN_FORMATS.items()}
    styles: list[int] = []
    depth = {"cellXfs": False}

    def start(name, attrs):
        if name == "numFmt":
            formats[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            depth["cellXfs"] = True
        elif name == "xf" and depth["cellXfs"]:
            styles.append(int(attrs.get("numFmtId", 0)))

    def end(name):
        if name == "cellXfs":
            depth["cellXfs"] = False

    with archive.open("xl/styles.xml") as stream:
        for _ in _parse(stream, start, end):
            pass
    return {index for index, number in enumerate(styles) if is_date_format(formats.get(number, ""))}


def _sheet_paths(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, path in the zip) of each worksheet, in the workbook's order."""
    targets, sheets = {}, []

    def relation(name, attrs):
        if name == "Relationship":
            targets[attrs.get("Id")] = attrs.get("Target", "")

    def sheet(name, attrs):
        if name == "sheet":
            rid = next((value for key, value in attrs.items() if _local(key) == "id"), "")
            sheets.append((attrs.get("name", ""), rid))

    for path, handler in (("xl/_rels/workbook.xml.rels", relation), ("xl/workbook.xml", sheet)):
        with archive.open(path) as stream:
            for _ in _parse(stream, handler):
                pass
    found = []
    for name, rid in sheets:
        target = targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        if path in archive.namelist():
            found.append((name, path))
    return found


class SheetReader:
    """One worksheet's rows as (row number, list of values), streamed.

    The handlers are expat's own callbacks, with no wrapper: a 35.000-row sheet has two million
    elements. Element names carry the prefix the root element has (<x:c> in some writers).
    """

    def __init__(self, archive, path, shared: list[str], date_styles: set[int]):
        self.archive, self.path = archive, path
        self.shared, self.date_styles = shared, date_styles
        self.done: list[tuple[int, list]] = []
        self.row_number = 0
        self.cells: dict[int, object] = {}
        self.in_cell = False
        self.column, self.kind, self.style = 0, "n", 0
        self.text: list[str] = []
        self.columns: dict[str, int] = {}
        self.prefix = None

    def _index(self, reference: str) -> int:
        letters = reference.rstrip("0123456789")
        if letters not in self.columns:
            index = 0
            for letter in letters.upper():
                index = index * 26 + ord(letter) - 64
            self.columns[letters] = index - 1
        return self.columns[letters]

    def start(self, name, attrs):
        if self.prefix is None:
            self.prefix = name[: name.index(":") + 1] if ":" in name else ""
            self.c, self.row = f"{self.prefix}c", f"{self.prefix}row"
        if name == self.c:
            reference = attrs.get("r")
            self.column = self._index(reference) if reference else len(self.cells)
            self.kind = attrs.get("t", "n")
            self.style = int(attrs.get("s", 0))
            self.text = []
            self.in_cell = True
        elif name == self.row:
            self.row_number = int(attrs.get("r", self.row_number + 1))
            self.cells = {}

    def characters(self, data):
        if self.in_cell:
            self.text.append(data)

    def end(self, name):
        if name == self.c:
            value = self.value("".join(self.text))
            if value is not None:
                self.cells[self.column] = value
            self.in_cell = False
        elif name == self.row and self.cells:
            row = [None] * (max(self.cells) + 1)
            for column, value in self.cells.items():
                row[column] = value
            self.done.append((self.row_number, row))

    def value(self, text: str):
        kind = self.kind
        if kind == "s":
            return self.shared[int(text)] if text else None
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "b":
            return text.strip() == "1"
        if not text:
            return None
        if kind == "d":
            return datetime.datetime.fromisoformat(text)
        try:
            number = float(text) if any(mark in text for mark in ".eEni") else int(text)
        except ValueError:
            return text  # a number no spreadsheet writes (5.000 digits): the column's reader refuses it
        if self.style in self.date_styles and 0 <= number < 2_958_466:
            return from_excel(number)
        return number

    def rows(self) -> Iterator[tuple[int, list]]:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        with self.archive.open(self.path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                yield from self.done
                self.done.clear()
            parser.Parse(b"", True)
            yield from self.done


def worksheets(archive: zipfile.ZipFile) -> Iterator[tuple[str, Iterator[tuple[int, list]]]]:
    """(name, rows) of each worksheet of an open workbook."""
    try:
        shared = _texts(archive, "xl/sharedStrings.xml", "si", skip="rPh")
        date_styles = _date_styles(archive)
        paths = _sheet_paths(archive)
    except (KeyError, ValueError) as error:
        raise XlsxError(str(error)) from error
    for name, path in paths:
        yield name, SheetReader(archive, path, shared, date_styles).rows()
