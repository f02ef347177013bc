"""Script and formula text in every free-text field shows as text on every page and in every export.

The free-text fields are found from the models' _meta (every editable CharField/TextField that takes
any text), so a field added later is covered too. Each field of each row of the world gets a payload
tagged with the field's number; the pages must never carry the payload raw and must carry it escaped
where they show the field, and the exports must never hold a cell a spreadsheet would run.
"""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils.html import escape

from coaching.models import (
    Association,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    Expenditure,
    Programme,
    SubActivity,
    Topic,
)
from registry import services as registry_services
from registry.models import Business, Desa, ExportJob, KbliCode, Kecamatan, RegistryImport, Sector
from registry.spreadsheets import FORMULA_STARTS

from .support import FORMULAS, IMG, SCRIPT, is_history

pytestmark = pytest.mark.django_db

User = get_user_model()
FREE_TEXT_VALIDATORS = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)
# Reference data the world uses; the other 240 desa and 1.800 KBLI titles keep their names.
REFERENCE = (Kecamatan, Desa, Sector, Topic, KbliCode)


def is_free_text(field) -> bool:
    """A field a person may fill with any text: not a code, a choice, an e-mail or an identifier."""
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField)
        and field.editable
        and not field.primary_key
        and not field.choices
        and field.name != "password"  # stored hashed, never shown
        and (field.max_length is None or field.max_length >= 40)
        and all(isinstance(validator, FREE_TEXT_VALIDATORS) for validator in field.validators)
    )


def free_text_fields() -> list:
    found = []
    for model in [
        *apps.get_app_config("registry").get_models(),
        *apps.get_app_config("coaching").get_models(),
        User,
    ]:
        if not is_history(model):
            found.extend(field for field in model._meta.concrete_fields if is_free_text(field))
    return found


FIELDS = free_text_fields()
KEYS = {f"{field.model.__name__}.{field.name}": number for number, field in enumerate(FIELDS)}
REASON = len(FIELDS)  # the change reason written into each row's history


def test_the_free_text_fields_are_found_from_the_models():
    expected = {
        "Business.name", "Business.owner_name", "Business.address", "Kecamatan.name", "Desa.name",
        "Sector.name", "KbliCode.title", "RegistryImport.file_name", "RegistryImport.error_message",
        "Programme.name", "Enrolment.withdrawal_reason", "Enrolment.verification_note", "Assessment.notes",
        "Topic.name", "CoachingSession.venue", "CoachingSession.speaker", "CoachingSession.notes",
        "Event.name", "Event.venue", "Event.partner", "Event.notes", "BudgetLine.name",
        "Expenditure.description", "Expenditure.receipt_number", "Association.name", "Association.contact",
        "Association.notes", "User.first_name", "User.last_name",
    }  # fmt: skip
    assert expected <= set(KEYS)
    not_free = {"Business.phone", "Business.nib", "Business.status", "User.password", "User.email"}
    assert not not_free & set(KEYS)


def tagged(payload: str, number: int, row) -> str:
    return f"{payload}~{number:02d}.{row.pk}"


def paint(world, payload_for) -> None:
    """Every free-text field of every row the world uses gets its payload, saved as a person would."""
    business = world.business
    kbli = KbliCode.objects.first()
    business.kbli_code = kbli.code
    business.save()
    used = {
        Kecamatan: {business.kecamatan_id, world.other.kecamatan_id},
        Desa: {business.desa_id, world.other.desa_id},
        Sector: {business.sector_id},
        Topic: set(world.session.topics.values_list("pk", flat=True)),
        KbliCode: {kbli.pk},
    }
    by_model: dict = {}
    for field in FIELDS:
        by_model.setdefault(field.model, []).append(field)
    for model, fields in by_model.items():
        rows = model._base_manager.all()
        if model in REFERENCE:
            rows = rows.filter(pk__in=used[model])
        for row in rows:
            for field in fields:
                number = KEYS[f"{model.__name__}.{field.name}"]
                setattr(row, field.attname, tagged(payload_for(number), number, row))
            row._change_reason = tagged(payload_for(REASON), REASON, row)
            row.save()


def html_payload(number: int) -> str:
    return SCRIPT if number % 2 == 0 else IMG


def formula_payload(number: int) -> str:
    return FORMULAS[number % len(FORMULAS)]


