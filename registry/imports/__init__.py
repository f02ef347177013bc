"""Reading the office's registry spreadsheets (.xlsx, .csv) and planning what an import would change.

Nothing here writes to the database: `build_plan` reads a file and the registry and returns, row by row,
what would be created, updated, left unchanged or refused (and why, in Indonesian). The writers in
registry.services turn an approved plan into rows, on the task queue (its registry_import_run task).

Offices keep messy files, so this package reads what clerks type: header variants (`NAMA UMKM`,
`Omset per Tahun`, `No. HP`), `Kec. Srengat` or `SRENGAT`, `Rp 1.500.000`, `1,5 jt`, `02/05/2024`,
Excel dates and numbers, `+62` phones, sector names or KBLI codes. Where a reading is a guess (a desa
written with a typo) it is taken only when exactly one candidate is close, and the preview says so.

cells      one value as typed (money, dates, phones, flags)
columns    the sheet's columns: headers, synonyms, how each value is read and shown
files      .xlsx and .csv into a header and data rows
reference  kecamatan, desa and sectors by spelling
plan       matching rows to the registry, validating them: build_plan
preview    what the preview page keeps of a plan
remembered the rows a preview read, kept for its apply
decided    what a preview decided, kept for its apply while the registry stays as it was
xlsx       a workbook's cells, streamed with expat
template   the downloadable template
"""

from .cells import (
    CellError,
    read_date,
    read_flag,
    read_money,
    read_phone,
)
from .columns import COLUMNS, HEADER_FIELDS, REQUIRED_COLUMNS, header_key
from .decided import (
    Decisions,
    Update,
    forget_decisions,
    keep_decisions,
    recall_decisions,
    registry_fingerprint,
    updates_of,
)
from .files import ImportFileError, decode_csv, no_progress, sniff_delimiter
from .plan import CREATE, ERROR, UNCHANGED, UPDATE, Plan, build_plan
from .preview import preview_data
from .remembered import forget as forget_rows
from .template import template_workbook


def forget_preview_files(path) -> None:
    """Remove what a preview kept beside an upload: its rows and its decisions."""
    forget_rows(path)
    forget_decisions(path)


__all__ = [
    "no_progress",
    "COLUMNS",
    "CREATE",
    "ERROR",
    "HEADER_FIELDS",
    "REQUIRED_COLUMNS",
    "UNCHANGED",
    "UPDATE",
    "CellError",
    "Decisions",
    "Update",
    "forget_decisions",
    "keep_decisions",
    "recall_decisions",
    "registry_fingerprint",
    "updates_of",
    "ImportFileError",
    "Plan",
    "build_plan",
    "decode_csv",
    "forget_preview_files",
    "forget_rows",
    "header_key",
    "preview_data",
    "read_date",
    "read_flag",
    "read_money",
    "read_phone",
    "sniff_delimiter",
    "template_workbook",
]
