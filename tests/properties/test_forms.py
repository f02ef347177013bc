"""Hostile input at every form and every filter, through its view: never a 500, never a half-saved row.

Each form is posted as its page would send it (hidden fields included, read from the page itself) with
one to four fields replaced by hostile values: huge strings, NUL bytes, emoji, RTL and combining marks,
huge and negative numbers, "1e309", "NaN", impossible dates, lists where one value is expected, missing
fields, SQL, script and formula text, ids of nothing. The property: the answer is a page (200) with the
database untouched, or a redirect after which every row written is whole (full_clean() passes and its
history row holds the same values). Every example starts from the same database (a rolled-back savepoint).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.test.utils import ContextList
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.models import Topic
from registry.models import Kecamatan
from tests.factories import AssociationFactory
from tests.registry.form_data import business_post

from .support import (
    NONEXISTENT_ID,
    assert_written_rows_are_whole,
    changes_since,
    hostile_values,
    mutated,
    page_form,
    rolled_back,
    snapshot,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 20  # per form and per page; about 0.05 s each on SQLite


def url(name, *args):
    return lambda world: reverse(name, args=[arg(world) for arg in args])


def pk(attribute):
    return lambda world: getattr(world, attribute).pk


@dataclass(frozen=True)
class FormCase:
    """A form reached through its view: where it is shown, where it posts, and what makes it valid."""

    id: str
    role: str | None
    action: Callable
    page: Callable | None = None  # the page that shows the form, when it is not the action itself
    valid: Callable = lambda world: {}  # values a person would type on top of the page's own
    files: dict = field(default_factory=dict)  # file fields: name → strategy of uploads
    saves: bool = True  # the valid base submission is saved (a redirect that changes rows)


def evidence_files():
    contents = st.sampled_from(
        [b"%PDF-1.4 bukti", b"\x89PNG\r\n\x1a\n....", b"MZ\x90\x00 exe", b"", b"\x00" * 64]
    )
    names = st.sampled_from(
        ["bukti.pdf", "foto.png", "bukti.exe", "<script>.pdf", "a" * 300 + ".pdf", ".pdf", "x"]
    )
    return st.builds(lambda name, content: SimpleUploadedFile(name, content), names, contents)


def _new_business(world):
    return business_post(name="Tahu Walik Bu Tini", owner_name="Tini Rahayu")


def _second_association(world):
    return {"association": str(AssociationFactory(name="Asosiasi Perajin Gerabah").pk)}


FORM_CASES = [
    FormCase("business_create", "staf", url("registry:business_create"), valid=_new_business),
    FormCase("business_edit", "staf", url("registry:business_edit", pk("business"))),
    FormCase(
        "programme_create",
        "staf",
        url("coaching:programme_create"),
        valid=lambda world: {
            "name": "Program 2026",
            "budget_ceiling": "1.000.000.000",
            "naik_kelas_target": "100",
        },
    ),
    FormCase("programme_edit", "staf", url("coaching:programme_edit", pk("programme"))),
    FormCase(
        "programme_plan",
        "staf",
        url("coaching:programme_plan", pk("programme")),
        valid=lambda world: {f"kecamatan_{world.business.kecamatan_id}": "7"},
    ),
    FormCase(
        "enrol",
        "staf",
        url("coaching:enrol", pk("programme")),
        page=lambda world: reverse("coaching:enrol", args=[world.programme.pk]) + "?q=Batik",
        valid=lambda world: {"business": str(world.outsider.pk)},
    ),
    FormCase(
        "session_add_attendees",
        "pendamping",
        url("coaching:session_add_attendees", pk("session")),
        page=lambda world: reverse("coaching:session_add_attendees", args=[world.session.pk]) + "?q=Batik",
        valid=lambda world: {"business": str(world.outsider.pk)},
    ),
    FormCase(
        "event_add_participants",
        "staf",
        url("coaching:event_add_participants", pk("event")),
        page=lambda world: reverse("coaching:event_add_participants", args=[world.event.pk]) + "?q=Batik",
        valid=lambda world: {"business": str(world.outsider.pk)},
    ),
    FormCase(
        "association_add_members",
        "staf",
        url("coaching:association_add_members", pk("association")),
        page=lambda world: (
            reverse("coaching:association_add_members", args=[world.association.pk]) + "?q=Batik"
        ),
        valid=lambda world: {"business": str(world.outsider.pk)},
    ),
    FormCase(
        "enrolment_pendamping",
        "staf",
        url("coaching:enrolment_pendamping", pk("enrolment")),
        page=url("coaching:enrolment_detail", pk("enrolment")),
    ),
    FormCase(
        "enrolment_withdraw",
        "staf",
        url("coaching:enrolment_withdraw", pk("enrolment")),
        page=url("coaching:enrolment_detail", pk("enrolment")),
        valid=lambda world: {"reason": "Pindah ke luar kota"},
    ),
    FormCase(
        "enrolment_verify",
        "staf",
        url("coaching:enrolment_verify", pk("enrolment")),
        page=url("coaching:enrolment_detail", pk("enrolment")),
        valid=lambda world: {"note": "Dokumen NIB dan toko daring diperiksa", "verified_on": "2024-08-01"},
        files={"evidence": evidence_files()},
    ),
    FormCase(
        "enrolment_unverify",
        "staf",
        url("coaching:enrolment_unverify", pk("verified")),
        page=url("coaching:enrolment_detail", pk("verified")),
        valid=lambda world: {"reason": "Bukti omzet belum lengkap"},
    ),
    FormCase(
        "enrolment_membership",
        "staf",
        url("coaching:enrolment_membership", pk("verified")),
        page=url("coaching:enrolment_detail", pk("verified")),
        valid=_second_association,
    ),
    FormCase(
        "assessment_create",
        "pendamping",
        url("coaching:assessment_create", pk("enrolment")),
        valid=lambda world: {"assessed_on": "2024-09-01"},
    ),
    FormCase(
        "session_create",
        "pendamping",
        url("coaching:session_create", pk("programme")),
        valid=lambda world: {
            "topics": [str(Topic.objects.first().pk)],
            "attendees": [str(world.business.pk)],
        },
    ),
    FormCase("session_edit", "pendamping", url("coaching:session_edit", pk("session"))),
    FormCase(
        "event_create",
        "staf",
        url("coaching:event_create"),
        valid=lambda world: {
            "name": "Fasilitasi Halal Srengat",
            "kind": "halal",
            "held_on": "2024-07-01",
            "kecamatan": str(Kecamatan.objects.get(name="Srengat").pk),
        },
    ),
    FormCase("event_edit", "staf", url("coaching:event_edit", pk("event"))),
    FormCase(
        "event_outcome",
        "staf",
        url("coaching:event_outcome", pk("participant")),
        page=url("coaching:event_detail", pk("event")),
        valid=lambda world: {"outcome": "diajukan"},
    ),
    FormCase(
        "association_create",
        "staf",
        url("coaching:association_create"),
        valid=lambda world: {"name": "Asosiasi Pengrajin Bambu", "contact": "Pak Harto"},
    ),
    FormCase(
        "budget_line_create",
        "staf",
        url("coaching:budget_line_create", pk("programme")),
        valid=lambda world: {
            "category": "transport",
            "name": "Transport pendamping",
            "allocation": "10.000.000",
        },
    ),
    FormCase("budget_line_edit", "staf", url("coaching:budget_line_edit", pk("line"))),
    FormCase(
        "sub_activity_create",
        "staf",
        url("coaching:sub_activity_create", pk("programme")),
        valid=lambda world: {
            "code": "2.17.07.2.01.0003",
            "name": "Fasilitasi Kemudahan Perizinan Usaha Mikro",
            "output_target": "40",
        },
    ),
    FormCase(
        "sub_activity_edit",
        "staf",
        url("coaching:sub_activity_edit", pk("sub_activity")),
        valid=lambda world: {"output_realised": "12"},
    ),
    FormCase(
        "expenditure_create",
        "staf",
        url("coaching:expenditure_create", pk("programme")),
        valid=lambda world: {
            "budget_line": str(world.line.pk),
            "amount": "250.000",
            "description": "Snack rapat kelompok",
            "spent_on": "2024-06-03",
        },
    ),
    FormCase(
        "expenditure_edit",
        "staf",
        url("coaching:expenditure_edit", pk("expenditure")),
        valid=lambda world: {"reason": "Salah ketik jumlah"},
    ),
    FormCase(
        "expenditure_delete",
        "admin",  # deleting spending stays with admin
        url("coaching:expenditure_delete", pk("expenditure")),
        valid=lambda world: {"reason": "Tercatat dua kali"},
    ),
    FormCase(
        "login",
        None,
        url("login"),
        valid=lambda world: {"username": "staf-uji", "password": "kata-sandi-uji"},
        saves=False,  # a login writes a session, not an app row
    ),
    FormCase(
        "admin_login",
        None,
        url("admin:login"),
        valid=lambda world: {"username": "admin-uji", "password": "kata-sandi-uji"},
        saves=False,
    ),
    FormCase(
        "subject_request",
        "staf",
        url("privacy:subject_request_list"),
        valid=lambda world: {"nik": "3505034105900001", "kind": "akses", "received_at": "2024-05-02T10:00"},
    ),
    FormCase(
        "password_change",
        "staf",
        url("password_change"),
        valid=lambda world: {
            "old_password": "kata-sandi-uji",
            "new_password1": "Sandi-baru-yang-panjang-2024",
            "new_password2": "Sandi-baru-yang-panjang-2024",
        },
    ),
]


def base_submission(client, case: FormCase, world) -> tuple[str, dict[str, list[str]], list[str]]:
    """The action's URL, the POST its page sends with the case's valid values typed in, and the names
    to spoil: those of the page's form and every field of the forms behind the page, shown or not."""
    action = case.action(world)
    page = (case.page or case.action)(world)
    response = client.get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    form = page_form(response.content.decode(), urlsplit(page).path, urlsplit(action).path)
    data = form.data()
    for name, value in case.valid(world).items():
        data[name] = value if isinstance(value, list) else [value]
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    values = [value for context in contexts for value in context.flatten().values()]
    forms = [value for value in values if isinstance(value, BaseForm)]
    declared = {form.add_prefix(name) for form in forms for name in form.fields}
    return action, data, sorted(set(data) | declared | set(case.files))