def make_imports(staf, payload_for) -> None:
    """A previewed import whose cells carry payloads (the preview shows them), and a failed one."""
    header = ["Nama Usaha", "Nama Pemilik", "Kecamatan", "Desa/Kelurahan", "Sektor"]
    rows = [
        [payload_for(0) + "~baru", payload_for(1) + "~pemilik", "Srengat", "Karanggayam", "Makanan"],
        ["Usaha bergalat", "Sri", payload_for(2) + "~kecamatan", "Karanggayam", "Makanan"],
    ]
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows([header, *rows])
    for name, content in (("data.csv", text.getvalue().encode()), ("rusak.xlsx", b"bukan buku kerja")):
        registry_import = registry_services.registry_import_create(
            user=staf, uploaded_file=SimpleUploadedFile(name, content)
        )
        registry_services.registry_import_preview(registry_import=registry_import)
    ExportJob.objects.create(
        created_by=staf,
        exporter="registry:business_export",
        title=payload_for(3),
        file_name=payload_for(4),
        status=ExportJob.Status.FAILED,
        error_message=payload_for(5),
    )


@pytest.fixture
def html_world(world, users):
    """The world with script and attribute payloads in every free-text field."""
    make_imports(users["staf"], html_payload)
    paint(world, html_payload)
    return world


@pytest.fixture
def formula_world(world, users):
    """The world with formula payloads in every free-text field."""
    make_imports(users["staf"], formula_payload)
    paint(world, formula_payload)
    return world


def page(name, *attributes, query="", role="staf"):
    """A page: its URL name, the world's objects whose ids it takes, a query string, who opens it."""

    def path(world):
        args = [
            getattr(world, attribute).pk if isinstance(attribute, str) else attribute(world)
            for attribute in attributes
        ]
        return reverse(name, args=args) + query

    return role, path


def kecamatan_of(world):
    return world.business.kecamatan_id


def latest_import(status):
    return lambda world: RegistryImport.objects.get(status=status).pk


def admin_page(model, attribute=None, suffix=""):
    def path(world):
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        return f"{base}{getattr(world, attribute).pk}/{suffix}" if attribute else base

    return "admin", path


PAGES = {
    "home": page("home"),
    "home_pendamping": page("home", role="pendamping"),
    "coverage": page("coverage"),
    "kecamatan": page("kecamatan_detail", kecamatan_of),
    "business_list": page("registry:business_list"),
    "business_search": page("registry:business_list", query="?q=%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E"),
    "business_detail": page("registry:business_detail", "business"),
    "business_edit": page("registry:business_edit", "business"),
    "registry_dashboard": page("registry:dashboard"),
    "import_upload": page("registry:import_upload"),
    "import_ready": page("registry:import_detail", latest_import(RegistryImport.Status.READY)),
    "import_failed": page("registry:import_detail", latest_import(RegistryImport.Status.FAILED)),
    "export_failed": page("registry:export_job_detail", lambda world: ExportJob.objects.get().pk),
    "programme_list": page("coaching:programme_list"),
    "programme_detail": page("coaching:programme_detail", "programme"),
    "programme_edit": page("coaching:programme_edit", "programme"),
    "programme_plan": page("coaching:programme_plan", "programme"),
    "cohort": page("coaching:cohort", "programme"),
    "candidates": page("coaching:candidate_list", "programme"),
    "data_to_fix": page("coaching:data_to_fix", "programme"),
    "enrol_search": page("coaching:enrol", "programme", query="?q=Gerabah"),
    "enrolment": page("coaching:enrolment_detail", "enrolment"),
    "enrolment_verified": page("coaching:enrolment_detail", "verified"),
    "assessment_create": page("coaching:assessment_create", "enrolment", role="pendamping"),
    "session_list": page("coaching:session_list"),
    "session_detail": page("coaching:session_detail", "session"),
    "session_edit": page("coaching:session_edit", "session", role="pendamping"),
    "session_create": page("coaching:session_create", "programme", role="pendamping"),
    "session_attendees": page("coaching:session_add_attendees", "session", query="?q=a", role="pendamping"),
    "event_list": page("coaching:event_list"),
    "event_detail": page("coaching:event_detail", "event"),
    "event_edit": page("coaching:event_edit", "event"),
    "event_participants": page("coaching:event_add_participants", "event", query="?q=a"),
    "association_list": page("coaching:association_list"),
    "association_detail": page("coaching:association_detail", "association"),
    "association_members": page("coaching:association_add_members", "association", query="?q=a"),
    "budget": page("coaching:budget", "programme"),
    "budget_line_edit": page("coaching:budget_line_edit", "line"),
    "expenditure_list": page("coaching:expenditure_list", "programme"),
    "expenditure_detail": page("coaching:expenditure_detail", "expenditure"),
    "expenditure_edit": page("coaching:expenditure_edit", "expenditure"),
    "expenditure_create": page("coaching:expenditure_create", "programme"),
    "expenditure_delete": page("coaching:expenditure_delete", "expenditure", role="admin"),
    "realisation": page("coaching:realisation", "programme"),
    "sub_activity_list": page("coaching:sub_activity_list", "programme"),
    "sub_activity_edit": page("coaching:sub_activity_edit", "sub_activity"),
    **{
        f"admin_{model._meta.model_name}": admin_page(model)
        for model in (
            Business,
            Kecamatan,
            Desa,
            Sector,
            KbliCode,
            RegistryImport,
            Programme,
            Enrolment,
            CoachingSession,
            Event,
            Association,
            Topic,
            BudgetLine,
            SubActivity,
            Expenditure,
        )
    },
    "admin_business_change": admin_page(Business, "business", "change/"),
    "admin_business_history": admin_page(Business, "business", "history/"),
    "admin_session_change": admin_page(CoachingSession, "session", "change/"),
    "admin_event_change": admin_page(Event, "event", "change/"),
    "admin_association_change": admin_page(Association, "association", "change/"),
    "admin_enrolment_change": admin_page(Enrolment, "verified", "change/"),
    "admin_expenditure_history": admin_page(Expenditure, "expenditure", "history/"),
}


