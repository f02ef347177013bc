"""Hostile files at the registry import: read or refused in Indonesian, and applied whole or not at all.

Any bytes at all, CSVs in odd encodings and delimiters with header variants, broken quotes and huge
cells, workbooks with impossible numbers, zips of junk named .xlsx: `build_plan` either returns a plan
or raises ImportFileError with a message for the person; nothing else escapes it. A template file with
hostile cells, previewed, confirmed and applied (sometimes with the registry changed in between),
writes every planned row with its history, or nothing.
"""

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from registry import imports, services
from registry.models import Business, Desa, RegistryImport
from tests.factories import BusinessFactory

from .support import FORMULAS, HOSTILE, SCRIPT, changes_since, rolled_back, snapshot

pytestmark = pytest.mark.django_db

History = Business.history.model
WONODADI = "35.05.01.2001"
EXISTING_NIB = "9120001234567"
# Every message the reader gives for a whole file speaks of the file, its columns or its rows.
INDONESIAN = re.compile(r"berkas|kolom|baris|pilih", re.IGNORECASE)

HEADERS = {column.field: [column.header, *column.synonyms] for column in imports.COLUMNS}
EXAMPLES = {
    column.field: column.example.strftime("%d/%m/%Y")
    if isinstance(column.example, datetime.date)
    else str(column.example)
    for column in imports.COLUMNS
}
# What a spreadsheet cell can hold that a clerk never meant: on top of the form values, cells past the
# csv module's field limit, numbers int() refuses and the spellings of infinity.
CELLS = [
    *HOSTILE,
    "x" * 200_000,
    "inf",
    "-inf",
    "1e-400",
    "12345678901234567890123456789012",
    "9" * 30 + " jt",
]
hostile_cells = st.one_of(
    st.sampled_from(CELLS), st.text(max_size=30), st.sampled_from(list(EXAMPLES.values()))
)


def base_rows(existing: Business) -> list[dict[str, str]]:
    """An update of an existing business and two new ones, as the template's columns."""
    wonodadi = Desa.objects.get(code=WONODADI)
    update = {**EXAMPLES, "name": existing.name, "nib": existing.nib, "owner_nik": "", "turnover": "150 jt"}
    new = {**EXAMPLES, "name": "Tahu Walik Bu Tini", "nib": "", "owner_nik": ""}
    other = {
        **EXAMPLES,
        "name": "Jamu Gendong Mbok Sri",
        "kecamatan": wonodadi.kecamatan.name,
        "desa": wonodadi.name,
        "nib": "9120009999999",
        "owner_nik": "",
    }
    return [update, new, other]


def header_of(row: dict) -> list[str]:
    return [HEADERS[name][0] for name in row]


def csv_bytes(header: list[str], rows: list[list[str]], *, delimiter=";", encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


@st.composite
def csv_files(draw) -> bytes:
    """A CSV as offices make them: title rows, header variants, odd encodings and delimiters, broken quoting.

    The rows are the template's example with some cells hostile, so most files get as far as a plan.
    """
    others = [name for name in HEADERS if name not in imports.REQUIRED_COLUMNS]
    fields = [
        *imports.REQUIRED_COLUMNS,
        *draw(st.lists(st.sampled_from(others), max_size=len(others), unique=True)),
    ]
    fields = draw(st.permutations(fields))
    if draw(st.booleans()):
        fields = fields[1:]  # sometimes a required column is missing
    header = [draw(st.sampled_from(HEADERS[name])) for name in fields]
    header = [draw(st.sampled_from([text, text.upper(), f" {text} ", f"{text}:"])) for text in header]
    cell = {name: st.one_of(st.just(EXAMPLES[name]), hostile_cells) for name in fields}
    rows = draw(st.lists(st.tuples(*(cell[name] for name in fields)), max_size=3))
    titles = [["DATA UMKM KABUPATEN BLITAR"]] * draw(st.integers(0, 2))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    data = csv_bytes(header, [*titles, *rows], delimiter=delimiter, encoding=encoding) if header else b""
    if draw(st.booleans()):  # broken quoting or stray bytes somewhere
        position = draw(st.integers(0, len(data)))
        data = (
            data[:position]
            + draw(st.sampled_from([b'"', b'""', b"\x00", b"\xff\xfe", b"\r", b'"\n"']))
            + data[position:]
        )
    return data


# Numbers as a sheet's XML may hold them: openpyxl reads them into floats and ints Python chokes on.
XML_NUMBERS = ["inf", "-inf", "nan", "1e309", "9" * 5_000, "-0", "1e-400", "4.5", "99999999999999999999"]


@st.composite
def xlsx_files(draw) -> bytes:
    """The template's header, rows of typed hostile cells, and maybe a number forged in the sheet's XML."""
    others = [name for name in HEADERS if name not in imports.REQUIRED_COLUMNS]
    fields = [
        *imports.REQUIRED_COLUMNS,
        *draw(st.lists(st.sampled_from(others), max_size=len(others), unique=True)),
    ]
    fields = draw(st.permutations(fields))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([HEADERS[name][0] for name in fields])
    typed = st.one_of(
        st.sampled_from(list(EXAMPLES.values())),
        # A cell holds 32.767 characters at most, and no control characters but tab and newlines.
        hostile_cells.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text[:30_000])),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes(min_value=datetime.datetime(1900, 3, 1)),
        st.booleans(),
        st.sampled_from(["=1/0", '=HYPERLINK("http://evil","klik")']),
    )
    for _ in range(draw(st.integers(0, 3))):
        sheet.append([draw(typed) for _ in fields])
    marker = 7_654_321.25  # replaced in the XML below by a number openpyxl cannot write itself
    forged = draw(st.one_of(st.none(), st.sampled_from(XML_NUMBERS)))
    if forged:
        sheet.append([marker] * len(fields))
    output = io.BytesIO()
    workbook.save(output)
    data = output.getvalue()
    if forged:
        data = rewrite_zip(data, lambda name, body: body.replace(b"7654321.25", forged.encode()))
    return data


