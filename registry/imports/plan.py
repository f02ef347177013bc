"""Matching each row to the registry and validating it: what importing a file would do. Writes nothing."""

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Max, Sum
from django.utils import timezone

from ..formatting import thousands
from ..models import Business
from .cells import CellError, read_text
from .columns import COLUMN_BY_FIELD, Sheet, display_value
from .files import PROGRESS_EVERY, RawRow, no_progress, read_file
from .reference import Reference

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


def name_key(name: str) -> str:
    """Names compared case- and space-insensitively (the same business typed twice)."""
    return " ".join(str(name).lower().split())


class RegistryIndex:
    """The registry's NIB, NIK and name + desa keys, read in one streamed query."""

    def __init__(self):
        self.by_nib: dict[str, int] = {}
        self.by_nik: dict[str, int] = {}
        self.by_name_desa: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.identifiers: dict[int, tuple[str | None, str | None]] = {}
        rows = Business.objects.order_by().values_list("pk", "nib", "owner_nik", "name", "desa_id")
        for pk, nib, nik, name, desa_id in rows.iterator(chunk_size=10_000):
            if nib:
                self.by_nib[nib] = pk
            if nik:
                self.by_nik[nik] = pk
            self.by_name_desa[(name_key(name), desa_id)].append(pk)
            self.identifiers[pk] = (nib, nik)


def registry_fingerprint() -> list:
    """Count, highest ID, newest creation and sum of versions of the registry, in one query.

    Every save raises a business's version and every new business raises the count or the highest ID,
    so an unchanged fingerprint is an unchanged registry (imports.decided).
    """
    figures = Business.objects.order_by().aggregate(
        count=Count("pk"), last_id=Max("pk"), newest=Max("created_at"), versions=Sum("version")
    )
    newest = figures["newest"]
    return [figures["count"], figures["last_id"], newest.isoformat() if newest else None, figures["versions"]]


# --- The plan ----------------------------------------------------------------------------------


@dataclass
class RowPlan:
    number: int
    values: dict = field(default_factory=dict)  # field → value read from the row's filled cells
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column as in the file, message)
    notes: list[str] = field(default_factory=list)
    given_id: int | None = None  # the registry ID written in the row (the export's ID column)
    target: int | None = None  # the existing business this row updates
    business: Business | None = None  # unsaved new business, or the existing one with new values
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # (field, old, new)
    action: str = ""

    def add_error(self, column: str, message: str):
        self.errors.append((column, message))


@dataclass
class Plan:
    sheet: Sheet
    rows: list[RowPlan]
    notices: list[str] = field(default_factory=list)  # what concerns the whole file, not one row
    fingerprint: list | None = None  # the registry's, before it was read (imports.decided), when kept

    def of(self, action: str) -> list[RowPlan]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATE, UPDATE, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def digest(self) -> str:
        """A fingerprint of every action with its values, so the apply step writes what was previewed."""
        hasher = hashlib.sha256()
        for row in self.rows:
            if row.action == CREATE:
                detail = sorted((name, display_value(name, value)) for name, value in row.values.items())
            else:
                detail = [
                    (name, display_value(name, old), display_value(name, new))
                    for name, old, new in row.changes
                ]
            hasher.update(json.dumps([row.number, row.action, row.target, detail]).encode())
        return hasher.hexdigest()


def _column_of(sheet: Sheet, name: str) -> str:
    if name in sheet.headers:
        return sheet.headers[name]
    if name in COLUMN_BY_FIELD:
        return COLUMN_BY_FIELD[name].header
    if name == NON_FIELD_ERRORS:
        return "—"
    return str(Business._meta.get_field(name).verbose_name).capitalize()


REFERENCE_FIELDS = ("kecamatan", "desa", "sector")


def _drop_nul_cells(raw: RawRow, sheet: Sheet, row: RowPlan):
    for name, cell in list(raw.cells.items()):
        if isinstance(cell, str) and "\x00" in cell:
            # A damaged cell, not data: PostgreSQL stores no NUL character in text.
            row.add_error(
                sheet.headers[name], "Sel berisi karakter NUL yang tidak bisa disimpan; ketik ulang isinya."
            )
            del raw.cells[name]


def _read_plain_cells(raw: RawRow, sheet: Sheet, row: RowPlan):
    """Every cell but the reference ones, through its column's reader."""
    for name, cell in raw.cells.items():
        if name in REFERENCE_FIELDS:
            continue
        try:
            if name == "id":
                row.given_id = COLUMN_BY_FIELD[name].read(cell)
            else:
                row.values[name] = COLUMN_BY_FIELD[name].read(cell)
        except CellError as error:
            row.add_error(sheet.headers[name], str(error))
        except (ValueError, ArithmeticError):
            # A number no reader can hold: 5.000 digits (int() refuses), 30 (Decimal's precision), inf.
            row.add_error(
                sheet.headers[name],
                f"{COLUMN_BY_FIELD[name].header} “{read_text(cell)[:40]}” tidak bisa dibaca: "
                "angkanya terlalu besar atau bukan angka.",
            )