EXPORTS = {
    "registry_csv": page("registry:business_export", query="?format=csv"),
    "registry_xlsx": page("registry:business_export", query="?format=xlsx"),
    "cohort_csv": page("coaching:cohort_export", "programme", query="?format=csv"),
    "cohort_xlsx": page("coaching:cohort_export", "programme", query="?format=xlsx"),
    "sessions_csv": page("coaching:session_export", query="?format=csv"),
    "sessions_xlsx": page("coaching:session_export", query="?format=xlsx"),
    "spending_csv": page("coaching:expenditure_export", "programme", query="?format=csv"),
    "spending_xlsx": page("coaching:expenditure_export", "programme", query="?format=xlsx"),
    **{
        f"report_q{q}": page("coaching:quarterly_report", "programme", query=f"?triwulan={q}")
        for q in (1, 2, 3, 4)
    },
    "import_template": page("registry:import_template"),
}


# What each page shows of the world: these payloads must be on it, escaped. "reason" is the change
# reason of the row's history; "~baru", "~pemilik", "~kecamatan" are cells of the previewed import;
# "?q" is the search typed into the page's address, shown back in its search box.
SHOWN = {
    "home": ["Programme.name", "Kecamatan.name", "Sector.name", "User.first_name"],
    "home_pendamping": ["Business.name", "Programme.name"],
    "coverage": ["Programme.name", "Kecamatan.name"],
    "kecamatan": [
        "Kecamatan.name", "Desa.name", "Business.name", "CoachingSession.venue", "Expenditure.description",
    ],
    "business_list": ["Business.name", "Business.owner_name", "Desa.name", "Kecamatan.name", "Sector.name"],
    "business_search": ["?q", "Kecamatan.name", "Sector.name"],
    "business_detail": [
        "Business.name", "Business.owner_name", "Business.address", "KbliCode.title", "Desa.name",
        "Kecamatan.name", "Sector.name", "Programme.name", "Topic.name", "CoachingSession.venue", "reason",
    ],
    "business_edit": [
        "Business.name", "Business.owner_name", "Business.address", "KbliCode.title", "Desa.name",
    ],
    "registry_dashboard": ["Kecamatan.name", "Desa.name", "Sector.name"],
    "import_upload": ["RegistryImport.file_name"],
    "import_ready": ["RegistryImport.file_name", "~baru", "~pemilik", "~kecamatan"],
    "import_failed": ["RegistryImport.file_name", "RegistryImport.error_message"],
    "export_failed": ["ExportJob.title", "ExportJob.file_name", "ExportJob.error_message"],
    "programme_list": ["Programme.name"],
    "programme_detail": ["Programme.name", "Kecamatan.name", "Event.name"],
    "programme_edit": ["Programme.name"],
    "programme_plan": ["Programme.name", "Kecamatan.name"],
    "cohort": ["Business.name", "Business.owner_name", "Kecamatan.name", "Sector.name", "User.last_name"],
    "candidates": ["Business.name", "Kecamatan.name"],
    "data_to_fix": ["Business.name"],
    "enrol_search": ["Kecamatan.name", "Sector.name"],
    "enrolment": ["Business.name", "Business.owner_name", "Desa.name", "Assessment.notes", "Topic.name"],
    "enrolment_verified": [
        "Business.name", "Enrolment.verification_note", "Enrolment.verified_criteria", "Association.name",
    ],
    "assessment_create": ["Business.name"],
    "session_list": ["Kecamatan.name", "Desa.name", "Topic.name", "User.last_name"],
    "session_detail": [
        "CoachingSession.venue", "CoachingSession.speaker", "CoachingSession.notes", "Topic.name",
        "Business.name", "Expenditure.description", "Expenditure.receipt_number", "BudgetLine.name",
    ],
    "session_edit": [
        "CoachingSession.venue", "CoachingSession.speaker", "CoachingSession.notes", "Topic.name",
    ],
    "session_create": ["Business.name", "Topic.name", "Desa.name"],
    "session_attendees": ["Business.name", "Business.owner_name"],
    "event_list": ["Event.name", "Kecamatan.name", "Desa.name"],
    "event_detail": ["Event.name", "Event.venue", "Event.partner", "Event.notes", "Business.name"],
    "event_edit": ["Event.name", "Event.venue", "Event.partner", "Event.notes"],
    "event_participants": ["Event.name", "Business.name", "Business.owner_name"],
    "association_list": ["Association.name", "Association.contact"],
    "association_detail": ["Association.name", "Association.contact", "Association.notes", "Business.name"],
    "association_members": ["Association.name", "Business.name"],
    "budget": ["BudgetLine.name"],
    "budget_line_edit": ["BudgetLine.name"],
    "expenditure_list": ["Expenditure.description", "Expenditure.receipt_number", "BudgetLine.name"],
    "expenditure_detail": [
        "Expenditure.description", "Expenditure.receipt_number", "BudgetLine.name", "reason",
    ],
    "expenditure_edit": [
        "Expenditure.description", "Expenditure.receipt_number", "BudgetLine.name", "Event.name",
    ],
    "expenditure_create": ["BudgetLine.name", "Event.name"],
    "expenditure_delete": ["Expenditure.description"],
    "realisation": ["BudgetLine.name", "SubActivity.name", "SubActivity.output_indicator"],
    "sub_activity_list": ["SubActivity.name", "SubActivity.output_indicator", "SubActivity.output_unit"],
    "sub_activity_edit": ["SubActivity.name", "SubActivity.output_indicator", "SubActivity.output_unit"],
    "admin_business": ["Business.name", "Business.owner_name", "Kecamatan.name", "Desa.name", "Sector.name"],
    "admin_kecamatan": ["Kecamatan.name"],
    "admin_desa": ["Desa.name"],
    "admin_sector": ["Sector.name"],
    "admin_kblicode": ["KbliCode.title"],
    "admin_registryimport": ["RegistryImport.file_name"],
    "admin_programme": ["Programme.name"],
    "admin_enrolment": ["Business.name", "Programme.name"],
    "admin_coachingsession": ["Programme.name", "Kecamatan.name"],
    "admin_event": ["Event.name"],
    "admin_association": ["Association.name", "Association.contact"],
    "admin_topic": ["Topic.name"],
    "admin_budgetline": ["BudgetLine.name"],
    "admin_subactivity": ["SubActivity.name", "Programme.name"],
    "admin_expenditure": ["Expenditure.description", "Expenditure.receipt_number"],
    "admin_business_change": ["Business.name", "Business.owner_name", "Business.address"],
    "admin_business_history": ["Business.name", "reason"],
    "admin_session_change": ["CoachingSession.venue", "CoachingSession.speaker", "CoachingSession.notes"],
    "admin_event_change": ["Event.name", "Event.venue", "Event.partner", "Event.notes"],
    "admin_association_change": ["Association.name", "Association.contact", "Association.notes"],
    "admin_enrolment_change": [
        "Enrolment.withdrawal_reason", "Enrolment.verification_note", "Enrolment.verified_criteria",
    ],
    "admin_expenditure_history": ["Expenditure.description", "reason"],
}  # fmt: skip
IMPORT_CELLS = {"~baru": 0, "~pemilik": 1, "~kecamatan": 2}


