"""The report as an .xlsx: each sheet under its title block, its tables, its notes, on A4 landscape.

The cells, formats and tables are the project's one spreadsheet writer's (registry.spreadsheets) in
its printed look. The workbook holds values only, never a formula: totals are written as numbers, so
what a reader sees is what the database said when it was printed.
"""

import datetime

from registry.formatting import tanggal
from registry.spreadsheets import PrintLook, SheetWriter, Spreadsheet

from .common import QuarterlyReport, Sheet

OFFICE = "Dinas Koperasi dan UKM Kabupaten Blitar"
TITLE_ROWS = 5  # office, report, programme, period and print date, the sheet's heading
HEADER_ROW = TITLE_ROWS  # 0-based: the first table's header comes right under the title block


def write_workbook(report: QuarterlyReport, output) -> None:
    """Write the report's sheets to `output` (a path or a binary file object)."""
    with Spreadsheet(output, PrintLook) as spreadsheet:
        spreadsheet.workbook.set_properties(
            {"title": f"{report.title} — {report.programme.name}", "author": OFFICE, "company": OFFICE,
             "created": datetime.datetime.combine(report.printed_on, datetime.time())}
        )  # fmt: skip
        for sheet in report.sheets:
            _write_sheet(spreadsheet.add_sheet(sheet.name), sheet, report)


def _write_sheet(writer: SheetWriter, sheet: Sheet, report: QuarterlyReport) -> None:
    look = writer.look
    title_lines = [
        (OFFICE, look.office),
        (report.title, look.title),
        (f"Program: {report.programme.name}", look.plain),
        (f"Periode: {report.period} · dicetak {tanggal(report.printed_on)}", look.plain),
        (sheet.heading, look.heading),
    ]
    for row, (text, text_format) in enumerate(title_lines):
        writer.text(row, 0, text, text_format)
    writer.worksheet.set_row(1, 20)  # the report's title is set larger

    row = HEADER_ROW
    for index, table in enumerate(sheet.tables):
        if index == 0:
            place = writer.table(row, table, freeze_columns=sheet.freeze_columns if sheet.freeze else None)
            writer.worksheet.repeat_rows(place.header_row)  # on every printed page
        else:
            place = writer.table(row + 1, table)  # a blank line between two tables
        row = place.next_row
    row += 1
    for note in sheet.notes:
        writer.text(row, 0, note, look.note)
        row += 1
    _set_up_page(writer.worksheet, footer=f"&L&8{report.title} · {sheet.name}&R&8Halaman &P dari &N")


def _set_up_page(worksheet, *, footer: str) -> None:
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as the rows need
    worksheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    worksheet.set_footer(footer)