def post(client, action, data, files, *, urlencoded):
    if urlencoded and not files:
        return client.post(
            action, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
        )
    return client.post(action, {**data, **files})


def check_answer(response, before):
    """A page with nothing written, or a redirect after which every written row is whole."""
    assert response.status_code in (200, 302), response.status_code
    changes = changes_since(before)
    if response.status_code == 200:
        assert not changes, f"Formulir ditampilkan ulang, tetapi basis data berubah: {changes.describe()}"
    else:
        assert_written_rows_are_whole(changes)
    return changes


@pytest.mark.parametrize("case", FORM_CASES, ids=lambda case: case.id)
def test_hostile_posts_answer_without_crashing_and_never_half_save(case, world, logged_in):
    client = logged_in(case.role)
    action, base, names = base_submission(client, case, world)

    # The base submission is a valid one, so the mutations below start from a form that saves.
    before = snapshot()  # every example starts from this state: each runs in a savepoint rolled back
    with rolled_back():
        response = post(client, action, base, {}, urlencoded=False)
        changes = check_answer(response, before)
        if case.saves:
            assert response.status_code == 302 and changes, f"{case.id}: isian dasar tidak tersimpan"

    @settings(max_examples=EXAMPLES)
    @given(data=st.data())
    def run(data):
        values = mutated(data.draw, base, names)
        files = {
            name: data.draw(strategy) for name, strategy in case.files.items() if data.draw(st.booleans())
        }
        urlencoded = data.draw(st.booleans())
        with rolled_back():
            response = post(client, action, values, files, urlencoded=urlencoded)
            check_answer(response, before)

    run()