def rewrite_zip(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    return output.getvalue()


@st.composite
def junk_zips(draw) -> bytes:
    """A zip named .xlsx holding junk, or a real workbook cut short."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name in draw(
            st.lists(
                st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "junk.bin"]),
                max_size=3,
                unique=True,
            )
        ):
            archive.writestr(name, draw(st.binary(max_size=200)))
    junk = output.getvalue()
    workbook = io.BytesIO()
    openpyxl.Workbook().save(workbook)
    whole = workbook.getvalue()  # its length varies with the time stamp inside: cut at a share of it
    cut = whole[: len(whole) * draw(st.integers(0, 99)) // 100]
    return draw(st.sampled_from([junk, cut]))


any_file = st.one_of(st.binary(max_size=3_000), csv_files(), xlsx_files(), junk_zips())


def assert_clear(message: str):
    assert message.strip() and INDONESIAN.search(message), message
    assert "Traceback" not in message and "Error" not in message, message


def test_any_file_is_read_or_refused_with_a_clear_message(db, tmp_path):
    BusinessFactory(name="Keripik Tempe Bu Sri", nib=EXISTING_NIB)

    @settings(max_examples=150)
    @given(content=any_file, suffix=st.sampled_from([".csv", ".xlsx", ".csv", ".xlsx", ".CSV", ".xls", ""]))
    def run(content, suffix):
        path = tmp_path / f"unggahan{suffix}"
        path.write_bytes(content)
        try:
            plan = imports.build_plan(path)
        except imports.ImportFileError as error:
            assert_clear(str(error))
            return
        for row in plan.rows:
            assert row.action in (imports.CREATE, imports.UPDATE, imports.UNCHANGED, imports.ERROR)
            assert all(isinstance(message, str) and message for _, message in row.errors)
        imports.preview_data(plan)  # what the page keeps: JSON of every row's outcome

    run()


@pytest.mark.parametrize(
    "cell",
    ["9" * 30, "9" * 5_000, "1" * 40 + " jt", "inf", "1e309"],
)
@pytest.mark.parametrize("field", ["turnover", "employees", "year_founded", "registered_on", "owner_nik"])
def test_a_number_too_large_to_read_is_an_error_on_its_row(field, cell, tmp_path, db):
    # Found by the property above: these cells raised InvalidOperation, ValueError or OverflowError.
    path = tmp_path / "angka.csv"
    row = {**EXAMPLES, field: cell, "nib": "", "owner_nik": "" if field != "owner_nik" else cell}
    path.write_bytes(csv_bytes(header_of(row), [list(row.values())]))
    (planned,) = imports.build_plan(path).rows
    assert planned.action == imports.ERROR
    assert {column for column, _ in planned.errors} == {HEADERS[field][0]}


@pytest.mark.parametrize("forged", ["inf", "nan", "9" * 5_000])
def test_a_workbook_with_a_forged_number_is_read_or_refused_clearly(forged, tmp_path, db):
    # Found by the property above: openpyxl reads <v>inf</v> as a float and raises on 5.000 digits.
    workbook = openpyxl.Workbook()
    workbook.active.append(header_of(EXAMPLES))
    workbook.active.append(
        [7_654_321.25 if name in ("turnover", "owner_nik") else value for name, value in EXAMPLES.items()]
    )
    output = io.BytesIO()
    workbook.save(output)
    path = tmp_path / "angka.xlsx"
    path.write_bytes(
        rewrite_zip(output.getvalue(), lambda name, body: body.replace(b"7654321.25", forged.encode()))
    )
    try:
        (planned,) = imports.build_plan(path).rows
    except imports.ImportFileError as error:
        assert_clear(str(error))
    else:
        assert planned.action == imports.ERROR


def test_a_cell_past_the_csv_field_limit_refuses_the_file_in_indonesian(tmp_path, db):
    path = tmp_path / "besar.csv"
    path.write_bytes(csv_bytes(header_of(EXAMPLES), [[*EXAMPLES.values()][:-1] + ["x" * 200_000]]))
    with pytest.raises(imports.ImportFileError) as refused:
        imports.build_plan(path)
    assert_clear(str(refused.value))


def test_a_nul_byte_in_a_cell_is_an_error_on_its_row_not_a_value_to_save(tmp_path, db):
    # PostgreSQL refuses NUL in text; the import must not plan to write one.
    path = tmp_path / "nul.csv"
    row = {**EXAMPLES, "name": "Keripik\x00Tempe", "nib": "", "owner_nik": ""}
    path.write_bytes(csv_bytes(header_of(row), [list(row.values())]))
    (planned,) = imports.build_plan(path).rows
    assert planned.action == imports.ERROR
    assert {column for column, _ in planned.errors} == {"Nama Usaha"}


# --- applying: every planned row or nothing ----------------------------------------------------


def registry_state() -> tuple[int, int]:
    return Business.objects.count(), History.objects.count()


def test_an_import_writes_every_planned_row_with_its_history_or_nothing(users):
    staf = users["staf"]
    existing = BusinessFactory(name="Keripik Tempe Bu Sri", nib=EXISTING_NIB, turnover=120_000_000)
    rows = base_rows(existing)
    fields = list(rows[0])

    @settings(max_examples=40)
    @given(
        data=st.data(),
        delimiter=st.sampled_from([";", ","]),
        encoding=st.sampled_from(["utf-8-sig", "cp1252"]),
        interfere=st.sampled_from([None, "nama", "nib"]),
    )
    def run(data, delimiter, encoding, interfere):
        table = [dict(row) for row in rows]
        for _ in range(data.draw(st.integers(1, 4))):
            row = data.draw(st.sampled_from(table))
            row[data.draw(st.sampled_from(fields))] = data.draw(hostile_cells)
        content = csv_bytes(
            header_of(table[0]), [list(row.values()) for row in table], delimiter=delimiter, encoding=encoding
        )
        with rolled_back():
            registry_import = services.registry_import_create(
                user=staf, uploaded_file=SimpleUploadedFile("data-umkm.csv", content)
            )
            before = registry_state()
            services.registry_import_preview(registry_import=registry_import)
            assert registry_state() == before, "Pratinjau menulis ke registri"
            if registry_import.status == RegistryImport.Status.FAILED:
                assert_clear(registry_import.error_message)
                return
            assert registry_import.status == RegistryImport.Status.READY
            planned = registry_import.created_count + registry_import.updated_count
            if not planned:
                return
            services.registry_import_confirm(registry_import=registry_import, user=staf, skip_error_rows=True)
            # Meanwhile someone saves one of the new businesses by hand: its row is an update now.
            if interfere == "nama":
                BusinessFactory(name=rows[1]["name"])  # in the same desa, Karanggayam
            elif interfere == "nib":
                BusinessFactory(name="Jamu Mbok Sri", nib=rows[2]["nib"])
            changed_row = {"nama": 1, "nib": 2}.get(interfere)
            before = registry_state()
            services.registry_import_apply(registry_import=registry_import)
            registry_import.refresh_from_db()
            businesses, history = registry_state()
            if registry_import.status == RegistryImport.Status.DONE:
                assert businesses - before[0] == registry_import.created_count
                assert history - before[1] == registry_import.created_count + registry_import.updated_count
                unchanged_file_row = changed_row is not None and table[changed_row] == rows[changed_row]
                assert not unchanged_file_row, "Impor diterapkan walau registri berubah sejak pratinjau"
            else:
                assert registry_import.status == RegistryImport.Status.FAILED
                assert (businesses, history) == before
                assert "tidak ada yang disimpan" in registry_import.error_message

    run()


# --- through the pages ---------------------------------------------------------------------------

FILE_NAMES = [
    "data.csv",
    "DATA.CSV",
    "data.xlsx",
    f"{SCRIPT}.csv",
    "a" * 300 + ".csv",
    "../../etc/passwd.csv",
    "data.csv.exe",
    "data",
    ".csv",
    f"{FORMULAS[0]}.xlsx",
    "data umkm (1).csv",
]


def test_hostile_uploads_through_the_pages_never_crash(world, logged_in):
    client = logged_in("staf")
    upload = reverse("registry:import_upload")
    assert client.get(upload).status_code == 200
    before = snapshot()

    @settings(max_examples=25)
    @given(
        content=any_file,
        name=st.sampled_from(FILE_NAMES),
        skip=st.sampled_from(["1", "0", "", "ya", ["1", "1"]]),
    )
    def run(content, name, skip):
        with rolled_back():
            response = client.post(upload, {"file": SimpleUploadedFile(name, content)})
            assert response.status_code in (200, 302)
            if response.status_code == 200:
                assert not changes_since(before)
                return
            detail = response["Location"]
            assert client.get(detail).status_code == 200
            registry_import = RegistryImport.objects.latest("pk")
            confirm = reverse("registry:import_confirm", args=[registry_import.pk])
            assert client.post(confirm, {"skip_error_rows": skip}).status_code == 302
            assert client.get(detail).status_code == 200

    run()