def _resolve(row: RowPlan, column: str, find: Callable) -> tuple:
    """A reference lookup whose note goes to the row's notes and whose error to the column's errors."""
    try:
        found, note, *rest = find()
    except CellError as error:
        row.add_error(column, str(error))
        return None, ()
    if note:
        row.notes.append(note)
    return found, rest


def _read_place(raw: RawRow, sheet: Sheet, reference: Reference, row: RowPlan):
    """Kecamatan, then the desa within it."""
    kecamatan = None
    if "kecamatan" in raw.cells:
        text = read_text(raw.cells["kecamatan"])
        kecamatan, _ = _resolve(row, sheet.headers["kecamatan"], lambda: reference.find_kecamatan(text))
        if kecamatan:
            row.values["kecamatan"] = kecamatan
    if "desa" not in raw.cells:
        return
    if kecamatan:
        text = read_text(raw.cells["desa"])
        desa, _ = _resolve(row, sheet.headers["desa"], lambda: reference.find_desa(text, kecamatan))
        if desa:
            row.values["desa"] = desa
    elif "kecamatan" not in raw.cells:
        row.add_error(sheet.headers["kecamatan"], "Kecamatan wajib diisi bila desa diisi.")


def _read_sector(raw: RawRow, sheet: Sheet, reference: Reference, row: RowPlan):
    """The sector by name or by KBLI code; a code given there also fills an empty KBLI column."""
    if "sector" not in raw.cells:
        return
    text = read_text(raw.cells["sector"])
    sector, rest = _resolve(row, sheet.headers["sector"], lambda: reference.find_sector(text))
    if sector:
        row.values["sector"] = sector
        (kbli,) = rest
        if kbli and "kbli_code" not in row.values:
            row.values["kbli_code"] = kbli


def _read_row(raw: RawRow, sheet: Sheet, reference: Reference) -> RowPlan:
    """The row's cells as field values (kecamatan, desa and sector resolved), with the cells' errors."""
    row = RowPlan(raw.number)
    _drop_nul_cells(raw, sheet, row)
    _read_plain_cells(raw, sheet, row)
    _read_place(raw, sheet, reference, row)
    _read_sector(raw, sheet, reference, row)
    return row


def _match(row: RowPlan, index: RegistryIndex, sheet: Sheet, *, ids_are_ours: bool):
    """Which existing business the row is: by ID, then NIB, then NIK, then name + desa; never a guess."""
    if row.given_id is not None and ids_are_ours:
        if row.given_id in index.identifiers:
            row.target = row.given_id
        else:
            row.add_error(
                _column_of(sheet, "id"),
                f"Tidak ada usaha dengan ID {row.given_id} di registri (mungkin sudah dihapus). "
                "Kosongkan sel ID bila baris ini usaha baru.",
            )
        return
    nib, nik = row.values.get("nib"), row.values.get("owner_nik")
    if nib and nib in index.by_nib:
        row.target = index.by_nib[nib]
        owner_of_nik = index.by_nik.get(nik) if nik else None
        if owner_of_nik not in (None, row.target):
            row.add_error(
                _column_of(sheet, "owner_nik"),
                f"NIB cocok dengan usaha #{row.target}, tetapi NIK ini milik usaha lain (#{owner_of_nik}).",
            )
        return
    if nik and nik in index.by_nik:
        row.target = index.by_nik[nik]
        registered_nib = index.identifiers[row.target][0]
        if nib and registered_nib and registered_nib != nib:
            row.add_error(
                _column_of(sheet, "nib"),
                f"NIK cocok dengan usaha #{row.target}, tetapi usaha itu ber-NIB lain ({registered_nib}).",
            )
        return
    desa = row.values.get("desa")
    if not desa or "name" not in row.values:
        return
    candidates = index.by_name_desa.get((name_key(row.values["name"]), desa.pk), [])
    # A namesake that carries another NIB or NIK is another business: this row is new.
    same = [
        pk
        for pk in candidates
        if not (nib and index.identifiers[pk][0] and index.identifiers[pk][0] != nib)
        and not (nik and index.identifiers[pk][1] and index.identifiers[pk][1] != nik)
    ]
    if len(same) == 1:
        row.target = same[0]
    elif len(same) > 1:
        listed = ", ".join(f"#{pk}" for pk in same)
        row.add_error(
            _column_of(sheet, "name"),
            f"Ada {len(same)} usaha bernama “{row.values['name']}” di Desa {desa.name} ({listed}). "
            "Tambahkan NIB atau NIK supaya jelas usaha yang mana.",
        )
    elif candidates:
        row.notes.append(
            f"Nama sama dengan usaha #{candidates[0]} di Desa {desa.name}, tetapi NIB/NIK berbeda: "
            "dicatat sebagai usaha baru."
        )