# --- filters and other query strings -----------------------------------------------------------

BUSINESS_FILTER = [
    "q", "kecamatan", "desa", "sector", "size_class", "status", "nib", "has_pirt", "has_halal", "has_bpom",
    "has_brand", "registered_year", "registered_until", "sort", "page",
]  # fmt: skip
COHORT_FILTER = ["q", "kecamatan", "sector", "pendamping", "status", "verified_to", "page"]
SESSION_FILTER = ["programme", "held_from", "held_to", "kecamatan", "kind", "topic", "pendamping", "page"]
SPENDING_FILTER = ["q", "budget_line", "category", "quarter", "spent_from", "spent_to", "no_receipt", "page"]
ADMIN_LIST = ["q", "o", "p", "e", "all", "kecamatan__id__exact", "sector__id__exact", "status__exact"]


@dataclass(frozen=True)
class QueryCase:
    id: str
    role: str
    path: Callable
    params: list[str]
    examples: int = EXAMPLES


QUERY_CASES = [
    QueryCase("business_list", "staf", url("registry:business_list"), BUSINESS_FILTER),
    QueryCase("business_export", "pimpinan", url("registry:business_export"), [*BUSINESS_FILTER, "format"]),
    QueryCase("registry_dashboard", "staf", url("registry:dashboard"), ["tahun"]),
    QueryCase("home", "staf", url("home"), ["program"]),
    QueryCase("home_pendamping", "pendamping", url("home"), ["program"]),
    QueryCase("coverage", "pimpinan", url("coverage"), ["program", "warna"]),
    QueryCase(
        "kecamatan_detail",
        "staf",
        lambda world: reverse("kecamatan_detail", args=[world.business.kecamatan_id]),
        ["program"],
    ),
    QueryCase("cohort", "staf", url("coaching:cohort", pk("programme")), COHORT_FILTER),
    QueryCase(
        "cohort_export", "staf", url("coaching:cohort_export", pk("programme")), [*COHORT_FILTER, "format"]
    ),
    QueryCase("session_list", "pendamping", url("coaching:session_list"), SESSION_FILTER),
    QueryCase("session_export", "staf", url("coaching:session_export"), [*SESSION_FILTER, "format"]),
    QueryCase("expenditure_list", "staf", url("coaching:expenditure_list", pk("programme")), SPENDING_FILTER),
    QueryCase(
        "expenditure_export",
        "pimpinan",
        url("coaching:expenditure_export", pk("programme")),
        [*SPENDING_FILTER, "format"],
    ),
    QueryCase("event_list", "staf", url("coaching:event_list"), ["page"]),
    QueryCase("realisation", "pimpinan", url("coaching:realisation", pk("programme")), ["triwulan"]),
    QueryCase("quarterly_report", "staf", url("coaching:quarterly_report", pk("programme")), ["triwulan"], 6),
    QueryCase(
        "enrol_search", "staf", url("coaching:enrol", pk("programme")), ["q", "kecamatan", "sector", "sort"]
    ),
    QueryCase("session_create", "pendamping", url("coaching:session_create", pk("programme")), ["usaha"]),
    QueryCase(
        "expenditure_create",
        "staf",
        url("coaching:expenditure_create", pk("programme")),
        ["sesi", "kegiatan", "mata_anggaran"],
    ),
    QueryCase("admin_business", "admin", lambda world: "/admin/registry/business/", ADMIN_LIST),
    QueryCase("admin_expenditure", "admin", lambda world: "/admin/coaching/expenditure/", ADMIN_LIST),
]


