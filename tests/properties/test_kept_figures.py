"""The registry's kept figures (registry.tallies) always equal a fresh count of the businesses.

Hypothesis draws sequences of what moves a business between the figures — creates, edits of its
kecamatan and desa, sector, turnover and capital (its size class), status, date of registration, NIB,
PIRT and halal, imports of new and changed rows, deletes — applies each through the writer a person
uses (the services, an import previewed, confirmed and applied, the admin's delete), and after every
step compares every kept row with a fresh GROUP BY over the business table; at the end, every selector
that reads the kept rows with the same figure counted as before they were kept.
"""

import csv
import datetime
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import services, tallies
from registry.imports.columns import COLUMNS, ID_COLUMN
from registry.models import Business, Desa, RegistryImport, Sector
from tests.factories import BusinessFactory
from tests.registry.test_tallies import assert_every_figure_fresh, assert_overview_fresh

from .support import rolled_back

pytestmark = pytest.mark.django_db

# Two desa of Srengat and one of Wonodadi: moves within a kecamatan and across.
DESA_CODES = ["35.05.03.2001", "35.05.03.2002", "35.05.01.2001"]
SECTOR_SLUGS = ["makanan", "minuman", "kerajinan"]
# Around the PP 7/2021 thresholds: unknown, mikro, kecil, menengah, besar.
TURNOVERS = [None, 120_000_000, 2_500_000_000, 16_000_000_000, 60_000_000_000]
CAPITALS = [None, 25_000_000, 1_500_000_000]
NIBS = [None, "9120000000001", "9120000000002", "9120000000003"]
STATUSES = list(Business.Status.values)
STATUS_CELLS = {"aktif": "Aktif", "tidak_aktif": "Tidak aktif", "tutup": "Tutup"}
# Year ends and month ends, so a business moves across the years' and quarters' figures.
DATES = [
    datetime.date(2012, 3, 5),
    datetime.date(2019, 12, 31),
    datetime.date(2020, 1, 1),
    datetime.date(2023, 6, 30),
    datetime.date(2023, 7, 1),
]
STARTING = 4

values = {
    "desa": st.integers(0, len(DESA_CODES) - 1),
    "sector": st.integers(0, len(SECTOR_SLUGS) - 1),
    "turnover": st.sampled_from(TURNOVERS),
    "capital": st.sampled_from(CAPITALS),
    "status": st.sampled_from(STATUSES),
    "registered_on": st.one_of(st.sampled_from(DATES), st.just(None)),  # None: today
    "nib": st.sampled_from(NIBS),
    "has_pirt": st.booleans(),
    "has_halal": st.booleans(),
}
changes = st.fixed_dictionaries({}, optional=values).filter(bool)  # some of the fields, at least one
creates = st.fixed_dictionaries({"step": st.just("create"), "fields": st.fixed_dictionaries(values)})
edits = st.fixed_dictionaries({"step": st.just("edit"), "who": st.integers(0, 9), "fields": changes})
deletes = st.fixed_dictionaries({"step": st.just("delete"), "who": st.integers(0, 9)})
import_rows = st.fixed_dictionaries({"who": st.one_of(st.none(), st.integers(0, 9)), "fields": changes})
imported = st.fixed_dictionaries(
    {"step": st.just("import"), "rows": st.lists(import_rows, min_size=1, max_size=4)}
)
steps = st.lists(st.one_of(creates, edits, edits, imported, deletes), min_size=1, max_size=6)


def model_fields(fields: dict) -> dict:
    """Drawn values as a business's fields."""
    result = dict(fields)
    if "desa" in result:
        result["desa"] = Desa.objects.get(code=DESA_CODES[result["desa"]])
        result["kecamatan"] = result["desa"].kecamatan
    if "sector" in result:
        result["sector"] = Sector.objects.get(slug=SECTOR_SLUGS[result["sector"]])
    if "registered_on" in result and result["registered_on"] is None:
        result["registered_on"] = timezone.localdate()
    return result


