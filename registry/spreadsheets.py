"""The one spreadsheet writer: every .xlsx the app makes goes through here.

The list exports (registry.exports, coaching.exports) and the quarterly report (coaching.reports)
describe tables — columns with a kind and a width, rows of plain values — and this module writes
them: the number formats, the formula guard, the cells, the column widths and header heights, the
frozen header and the filter. Two looks share it: a list's (a grey header over plain cells,
written row by row in constant memory, so a million rows fit) and a printed report's (Arial 10, a
bordered grid, a title block above its tables).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell that starts with one of these is read as a formula by Excel, LibreOffice and Google Sheets
# (CSV injection): "=HYPERLINK(...)" in a business name must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet will never run: a leading apostrophe before a formula's first sign.

    Numbers, dates and empty values pass through untouched, so negative amounts stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- what a cell holds decides its number format ---------------------------------------------

TEXT = "text"
# A number that is not one (NIK, NIB, a phone, a KBLI code): a text cell in a column formatted as Text,
# so a spreadsheet neither drops its leading zero nor rounds its 16th digit when someone edits it.
IDENTIFIER = "identifier"
NUMBER = "number"  # a plain number: an ID, a year
ORDINAL = "ordinal"  # the "No." of a row
COUNT = "count"  # grouped in thousands: 1.200
MONEY = "money"  # whole rupiah
PERCENT = "percent"  # a share_percent() figure: 40.5 is written as 40,5 %
HOURS = "hours"
DATE = "date"  # 02/05/2024, which the registry import reads back
LONG_DATE = "long_date"  # 2 Mei 2024, for a printed report

# [$-421] is Indonesian: LibreOffice then groups digits with dots ("Rp 1.200.000") and writes month
# names in Indonesian whatever the reader's own locale; Excel takes the grouping from the computer.
MONEY_FORMAT = '[$-421]"Rp "#,##0'
DATE_FORMAT = "[$-421]dd/mm/yyyy"
NUMBER_FORMATS = {
    IDENTIFIER: "@",
    ORDINAL: "0",
    COUNT: "[$-421]#,##0",
    MONEY: MONEY_FORMAT,
    PERCENT: "[$-421]0.0%",
    HOURS: "[$-421]#,##0.0",
    DATE: DATE_FORMAT,
    LONG_DATE: "[$-421]d mmmm yyyy",
}


class TooManyRowsForXlsx(Exception):
    """More rows than the sheet may hold."""


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 14
    wrap: bool = False  # long text wraps inside the column instead of widening it
    centred: bool = False  # a small count beside text, which right-aligned would seem to run into it


@dataclass(frozen=True)
class Cell:
    """A value whose kind differs from its column's (a summary mixes rupiah, counts and shares)."""

    value: object
    kind: str


@dataclass
class Table:
    columns: list[Column]
    rows: Iterable[list]  # read once, so a generator of a million rows is never held in memory
    totals: list | None = None  # the "Jumlah" row, written under the filtered range
    heading: str = ""  # a line above a second table on the same sheet
    filtered: bool = True  # a sheet holds one filter: only one of its tables may have it
    first_column: int = 0  # a second table may start right of the first one's narrow "No." column


@dataclass(frozen=True)
class TablePlace:
    """Where a table went on its sheet."""

    header_row: int
    next_row: int  # the first row under the table and its totals
    rows: int  # how many rows of data it has


def kind_of(value, column: Column) -> str:
    if isinstance(value, Cell):
        return value.kind
    return TEXT if isinstance(value, str) else column.kind


# --- looks -----------------------------------------------------------------------------------


class ListLook:
    """A list export's look: a grey header, cells with no more than their number format."""

    options: dict = {"constant_memory": True}
    header_properties: dict = {"bold": True, "bg_color": "#E9ECEF", "bottom": 1, "text_wrap": True}
    heading_properties: dict = {"bold": True}
    cell_properties: dict = {}
    total_properties: dict = {"bold": True}
    centred_kinds: tuple = ()
    blank_cells = False  # an empty cell is left out rather than written
    line_height = 15  # points per line of Calibri 11, xlsxwriter's default font
    # Room for a header wrapped over three lines ("Tanggal / masuk / registri"): with constant_memory
    # a row cannot be fitted to its text afterwards.
    header_height: float | None = 45

    def __init__(self, workbook: xlsxwriter.Workbook):
        self._workbook = workbook
        self.header = workbook.add_format(self.header_properties)
        self.heading = workbook.add_format(self.heading_properties)
        self._cells = {}

    def cell(self, kind: str, *, total: bool = False, wrap: bool = False, centred: bool = False):
        """The format of a cell of this kind; None when the cell needs none."""
        key = (kind, total, wrap, centred)
        if key not in self._cells:
            properties = dict(self.cell_properties)
            if kind in NUMBER_FORMATS:
                properties["num_format"] = NUMBER_FORMATS[kind]
            if kind in self.centred_kinds or centred:
                properties["align"] = "center"
            if wrap:
                properties["text_wrap"] = True
            if total:
                properties |= self.total_properties
            self._cells[key] = self._workbook.add_format(properties) if properties else None
        return self._cells[key]