DUPLICATES_LISTED = 3  # other rows named in a duplicate's message; the rest are counted


def _others(group: list[RowPlan], row: RowPlan) -> str:
    """'12, 40 dan 77' or '12, 40, 77 … dan 9.997 lainnya': the group's other rows, bounded."""
    listed, shown = [], 0
    for other in group:
        if other is not row:
            listed.append(str(other.number))
            shown += 1
            if shown == DUPLICATES_LISTED:
                break
    rest = len(group) - 1 - shown
    if rest:
        return f"{', '.join(listed)} … dan {thousands(rest)} lainnya"
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} dan {listed[-1]}"


def _duplicate_keys(row: RowPlan):
    """The keys under which two rows of one file would be the same business."""
    values = row.values
    if values.get("nib"):
        yield ("nib", values["nib"])
    if values.get("owner_nik"):
        yield ("owner_nik", values["owner_nik"])
    if row.target:
        yield ("target", row.target)
    elif not values.get("nib") and not values.get("owner_nik") and values.get("desa"):
        # Namesakes in one desa carrying different IDs are different businesses.
        yield ("name", name_key(values.get("name", "")), values["desa"].pk, row.given_id)


def _duplicate_error(key: tuple, others: str, sheet: Sheet) -> tuple[str, str]:
    if key[0] == "target":
        return "—", f"Baris ini dan baris {others} sama-sama cocok dengan usaha #{key[1]}."
    if key[0] == "name":
        message = f"Usaha dengan nama dan desa yang sama tertulis juga di baris {others}."
        return _column_of(sheet, "name"), message
    label = "NIB" if key[0] == "nib" else "NIK"
    return _column_of(sheet, key[0]), f"{label} {key[1]} tertulis juga di baris {others}."


def _flag_duplicates(rows: list[RowPlan], sheet: Sheet):
    """Rows in the file that are the same business twice: every copy is an error, none is picked.

    Each copy names at most DUPLICATES_LISTED others and counts the rest, so 100.000 copies of one
    row cost 100.000 short messages, not 100.000 lists of 100.000 row numbers.
    """
    groups: dict[tuple, list[RowPlan]] = defaultdict(list)
    for row in rows:
        for key in _duplicate_keys(row):
            groups[key].append(row)
    for key, group in groups.items():
        if len(group) < 2:
            continue
        for row in group:
            error = _duplicate_error(key, _others(group, row), sheet)
            if error not in row.errors:
                row.errors.append(error)


def _load_targets(pks, reference: Reference, *, lock: bool) -> dict[int, Business]:
    """The businesses to update, a thousand per query, locked when the plan is about to be applied."""
    pks = sorted(pks)
    found = {}
    for start in range(0, len(pks), 1000):
        queryset = Business.objects.filter(pk__in=pks[start : start + 1000]).order_by("pk")
        if lock:
            queryset = queryset.select_for_update()
        for business in queryset:
            business.desa = reference.desa[business.desa_id]
            business.kecamatan = reference.kecamatan[business.kecamatan_id]
            business.sector = reference.sectors[business.sector_id]
            found[business.pk] = business
    return found


TEXT_FIELDS_KEEPING_SPELLING = ("name", "owner_name", "address")


def _same(name: str, old, new) -> bool:
    if name in TEXT_FIELDS_KEEPING_SPELLING:
        # "KERIPIK TEMPE BU SRI" in an office file is the registry's "Keripik Tempe Bu Sri".
        return name_key(old or "") == name_key(new or "")
    if name == "phone":
        return re.sub(r"^\+62", "0", old or "") == re.sub(r"^\+62", "0", new or "")
    return old == new


def _apply_values(row: RowPlan, business: Business):
    for name, value in row.values.items():
        old = getattr(business, name)
        if not _same(name, old, value):
            row.changes.append((name, old, value))
            setattr(business, name, value)


# full_clean runs the model's field validators and clean() on every row. Foreign keys come from the
# reference data read above, and uniqueness of NIB and NIK is checked against the index in memory:
# left to full_clean, each would cost a query per row (35.000 rows → 140.000 queries).
CLEAN_EXCLUDE = ["kecamatan", "desa", "sector"]