def escaped_marker(payload_for, shown: str) -> str:
    """The text a page must carry for a shown field: its payload escaped, then its tag."""
    if shown == "?q":
        return escape(SCRIPT)
    if shown in IMPORT_CELLS:
        return escape(payload_for(IMPORT_CELLS[shown])) + shown
    number = REASON if shown == "reason" else KEYS[shown]
    return f"{escape(payload_for(number))}~{number:02d}."


def test_every_page_is_in_the_table():
    assert SHOWN.keys() == PAGES.keys()


def test_every_free_text_field_is_shown_escaped_on_some_page():
    shown = {name for names in SHOWN.values() for name in names}
    assert set(KEYS) <= shown, set(KEYS) - shown


@pytest.fixture
def clients(logged_in):
    return {role: logged_in(role) for role in ("staf", "pendamping", "admin")}


def test_script_and_attribute_payloads_are_text_on_every_page(html_world, clients):
    missing = {}
    for name, (role, path) in PAGES.items():
        response = clients[role].get(path(html_world))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert SCRIPT not in body, f"{name}: <script> mentah"
        assert "<img src=x onerror" not in body, f"{name}: <img onerror> mentah"
        absent = [shown for shown in SHOWN[name] if escaped_marker(html_payload, shown) not in body]
        if absent:
            missing[name] = absent
    assert not missing, f"Isian tidak tampil (ter-escape) di halaman: {missing}"