@pytest.mark.parametrize("case", QUERY_CASES, ids=lambda case: case.id)
def test_hostile_query_strings_never_crash_a_page_or_write(case, world, logged_in):
    client = logged_in(case.role)
    path = case.path(world)
    assert client.get(path).status_code == 200
    before = snapshot()

    @settings(max_examples=case.examples)
    @given(
        params=st.dictionaries(st.sampled_from([*case.params, "x"]), hostile_values, min_size=1, max_size=4)
    )
    def run(params):
        with rolled_back():
            response = client.get(path, params)
            assert response.status_code < 500
            assert not changes_since(before), "Halaman GET menulis ke basis data"

    run()


@pytest.mark.parametrize(
    "query",
    [
        "page=%FF%FE",
        "q=%00",
        "q=%E2%80%AE%F0%9F%99%82",
        "kecamatan=1&kecamatan=2",
        "sort=-turnover&sort=name",
        "%=%",
    ],
)
def test_raw_query_strings_with_broken_encoding_are_read_without_crashing(query, world, logged_in):
    client = logged_in("staf")
    for path in (reverse("registry:business_list"), reverse("coaching:cohort", args=[world.programme.pk])):
        assert client.get(f"{path}?{query}").status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 5_000, "١٢", "abc", " "])
def test_an_id_in_a_link_that_is_no_id_is_ignored(value, world, logged_in):
    # Found by the properties above: "²" passes str.isdigit() and then int() refuses it (a 500).
    session = reverse("coaching:session_create", args=[world.programme.pk])
    assert logged_in("pendamping").get(session, {"usaha": value}).status_code == 200
    spending = reverse("coaching:expenditure_create", args=[world.programme.pk])
    response = logged_in("staf").get(spending, {"sesi": value, "kegiatan": value, "mata_anggaran": value})
    assert response.status_code == 200
    assert response.context["form"].initial.keys() == {"spent_on"}


@pytest.mark.parametrize("value", ["²", "9" * 5_000])
def test_a_desa_that_is_no_id_is_a_form_error_on_the_business_form(value, world, logged_in):
    client = logged_in("staf")
    with rolled_back():
        before = snapshot()
        response = client.post(reverse("registry:business_create"), business_post(desa=value))
        assert response.status_code == 200
        assert "desa" in response.context["form"].errors
        assert not changes_since(before)


PICKS = ("enrol", "session_add_attendees", "event_add_participants", "association_add_members")
PICK_CASES = [case for case in FORM_CASES if case.id in PICKS]


@pytest.mark.parametrize("case", PICK_CASES, ids=lambda case: case.id)
@pytest.mark.parametrize("ticked", ["9223372036854775808", "9" * 30])
def test_a_ticked_id_too_large_for_the_database_is_refused_on_the_form(case, ticked, world, logged_in):
    # Found by the properties above: the pick forms took any integer and the query overflowed (a 500).
    client = logged_in(case.role)
    with rolled_back():
        before = snapshot()
        response = client.post(case.action(world), {"business": [ticked], "enrolled_on": "2024-06-03"})
        assert response.status_code == 200
        assert "business" in response.context["form"].errors
        assert not changes_since(before)


def test_a_nonexistent_id_in_a_filter_shows_the_form_error_not_a_crash(world, logged_in):
    response = logged_in("staf").get(reverse("registry:business_list"), {"kecamatan": NONEXISTENT_ID})
    assert response.status_code == 200
    assert "kecamatan" in response.context["filter"].form.errors
