"""The registry list's export goes back in without loss: unedited, edited, or into an empty registry."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from demo.management.commands import seed_demo
from registry import imports, services
from registry.exports import BusinessExporter, write_xlsx
from registry.models import Business, Desa, RegistryImport, Sector
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db
History = Business.history.model
FIELDS = (
    "name", "owner_name", "owner_nik", "owner_gender", "phone", "nib", "address", "desa_id", "kecamatan_id",
    "sector_id", "kbli_code", "year_founded", "registered_on", "employees", "turnover", "capital",
    "has_pirt", "has_halal", "has_bpom", "has_brand", "sells_online", "has_financing", "status", "size_class",
)  # fmt: skip


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(monkeypatch, admin_user):
    """The demo registry as seed_demo draws it (fewer businesses), plus namesakes only the ID tells apart."""
    monkeypatch.setattr(seed_demo, "seed_programmes", lambda **options: [])
    call_command("seed_demo", businesses=300, seed=7, stdout=StringIO())
    desa = Desa.objects.get(name="Karanggayam")
    for _ in range(2):
        BusinessFactory(name="Warung Bu Sri", desa=desa, kecamatan=desa.kecamatan, nib=None, owner_nik=None)
    return admin_user


def snapshot() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in Business.objects.values_list("id", *FIELDS)}


def export(path, user):
    with open(path, "wb") as output:
        write_xlsx(BusinessExporter(Business.objects.order_by("name", "id"), user=user), output)
    return path


def run_import(path, user) -> RegistryImport:
    """Upload, preview, and (when there is something to write) confirm and apply, as the task would."""
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    registry_import = services.registry_import_create(user=user, uploaded_file=upload)
    services.registry_import_preview(registry_import=registry_import)
    if registry_import.created_count or registry_import.updated_count:
        services.registry_import_confirm(registry_import=registry_import, user=user)
        services.registry_import_apply(registry_import=registry_import)
    registry_import.refresh_from_db()
    return registry_import


def test_an_unedited_export_reimports_with_nothing_changed_and_no_history(tmp_path, demo):
    before, history = snapshot(), History.objects.count()

    registry_import = run_import(export(tmp_path / "registri.xlsx", demo), demo)

    assert registry_import.unchanged_count == len(before)
    assert (registry_import.created_count, registry_import.updated_count, registry_import.error_count) == (
        0,
        0,
        0,
    )
    # Kelas usaha is the export's computed column: passed over without a word.
    assert registry_import.preview["ignored_columns"] == []
    assert snapshot() == before
    assert History.objects.count() == history


def _edit(path, edits: dict[str, object]) -> dict[int, str]:
    """Give each column in `edits` its new value on a row of its own, as a spreadsheet saves it;
    returns which business each column was changed on."""
    workbook = load_workbook(path)
    sheet = workbook.active
    headers = {cell.value: cell.column for cell in sheet[1]}
    changed = {}
    for row, (header, value) in enumerate(edits.items(), start=2):
        sheet.cell(row, headers[header]).value = value
        changed[header] = sheet.cell(row, headers["ID"]).value
    if "Desa/Kelurahan" in edits:  # a desa moves with its kecamatan
        desa = Desa.objects.select_related("kecamatan").get(name=edits["Desa/Kelurahan"])
        row = list(edits).index("Desa/Kelurahan") + 2
        sheet.cell(row, headers["Kecamatan"]).value = desa.kecamatan.name
    workbook.save(path)
    return changed


def test_every_editable_column_edited_in_a_spreadsheet_comes_back_as_exactly_that_update(tmp_path, demo):
    # So that every edit below is a change, whichever business it lands on.
    flags = ("has_pirt", "has_halal", "has_bpom", "has_brand", "sells_online", "has_financing")
    Business.objects.update(owner_gender="P", status="aktif", **dict.fromkeys(flags, False))
    path = export(tmp_path / "registri.xlsx", demo)
    before = snapshot()
    sector = Sector.objects.get(slug="kerajinan")
    edits = {
        "Nama usaha": "Keripik Pisang Sumber Rejeki Baru",
        "Nama pemilik": "Siti Rahayu",
        "NIK pemilik": "3505035505900123",
        "Jenis kelamin pemilik": "Laki-laki",
        "No. HP": "0813 1111 2222",
        "NIB": 3505031234567,  # typed as a number: 13 digits lose nothing
        "Alamat": "Jl. Raya Srengat 12",
        "Desa/Kelurahan": "Dermojayan",
        "Sektor": sector.name,
        "KBLI": 16292,  # typed as a number
        "Tahun berdiri": 2011.0,  # as a spreadsheet keeps every number
        "Tanggal masuk registri": datetime.datetime(2021, 3, 4),
        "Tenaga kerja": 17,
        "Omzet per tahun (Rp)": 2_500_000_000.0,
        "Modal usaha (Rp)": 750_000_000,
        "PIRT": "Ya",
        "Halal": "Ya",
        "BPOM": "Ya",
        "Merek/HKI": "Ya",
        "Jualan daring": "Ya",
        "Pembiayaan bank/KUR": "Ya",
        "Status": "Tutup",
    }
    changed = _edit(path, edits)
    desa = Desa.objects.get(name="Dermojayan")
    expected = {
        "Nama usaha": {"name": edits["Nama usaha"]},
        "Nama pemilik": {"owner_name": "Siti Rahayu"},
        "NIK pemilik": {"owner_nik": "3505035505900123"},
        "Jenis kelamin pemilik": {"owner_gender": "L"},
        "No. HP": {"phone": "081311112222"},
        "NIB": {"nib": "3505031234567"},
        "Alamat": {"address": "Jl. Raya Srengat 12"},
        "Desa/Kelurahan": {"desa_id": desa.pk, "kecamatan_id": desa.kecamatan_id},
        "Sektor": {"sector_id": sector.pk},
        "KBLI": {"kbli_code": "16292"},
        "Tahun berdiri": {"year_founded": 2011},
        "Tanggal masuk registri": {"registered_on": datetime.date(2021, 3, 4)},
        "Tenaga kerja": {"employees": 17},
        "Omzet per tahun (Rp)": {"turnover": 2_500_000_000},
        "Modal usaha (Rp)": {"capital": 750_000_000},
        "PIRT": {"has_pirt": True},
        "Halal": {"has_halal": True},
        "BPOM": {"has_bpom": True},
        "Merek/HKI": {"has_brand": True},
        "Jualan daring": {"sells_online": True},
        "Pembiayaan bank/KUR": {"has_financing": True},
        "Status": {"status": "tutup"},
    }
    history = History.objects.count()
    last_record = History.objects.order_by("-history_id").values_list("history_id", flat=True).first()

    registry_import = run_import(path, demo)

    after = snapshot()
    wanted = dict(before)
    for header, business_id in changed.items():
        values = dict(zip(FIELDS, wanted[business_id], strict=True))
        values.update(expected[header])
        values["size_class"] = Business(
            turnover=values["turnover"], capital=values["capital"]
        ).computed_size_class()
        wanted[business_id] = tuple(values[name] for name in FIELDS)
    updated = {pk for pk in before if before[pk] != wanted[pk]}
    assert registry_import.error_count == 0
    assert registry_import.updated_count == len(updated)
    assert after == wanted
    # One history row per updated business, naming the import.
    records = History.objects.filter(history_id__gt=last_record)
    assert History.objects.count() == history + len(updated)
    assert {record.id for record in records} == updated
    assert {record.history_change_reason for record in records} == {registry_import.change_reason}


def test_an_export_goes_into_an_empty_registry_whole(tmp_path, demo):
    path = export(tmp_path / "registri.xlsx", demo)
    before = sorted(snapshot().values(), key=repr)
    Business.objects.all().delete()

    registry_import = run_import(path, demo)

    assert registry_import.error_count == 0
    assert registry_import.created_count == len(before)
    assert sorted(snapshot().values(), key=repr) == before
    # The IDs were another registry's: set aside, and said so once.
    assert registry_import.preview["notices"] == [imports.plan.FOREIGN_IDS]


def test_an_unknown_id_is_an_error_on_its_row(tmp_path, demo):
    path = export(tmp_path / "registri.xlsx", demo)
    workbook = load_workbook(path)
    workbook.active["A2"] = 999_999
    workbook.save(path)

    plan = imports.build_plan(path)

    (refused,) = plan.of(imports.ERROR)
    assert refused.errors == [
        ("ID", "Tidak ada usaha dengan ID 999999 di registri (mungkin sudah dihapus). Kosongkan sel ID bila "
         "baris ini usaha baru.")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("NIK pemilik", 3505035505900000, "NIK tersimpan sebagai angka"),
        ("NIK pemilik", "3.50504E+15", "NIK tertulis sebagai angka ilmiah"),
        ("No. HP", 81234567890, "kehilangan angka 0"),
        ("NIB", 350503123456, "NIB tersimpan sebagai angka"),
    ],
)
def test_identifiers_a_spreadsheet_damaged_are_refused_with_how_to_keep_them_as_text(
    tmp_path, demo, header, cell, message
):
    path = export(tmp_path / "registri.xlsx", demo)
    workbook = load_workbook(path)
    headers = {c.value: c.column for c in workbook.active[1]}
    workbook.active.cell(2, headers[header]).value = cell
    workbook.save(path)

    (refused,) = imports.build_plan(path).of(imports.ERROR)

    ((column, text),) = refused.errors
    assert column == header
    assert message in text
    assert "Format kolom" in text and "Teks" in text


def test_the_export_writes_identifiers_as_text_cells(tmp_path, demo):
    path = export(tmp_path / "registri.xlsx", demo)
    sheet = load_workbook(path).active
    headers = {c.value: c.column for c in sheet[1]}
    for header in ("NIK pemilik", "NIB", "No. HP", "KBLI"):
        cells = [sheet.cell(row, headers[header]) for row in range(2, 50)]
        filled = [cell for cell in cells if cell.value is not None]
        assert filled
        assert all(cell.data_type == "s" and cell.number_format == "@" for cell in filled), header


def test_the_whole_demo_registry_goes_out_and_back_in_unchanged_and_into_an_empty_registry_whole(
    tmp_path, monkeypatch, admin_user
):
    """The issue's case at full size: every business the demo registry holds today, not a sample."""
    monkeypatch.setattr(seed_demo, "seed_programmes", lambda **options: [])
    call_command("seed_demo", stdout=StringIO())
    before, history = snapshot(), History.objects.count()
    assert len(before) == seed_demo.DEFAULT_BUSINESSES
    path = export(tmp_path / "registri.xlsx", admin_user)

    again = run_import(path, admin_user)

    assert (again.unchanged_count, again.created_count, again.updated_count, again.error_count) == (
        len(before),
        0,
        0,
        0,
    )
    assert snapshot() == before
    assert History.objects.count() == history

    Business.objects.all().delete()
    fresh = run_import(path, admin_user)

    assert (fresh.created_count, fresh.error_count) == (len(before), 0)
    assert sorted(snapshot().values(), key=repr) == sorted(before.values(), key=repr)