def nth(who: int) -> Business | None:
    businesses = list(Business.objects.order_by("pk"))
    return businesses[who % len(businesses)] if businesses else None


def import_cells(business: Business | None, fields: dict, number: int) -> dict:
    """One row of the office's spreadsheet: the business's ID (none for a new one) and the drawn cells."""
    values = model_fields(fields)
    desa = values.get("desa") or (business.desa if business else Desa.objects.get(code=DESA_CODES[0]))
    row = {
        "id": str(business.pk) if business else "",
        "name": business.name if business else f"Usaha Impor {number}",
        "kecamatan": desa.kecamatan.name,
        "desa": desa.name,
    }
    if "sector" in values:
        row["sector"] = values["sector"].name
    for name in ("turnover", "capital"):
        if name in values:
            row[name] = "" if values[name] is None else str(values[name])
    if "status" in values:
        row["status"] = STATUS_CELLS[values["status"]]
    if "registered_on" in values:
        row["registered_on"] = values["registered_on"].strftime("%d/%m/%Y")
    if "nib" in values:
        row["nib"] = values["nib"] or ""
    for name in ("has_pirt", "has_halal"):
        if name in values:
            row[name] = "Ya" if values[name] else "Tidak"
    return row


def import_file(rows: list[dict]) -> bytes:
    """A CSV with every column any row fills; a row leaves the others empty (they keep their value)."""
    fields = list(dict.fromkeys(name for row in rows for name in row))
    headers = {column.field: column.header for column in (ID_COLUMN, *COLUMNS)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([headers[name] for name in fields])
    writer.writerows([[row.get(name, "") for name in fields] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def run_import(step: dict, user, number: int) -> str:
    rows = [import_cells(None if row["who"] is None else nth(row["who"]), row["fields"], number * 10 + i)
            for i, row in enumerate(step["rows"])]  # fmt: skip
    registry_import = services.registry_import_create(
        user=user, uploaded_file=SimpleUploadedFile("data-umkm.csv", import_file(rows))
    )
    services.registry_import_preview(registry_import=registry_import)
    if registry_import.status != RegistryImport.Status.READY:
        return registry_import.status
    try:
        services.registry_import_confirm(registry_import=registry_import, user=user, skip_error_rows=True)
    except ValidationError:
        return "nothing to import"
    services.registry_import_apply(registry_import=registry_import)
    registry_import.refresh_from_db()
    return registry_import.status


def apply(step: dict, user, number: int) -> str:
    """Apply one step as a person would; returns what came of it."""
    if step["step"] == "import":
        return f"import {run_import(step, user, number)}"
    business = None if step["step"] == "create" else nth(step["who"])
    try:
        if step["step"] == "create":
            fields = model_fields(step["fields"]) | {"name": f"Usaha Baru {number}", "owner_name": "Tin"}
            services.business_create(user=user, fields=fields)
        elif business is None:
            return "nobody"
        elif step["step"] == "edit":
            services.business_update(business=business, user=user, fields=model_fields(step["fields"]))
        else:
            business.delete()
    except ValidationError:
        return f"{step['step']} refused"  # a NIB taken by another business: nothing written
    return step["step"]


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_kept_figures_equal_a_fresh_count_after_any_writes(staf, media_in_tmp):
    for index in range(STARTING):
        desa = Desa.objects.get(code=DESA_CODES[index % len(DESA_CODES)])
        BusinessFactory(desa=desa, kecamatan=desa.kecamatan, registered_on=DATES[index])
    assert tallies.differences() == []
    outcomes = Counter()

    @settings(max_examples=40)
    @given(sequence=steps)
    def check(sequence):
        with rolled_back():
            for number, step in enumerate(sequence):
                outcomes[apply(step, staf, number)] += 1
                assert tallies.differences() == [], step
            assert_every_figure_fresh()
            assert_overview_fresh()

    check()
    # The draw reached every writer, and imports that wrote.
    assert {"create", "edit", "delete", f"import {RegistryImport.Status.DONE}"} <= set(outcomes), outcomes