EXPORTED = {
    "registry": [
        "Business.name", "Business.owner_name", "Business.address", "Kecamatan.name", "Desa.name",
        "Sector.name",
    ],
    "cohort": [
        "Business.name", "Business.owner_name", "Kecamatan.name", "Desa.name", "Sector.name",
        "User.first_name", "User.last_name",
    ],
    "sessions": [
        "Programme.name", "Topic.name", "CoachingSession.venue", "CoachingSession.speaker",
        "CoachingSession.notes", "Kecamatan.name", "Desa.name", "User.first_name",
    ],
    "spending": [
        "BudgetLine.name", "Expenditure.description", "Expenditure.receipt_number", "Kecamatan.name",
        "User.last_name",
    ],
    "report_q1": [
        "Business.name", "Business.owner_name", "Programme.name", "Topic.name", "CoachingSession.venue",
        "CoachingSession.speaker", "BudgetLine.name", "Kecamatan.name", "Desa.name", "Sector.name",
    ],
    "report_q2": [
        "Expenditure.description", "Expenditure.receipt_number", "BudgetLine.name", "Business.name",
        "SubActivity.name", "SubActivity.output_indicator", "SubActivity.output_unit",
    ],
    "report_q3": ["Business.name", "Programme.name", "Sector.name"],
    "report_q4": ["Business.name", "Programme.name", "Kecamatan.name"],
    "import_template": ["Kecamatan.name", "Desa.name", "Sector.name"],
}  # fmt: skip
NUMBER = re.compile(r"-?\d+")


def read_export(response, name) -> list[str]:
    """Every text cell of the file; an .xlsx must hold no formula at all, in its cells or its XML."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if name.endswith("_csv"):
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        parts = [part for part in archive.namelist() if part.startswith("xl/worksheets/")]
        assert not any("<f>" in archive.read(part).decode() for part in parts)
    sheets = openpyxl.load_workbook(io.BytesIO(body)).worksheets
    cells = [cell for sheet in sheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    return [cell.value for cell in cells if isinstance(cell.value, str)]


@pytest.mark.parametrize("name", EXPORTS)
def test_formula_payloads_are_neutralised_in_every_export(name, formula_world, logged_in):
    role, path = EXPORTS[name]
    response = logged_in(role).get(path(formula_world))
    assert response.status_code == 200
    texts = read_export(response, name)

    runnable = [text for text in texts if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text)]
    assert not runnable, f"{name}: sel yang bisa dijalankan sebagai rumus: {runnable[:3]}"
    # Each field's payload is in the file, as text: where a cell starts with it, the apostrophe is before it.
    for shown in EXPORTED[name.removesuffix("_csv").removesuffix("_xlsx")]:
        number = KEYS[shown]
        payload = f"{formula_payload(number)}~{number:02d}."
        assert any(payload in text for text in texts), f"{name}: {shown} tidak ada di berkas"