# Arial 10, the common office default, which LibreOffice draws with the metric-compatible Liberation
# Sans: column widths and the row heights estimated below then hold in Excel and in Calc alike.
FONT = {"font_name": "Arial", "font_size": 10}
LINE_HEIGHT = 12.75  # points per line of Arial 10

# Arial's advance widths in thousandths of an em, grouped; a column's width is counted in digits (556).
ARIAL_WIDTHS = {
    **dict.fromkeys("ijl'|", 222),
    **dict.fromkeys(" ftI.,:;/!", 278),
    **dict.fromkeys('r-()"', 333),
    **dict.fromkeys("ckszvxyJ?", 500),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("ABEKPSVXY&", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("mM", 833),
    **dict.fromkeys("%W", 944),
}
DIGIT_WIDTH = 556
BOLD_WIDER = 1.08
CELL_PADDING = 0.8  # of a column's width, in digits, taken by the space either side of the text


def text_width(text: str, *, bold: bool = False) -> float:
    """The width of `text` in Arial, in digits (the unit of a column's width)."""
    width = sum(ARIAL_WIDTHS.get(character, DIGIT_WIDTH) for character in text) / DIGIT_WIDTH
    return width * BOLD_WIDER if bold else width


def wrapped_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped, word by word, in a column `width` wide."""
    capacity = width - CELL_PADDING
    space = text_width(" ", bold=bold)
    lines, used = 1, 0.0
    for word in text.split():
        needed = text_width(word, bold=bold)
        if used and used + space + needed > capacity:
            lines, used = lines + 1, 0.0
        used += (space if used else 0) + needed
        while used > capacity:  # a word longer than the column breaks across lines
            lines, used = lines + 1, used - capacity
    return lines


class PrintLook(ListLook):
    """A printed report's look: Arial 10, a bordered grid, a title block above the tables."""

    options = {
        "in_memory": True,
        "default_format_properties": FONT,
        "default_row_height": 17,  # pixels, for Arial 10
        "default_column_width": 64,
        # Text goes through write_string() only, never write(); these make sure nothing else
        # turns "=HYPERLINK(…)" into a formula either.
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    header_properties = {
        "bold": True, "bg_color": "#dde8f3", "border": 1, "text_wrap": True, "valign": "vcenter",
        "align": "center",
    }  # fmt: skip
    heading_properties = {"bold": True, "font_size": 11, "font_color": "#1f4e79"}
    cell_properties = {"border": 1, "valign": "top"}
    total_properties = {"bold": True, "bg_color": "#f2f2f2", "top": 2}
    centred_kinds = (ORDINAL, DATE, LONG_DATE)
    blank_cells = True  # written, so that their border is drawn
    line_height = LINE_HEIGHT
    # Calc does not grow a row to fit wrapped text when it opens an xlsx: the header's height is
    # measured from its text (as is every row's with wrapped text).
    header_height = None

    def __init__(self, workbook: xlsxwriter.Workbook):
        super().__init__(workbook)
        self.office = workbook.add_format({"bold": True, "font_size": 11})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.plain = workbook.add_format({})
        self.note = workbook.add_format({"italic": True, "font_color": "#595959"})


# --- writing ---------------------------------------------------------------------------------


class Spreadsheet:
    """An .xlsx being written in one look, to a path or a binary file; leaving the `with` finishes it."""

    def __init__(self, output, look: type[ListLook] = ListLook):
        self.workbook = xlsxwriter.Workbook(output, look.options)
        self.look = look(self.workbook)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.workbook.close()

    def add_sheet(self, name: str) -> "SheetWriter":
        return SheetWriter(self.workbook.add_worksheet(name), self.look)


class SheetWriter:
    """One worksheet: text that never runs as a formula, typed values, tables and their widths."""

    def __init__(self, worksheet, look: ListLook):
        self.worksheet = worksheet
        self.look = look
        self._widths: dict[int, float] = {}

    def text(self, row: int, col: int, text: str, cell_format=None) -> None:
        # write_string() only, never write(), so "=HYPERLINK(…)" cannot become a formula here; and
        # neutralise(), so the same text copied out of the sheet or saved as CSV stays harmless.
        self.worksheet.write_string(row, col, neutralise(text), cell_format)

    def value(self, row: int, col: int, value, kind: str, cell_format) -> None:
        if isinstance(value, Cell):
            value = value.value
        if value is None or value == "":
            if self.look.blank_cells:
                self.worksheet.write_blank(row, col, None, cell_format)
        elif kind == TEXT or isinstance(value, str):
            self.text(row, col, str(value), cell_format)
        elif kind in (DATE, LONG_DATE):
            self.worksheet.write_datetime(row, col, value, cell_format)
        elif kind == PERCENT:
            self.worksheet.write_number(row, col, float(value) / 100, cell_format)
        else:
            self.worksheet.write_number(row, col, value, cell_format)

    def table(
        self, row: int, table: Table, *, freeze_columns: int | None = None, row_limit: int | None = None
    ) -> TablePlace:
        """Write `table` from `row` down: its heading, header, rows and totals.

        `freeze_columns` keeps the header (and that many columns) in view when scrolling; past
        `row_limit` rows of the sheet, TooManyRowsForXlsx.
        """
        if table.heading:
            self.text(row, table.first_column, table.heading, self.look.heading)
            row += 1
        header_row = row
        self._write_header(row, table)
        row += 1
        columns = list(enumerate(table.columns, table.first_column))
        wrapping = [(index, column) for index, column in enumerate(table.columns) if column.wrap]
        # Each column's own format, looked up once: a list may have a million rows.
        cells = [(col, column, self._format(column.kind, column)) for col, column in columns]
        for values in table.rows:
            if row_limit is not None and row >= row_limit:
                raise TooManyRowsForXlsx
            if wrapping:
                self._fit_row(row, wrapping, values)
            self._write_row(row, cells, values)
            row += 1
        last_row = max(row - 1, header_row)
        if table.totals is not None:
            for (col, column), value in zip(columns, table.totals, strict=True):
                kind = kind_of(value, column)
                self.value(row, col, value, kind, self.look.cell(kind, total=True))
            row += 1
        if table.filtered:
            # The filter covers the header and the rows, not the totals, which stay put under it.
            last_column = table.first_column + len(table.columns) - 1
            self.worksheet.autofilter(header_row, table.first_column, last_row, last_column)
        if freeze_columns is not None:
            self.worksheet.freeze_panes(header_row + 1, freeze_columns)
        return TablePlace(header_row=header_row, next_row=row, rows=last_row - header_row)

    def _format(self, kind: str, column: Column):
        return self.look.cell(kind, wrap=column.wrap, centred=column.centred)

    def _write_row(self, row: int, cells: list, values: list) -> None:
        for (col, column, cell_format), value in zip(cells, values, strict=True):
            if isinstance(value, Cell) or (isinstance(value, str) and column.kind not in (TEXT, IDENTIFIER)):
                kind = kind_of(value, column)
                self.value(row, col, value, kind, self._format(kind, column))
            else:
                self.value(row, col, value, column.kind, cell_format)

    def _write_header(self, row: int, table: Table) -> None:
        height = self.look.header_height
        if height is None:
            lines = max(wrapped_lines(column.header, column.width, bold=True) for column in table.columns)
            height = self.look.line_height * lines + 4
        self.worksheet.set_row(row, height)
        for col, column in enumerate(table.columns, table.first_column):
            self.text(row, col, column.header, self.look.header)
            # Tables on one sheet share its columns: each column is as wide as its widest.
            self._widths[col] = max(self._widths.get(col, 0), column.width)
            self.worksheet.set_column(col, col, self._widths[col])

    def _fit_row(self, row: int, wrapping: list[tuple[int, Column]], values: list) -> None:
        """Make a row tall enough for the text wrapped in its columns."""
        lines = max(
            (
                wrapped_lines(values[index], column.width)
                for index, column in wrapping
                if isinstance(values[index], str)
            ),
            default=1,
        )
        if lines > 1:
            self.worksheet.set_row(row, self.look.line_height * lines + 2)