BUSINESS_FIELDS = [field.name for field in Business._meta.concrete_fields]


def _validate(row: RowPlan, sheet: Sheet, index: RegistryIndex):
    business = row.business
    if business.pk is None:
        for name in ("desa", "sector"):
            if name not in row.values:
                row.add_error(
                    _column_of(sheet, name), f"{COLUMN_BY_FIELD[name].header} wajib diisi untuk usaha baru."
                )
        exclude = CLEAN_EXCLUDE
    elif not row.changes:
        return  # the registry's own values, unchanged: nothing new to check
    else:
        # Only what the row changes is checked (and clean(), which compares fields): a value the
        # registry already holds is not the file's to answer for.
        changed = {name for name, _, _ in row.changes}
        exclude = [name for name in BUSINESS_FIELDS if name not in changed or name in CLEAN_EXCLUDE]
    try:
        business.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.add_error(_column_of(sheet, name), message)
    for name, lookup in (("nib", index.by_nib), ("owner_nik", index.by_nik)):
        value = getattr(business, name)
        holder = lookup.get(value) if value else None
        if holder is not None and holder != business.pk:
            label = "NIB" if name == "nib" else "NIK"
            row.add_error(
                _column_of(sheet, name), f"{label} ini sudah dipakai oleh usaha lain di registri (#{holder})."
            )


FOREIGN_IDS = (
    "Tidak satu pun ID di berkas ada di registri ini (berkas dari registri lain, atau registri masih "
    "kosong): kolom ID dilewati dan baris dicocokkan lewat NIB, NIK, lalu nama usaha + desa."
)


def _read_rows(raw_rows: list[RawRow], sheet: Sheet, reference: Reference, report: Callable) -> list[RowPlan]:
    """Every row's cells read, each raw row let go as soon as it is read (memory stays one copy)."""
    total, rows = len(raw_rows), []
    raw_rows.reverse()
    while raw_rows:
        rows.append(_read_row(raw_rows.pop(), sheet, reference))
        if len(rows) % PROGRESS_EVERY == 0:
            report("memeriksa", len(rows) // 3, total)
    return rows


def _match_rows(rows: list[RowPlan], sheet: Sheet, index: RegistryIndex) -> list[str]:
    """Match every readable row; the notices that concern the whole file."""
    given = [row.given_id for row in rows if row.given_id is not None]
    ids_are_ours = any(pk in index.identifiers for pk in given)
    for row in rows:
        if not row.errors:
            _match(row, index, sheet, ids_are_ours=ids_are_ours)
    return [FOREIGN_IDS] if given and not ids_are_ours else []


def _decide(row: RowPlan, targets: dict[int, Business], sheet: Sheet, index: RegistryIndex, today):
    if not row.errors:
        if row.target:
            row.business = targets[row.target]
            _apply_values(row, row.business)
        else:
            values = {"registered_on": today, **row.values}
            if "desa" in values:
                values["kecamatan"] = values["desa"].kecamatan
            row.business = Business(**values)
        _validate(row, sheet, index)
    if row.errors:
        row.action = ERROR
    elif row.business.pk is None:
        row.action = CREATE
    else:
        row.action = UPDATE if row.changes else UNCHANGED


def build_plan(
    path, file_name: str = "", *, lock: bool = False, progress: Callable | None = None, keep: bool = False
) -> Plan:
    """Read a file and decide, row by row, what importing it would do. Writes nothing.

    Queries: three for the reference data, one streamed for the registry's keys, and one per thousand
    businesses to update (locked with select_for_update when `lock`, inside the apply's transaction).
    `keep`: the upload's rows are kept after its preview's reading, for its apply (imports.remembered),
    and the registry's fingerprint is taken first (one more query) for the decisions (imports.decided).
    """
    report = progress or no_progress
    report("membaca", 0, 0)
    sheet, raw_rows = read_file(path, file_name, report, keep=keep)
    total = len(raw_rows)
    reference = Reference()
    # Taken before the registry is read: whatever changes after it changes the fingerprint too.
    fingerprint = registry_fingerprint() if keep else None
    index = RegistryIndex()
    rows = _read_rows(raw_rows, sheet, reference, report)
    notices = _match_rows(rows, sheet, index)
    _flag_duplicates(rows, sheet)
    targets = _load_targets(
        {row.target for row in rows if row.target and not row.errors}, reference, lock=lock
    )
    today = timezone.localdate()
    for done, row in enumerate(rows, start=1):
        _decide(row, targets, sheet, index, today)
        if done % PROGRESS_EVERY == 0:
            report("memeriksa", (total + 2 * done) // 3, total)
    report("memeriksa", total, total)
    return Plan(sheet, rows, notices, fingerprint)
