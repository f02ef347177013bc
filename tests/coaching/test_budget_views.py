"""The budget pages for every role, and what they do when a person uses them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from coaching.models import BudgetLine, Expenditure, Programme
from tests.factories import BudgetLineFactory, CoachingSessionFactory, EventFactory, ExpenditureFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staf", "pendamping", "pimpinan"]


def text_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def books(programme, staf):
    """A programme with two lines, a session and a drive, and some spending."""
    speaker = BudgetLineFactory(
        programme=programme, category=BudgetLine.Category.SPEAKER_FEES, name="Honorarium narasumber",
        allocation=300_000_000, plan_q1=30_000_000, plan_q2=90_000_000, plan_q3=90_000_000,
        plan_q4=90_000_000,
    )  # fmt: skip
    meals = BudgetLineFactory(programme=programme, name="Konsumsi kelas kelompok")
    session = CoachingSessionFactory(programme=programme, held_on=datetime.date(2024, 5, 1))
    event = EventFactory(programme=programme)
    paid = ExpenditureFactory(
        budget_line=speaker, amount=2_500_000, spent_on=datetime.date(2024, 5, 1), session=session,
        description="Honor narasumber kelas pemasaran", receipt_number="SPJ/0101/DKUKM/2024",
        recorded_by=staf,
    )  # fmt: skip
    ExpenditureFactory(
        budget_line=meals, amount=1_200_000, spent_on=datetime.date(2024, 3, 31), recorded_by=staf,
        description="Konsumsi klinik UMKM", receipt_number="",
    )  # fmt: skip
    ExpenditureFactory(
        budget_line=meals, amount=3_000_000, spent_on=datetime.date(2024, 6, 10), event=event,
        recorded_by=staf, description="Konsumsi fasilitasi NIB Karanggayam",
    )  # fmt: skip
    return {"programme": programme, "speaker": speaker, "meals": meals, "session": session, "event": event,
            "paid": paid}  # fmt: skip


def expenditure_post(books, **changes) -> dict:
    data = {
        "budget_line": books["meals"].pk,
        "spent_on": "2024-07-02",
        "amount": "Rp 1.750.000",
        "description": "Konsumsi kelas kelompok Srengat",
        "receipt_number": "SPJ/0222/DKUKM/2024",
        "session": "",
        "event": "",
    }
    data.update(changes)
    return data


def line_post(**changes) -> dict:
    data = {
        "category": "bahan",
        "name": "Bahan pelatihan dan modul",
        "allocation": "Rp 60.000.000",
        "plan_q1": "",
        "plan_q2": "",
        "plan_q3": "",
        "plan_q4": "",
    }
    data.update(changes)
    return data


# --- who may open what -------------------------------------------------------------------------

ACCESS = [
    # url name,              method, anonymous, admin, staf, pendamping, pimpinan
    ("budget",               "get",  302, 200, 200, 403, 200),
    ("budget_line_create",   "get",  302, 200, 200, 403, 403),
    ("budget_line_create",   "post", 302, 302, 302, 403, 403),
    ("budget_line_edit",     "get",  302, 200, 200, 403, 403),
    ("budget_line_edit",     "post", 302, 302, 302, 403, 403),
    ("expenditure_list",     "get",  302, 200, 200, 403, 200),
    ("expenditure_export",   "get",  302, 200, 200, 403, 200),
    ("quarterly_report",     "get",  302, 200, 200, 403, 200),
    ("quarterly_brief",      "get",  302, 200, 200, 403, 200),
    ("expenditure_create",   "get",  302, 200, 200, 403, 403),
    ("expenditure_create",   "post", 302, 302, 302, 403, 403),
    ("expenditure_detail",   "get",  302, 200, 200, 403, 200),
    ("expenditure_edit",     "get",  302, 200, 200, 403, 403),
    ("expenditure_edit",     "post", 302, 302, 302, 403, 403),
    ("expenditure_delete",   "get",  302, 200, 403, 403, 403),
    ("expenditure_delete",   "post", 302, 302, 403, 403, 403),
    ("realisation",          "get",  302, 200, 200, 403, 200),
]  # fmt: skip
URL_NAMES = {row[0] for row in ACCESS}
# A download answers with a file, not a page.
DOWNLOAD = "attachment"
TEMPLATES = {
    "expenditure_export": DOWNLOAD,
    "quarterly_report": DOWNLOAD,
    "quarterly_brief": DOWNLOAD,
    "budget": "coaching/budget.html",
    "budget_line_create": "coaching/budget_line_form.html",
    "budget_line_edit": "coaching/budget_line_form.html",
    "expenditure_list": "coaching/expenditure_list.html",
    "expenditure_create": "coaching/expenditure_form.html",
    "expenditure_detail": "coaching/expenditure_detail.html",
    "expenditure_edit": "coaching/expenditure_form.html",
    "expenditure_delete": "coaching/expenditure_delete.html",
    "realisation": "coaching/realisation.html",
}
TARGETS = {"budget_line_edit": "meals", "expenditure_detail": "paid", "expenditure_edit": "paid",
           "expenditure_delete": "paid"}  # fmt: skip
# A valid POST for each form, and what it changes.
POSTS = {
    "budget_line_create": (lambda b: line_post(), lambda b: BudgetLine.objects.count()),
    "budget_line_edit": (
        lambda b: line_post(category="konsumsi", name="Konsumsi kelas dan klinik", allocation="100.000.000"),
        lambda b: BudgetLine.objects.get(pk=b["meals"].pk).name,
    ),
    "expenditure_create": (lambda b: expenditure_post(b), lambda b: Expenditure.objects.count()),
    "expenditure_edit": (
        lambda b: expenditure_post(b, budget_line=b["speaker"].pk, amount="2.400.000", reason="Potong pajak"),
        lambda b: Expenditure.objects.get(pk=b["paid"].pk).amount,
    ),
    "expenditure_delete": (lambda b: {"reason": "Tercatat dua kali"}, lambda b: Expenditure.objects.count()),
}


def url_for(url_name: str, books) -> str:
    target = books[TARGETS.get(url_name, "programme")]
    return reverse(f"coaching:{url_name}", args=[target.pk])


def access_cases():
    for url_name, method, *statuses in ACCESS:
        for role, status in zip(["anonymous", *ROLES], statuses, strict=True):
            yield pytest.param(url_name, method, role, status, id=f"{role}-{method}-{url_name}")


@pytest.mark.parametrize(("url_name", "method", "role", "status"), list(access_cases()))
def test_each_role_gets_what_the_budget_access_table_says(client_for, books, url_name, method, role, status):
    client = Client() if role == "anonymous" else client_for(role)
    url = url_for(url_name, books)
    data, effect = POSTS.get(url_name, (lambda b: None, lambda b: None))
    before = effect(books)

    response = getattr(client, method)(url, data(books) if method == "post" else None)

    assert response.status_code == status
    if role == "anonymous":
        assert response.url == f"/masuk/?next={url}"
    elif status == 200 and TEMPLATES[url_name] == DOWNLOAD:
        assert response["Content-Disposition"].startswith("attachment;")
    elif status == 200:
        assert TEMPLATES[url_name] in [template.name for template in response.templates]
    elif status == 403:
        assert "Akses ditolak" in text_of(response)
    changed = method == "post" and status == 302 and role != "anonymous"
    assert (effect(books) != before) is changed


# --- budget lines --------------------------------------------------------------------------------


def test_staf_adds_a_line_whose_blank_quarter_plan_is_spread_evenly(client_for, books):
    response = client_for("staf").post(
        reverse("coaching:budget_line_create", args=[books["programme"].pk]),
        line_post(allocation="Rp 60.000.003"),
    )

    assert response.status_code == 302
    assert response.url == reverse("coaching:budget", args=[books["programme"].pk])
    line = BudgetLine.objects.get(name="Bahan pelatihan dan modul")
    assert (line.allocation, line.plan_q1, line.plan_q2, line.plan_q3, line.plan_q4) == (
        60_000_003, 15_000_000, 15_000_000, 15_000_000, 15_000_003,
    )  # fmt: skip
    assert line.history.get().history_user.username == "staf-uji"


def test_a_line_past_the_ceiling_is_refused_on_the_form_with_the_excess(client_for, books):
    # 1.200 M ceiling, 400 M already allocated to the two lines.
    response = client_for("staf").post(
        reverse("coaching:budget_line_create", args=[books["programme"].pk]),
        line_post(allocation="800.000.001"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["allocation"] == [
        "Jumlah pagu mata anggaran menjadi Rp 1.200.000.001, melebihi pagu program Rp 1.200.000.000 "
        "sebesar Rp 1."
    ]
    assert not BudgetLine.objects.filter(name="Bahan pelatihan dan modul").exists()


def test_a_quarter_plan_off_by_some_rupiah_is_refused_on_the_form(client_for, books):
    response = client_for("staf").post(
        reverse("coaching:budget_line_create", args=[books["programme"].pk]),
        line_post(plan_q1="10.000.000", plan_q2="20.000.000", plan_q3="20.000.000", plan_q4="9.999.000"),
    )

    assert response.status_code == 200
    assert "kurang Rp 1.000" in response.context["form"].errors["allocation"][0]
    assert BudgetLine.objects.count() == 2


def test_the_budget_page_shows_each_line_with_spent_remaining_and_percent(client_for, books):
    response = client_for("pimpinan").get(reverse("coaching:budget", args=[books["programme"].pk]))

    # In the order of the categories (speaker fees before meals), not of their codes.
    assert [line.name for line in response.context["lines"]] == [
        "Honorarium narasumber",
        "Konsumsi kelas kelompok",
    ]
    lines = {line.name: line for line in response.context["lines"]}
    assert (lines["Honorarium narasumber"].spent, lines["Honorarium narasumber"].remaining) == (
        2_500_000, 297_500_000,
    )  # fmt: skip
    assert lines["Konsumsi kelas kelompok"].spent == 4_200_000
    assert response.context["unallocated"] == 800_000_000
    body = text_of(response)
    assert "Rp 6.700.000" in body  # spent in total
    assert "1,6 %" in body  # of the Rp 400 M allocated
    assert "+ Mata anggaran" not in body  # pimpinan reads only
    assert reverse("coaching:budget_line_edit", args=[books["meals"].pk]) not in body


# --- spending ----------------------------------------------------------------------------------


def test_staf_records_spending_for_a_session_from_its_page(client_for, books):
    client = client_for("staf")
    session = books["session"]
    session_page = client.get(session.get_absolute_url())
    add_url = f"{reverse('coaching:expenditure_create', args=[books['programme'].pk])}?sesi={session.pk}"
    assert add_url in text_of(session_page)

    form_page = client.get(add_url)
    response = client.post(add_url, expenditure_post(books, session=session.pk), follow=True)

    assert form_page.context["form"].initial["session"] == session.pk
    assert response.redirect_chain[-1][0] == session.get_absolute_url()
    assert messages_of(response) == ["Belanja Rp 1.750.000 dari “Konsumsi kelas kelompok” tercatat."]
    assert [e.amount for e in response.context["spending"]] == [2_500_000, 1_750_000]
    assert response.context["spending_total"] == 4_250_000
    entry = Expenditure.objects.get(description="Konsumsi kelas kelompok Srengat")
    assert (entry.session, entry.recorded_by.username) == (session, "staf-uji")


def test_a_drive_page_shows_what_was_spent_on_it(client_for, books):
    response = client_for("pimpinan").get(books["event"].get_absolute_url())

    assert response.context["spending_total"] == 3_000_000
    assert "Konsumsi fasilitasi NIB Karanggayam" in text_of(response)
    assert "+ Catat belanja" not in text_of(response)


def test_a_pendamping_sees_no_money_on_a_session_or_a_drive(client_for, books):
    client = client_for("pendamping")

    for page in (books["session"].get_absolute_url(), books["event"].get_absolute_url()):
        response = client.get(page)
        assert response.status_code == 200
        assert "spending" not in response.context
        assert "Rp 2.500.000" not in text_of(response)


def test_spending_past_the_line_is_refused_on_the_form_with_what_is_left(client_for, books):
    response = client_for("staf").post(
        reverse("coaching:expenditure_create", args=[books["programme"].pk]),
        expenditure_post(books, amount="95.800.001"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "Melebihi sisa mata anggaran “Konsumsi kelas kelompok”: sisa Rp 95.800.000, belanja ini "
        "Rp 95.800.001 (lebih Rp 1)."
    ]
    assert Expenditure.objects.count() == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "Pastikan nilai ini lebih besar dari atau sama dengan 1."),
        ({"amount": "1,5 juta"}, "amount", "Tulis jumlah rupiah bulat, misalnya 1.500.000."),
        ({"spent_on": "2025-01-02"}, "spent_on",
         "Tanggal di luar masa program (1 Januari 2024 s.d. 31 Desember 2024)."),
        ({"description": ""}, "description", "Bidang ini tidak boleh kosong."),
        ({"budget_line": ""}, "budget_line", "Bidang ini tidak boleh kosong."),
    ],
    ids=["zero", "words", "after-the-programme", "no-description", "no-line"],
)  # fmt: skip
def test_bad_spending_is_refused_in_indonesian_and_nothing_is_saved(
    client_for, books, changes, field, message
):
    response = client_for("staf").post(
        reverse("coaching:expenditure_create", args=[books["programme"].pk]),
        expenditure_post(books, **changes),
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Expenditure.objects.count() == 3


def test_a_line_of_another_programme_cannot_be_chosen(client_for, books):
    other = Programme.objects.create(
        year=2025, name="Pembinaan UMKM 2025", budget_ceiling=1_000_000_000, naik_kelas_target=100,
        starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31),
    )  # fmt: skip
    foreign = BudgetLineFactory(programme=other)

    response = client_for("staf").post(
        reverse("coaching:expenditure_create", args=[books["programme"].pk]),
        expenditure_post(books, budget_line=foreign.pk),
    )

    assert response.status_code == 200
    assert "budget_line" in response.context["form"].errors
    assert not foreign.expenditures.exists()


def test_a_correction_with_its_reason_shows_in_the_entrys_history(client_for, books):
    client = client_for("staf")
    paid = books["paid"]

    response = client.post(
        reverse("coaching:expenditure_edit", args=[paid.pk]),
        expenditure_post(books, budget_line=books["speaker"].pk, amount="2.250.000",
                         session=books["session"].pk, description=paid.description,
                         receipt_number=paid.receipt_number,
                         spent_on="2024-05-01", reason="PPh 21 dipotong"),
        follow=True,
    )  # fmt: skip

    assert messages_of(response) == ["Koreksi belanja tersimpan; nilai lamanya ada di riwayat."]
    body = text_of(response)
    assert "Koreksi: PPh 21 dipotong" in body
    assert "jumlah (Rp): Rp 2.500.000 → Rp 2.250.000" in body
    paid.refresh_from_db()
    assert paid.amount == 2_250_000


def test_a_correction_without_a_reason_is_refused(client_for, books):
    response = client_for("staf").post(
        reverse("coaching:expenditure_edit", args=[books["paid"].pk]),
        expenditure_post(books, budget_line=books["speaker"].pk, amount="1", reason=""),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Bidang ini tidak boleh kosong."]
    books["paid"].refresh_from_db()
    assert books["paid"].amount == 2_500_000


def test_an_admin_deletes_spending_with_a_reason_and_it_leaves_the_totals(client_for, books):
    client = client_for("admin")
    programme = books["programme"]

    confirm = client.get(reverse("coaching:expenditure_delete", args=[books["paid"].pk]))
    refused = client.post(reverse("coaching:expenditure_delete", args=[books["paid"].pk]), {"reason": ""})
    response = client.post(
        reverse("coaching:expenditure_delete", args=[books["paid"].pk]),
        {"reason": "Tercatat dua kali"},
        follow=True,
    )

    assert "Hapus belanja “Honor narasumber kelas pemasaran”?" in text_of(confirm)
    assert refused.context["form"].errors["reason"] == ["Bidang ini tidak boleh kosong."]
    assert response.redirect_chain[-1][0] == reverse("coaching:expenditure_list", args=[programme.pk])
    assert response.context["total"] == 4_200_000
    assert (
        Expenditure.history.filter(history_type="-").get().history_change_reason
        == "Dihapus: Tercatat dua kali"
    )
    # The list keeps a record of what was deleted, by whom and why.
    assert "Honor narasumber kelas pemasaran · Rp 2.500.000" in text_of(response)
    assert "oleh Admin — Dihapus: Tercatat dua kali" in text_of(response)


# --- the spending list ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "descriptions", "total"),
    [
        ("", ["Konsumsi fasilitasi NIB Karanggayam", "Honor narasumber kelas pemasaran",
              "Konsumsi klinik UMKM"], 6_700_000),
        ("triwulan=1", ["Konsumsi klinik UMKM"], 1_200_000),
        ("triwulan=2", ["Konsumsi fasilitasi NIB Karanggayam", "Honor narasumber kelas pemasaran"],
         5_500_000),
        ("no_receipt=on", ["Konsumsi klinik UMKM"], 1_200_000),
        ("q=0101", ["Honor narasumber kelas pemasaran"], 2_500_000),
        ("category=narasumber", ["Honor narasumber kelas pemasaran"], 2_500_000),
        ("spent_from=2024-05-01&spent_to=2024-05-31", ["Honor narasumber kelas pemasaran"], 2_500_000),
    ],
    ids=["all", "first-quarter", "second-quarter", "without-receipt", "receipt-number", "category", "dates"],
)  # fmt: skip
def test_the_spending_list_filters_and_totals_what_it_shows(client_for, books, query, descriptions, total):
    response = client_for("pimpinan").get(
        f"{reverse('coaching:expenditure_list', args=[books['programme'].pk])}?{query}"
    )

    assert [e.description for e in response.context["page"].object_list] == descriptions
    assert response.context["total"] == total


def test_the_spending_list_filters_by_line(client_for, books):
    url = reverse("coaching:expenditure_list", args=[books["programme"].pk])

    response = client_for("staf").get(f"{url}?mata_anggaran={books['meals'].pk}")

    assert response.context["total"] == 4_200_000
    assert response.context["page"].paginator.count == 2


# --- realisation -------------------------------------------------------------------------------


def test_the_realisation_page_shows_the_quarter_asked_for(client_for, books):
    url = reverse("coaching:realisation", args=[books["programme"].pk])

    response = client_for("pimpinan").get(f"{url}?triwulan=2")

    realisation = response.context["realisation"]
    assert realisation.quarter == 2
    assert (realisation.total.spent_quarter, realisation.total.spent_to_date) == (5_500_000, 6_700_000)
    body = text_of(response)
    assert "Triwulan II: 1 April 2024 – 30 Juni 2024" in body
    assert "Rp 6.700.000" in body
    # The 2024 programme is over: all of its time has passed, and 0,5 % is spent.
    assert "Tertinggal dari waktu" in body


@pytest.mark.parametrize("value", ["5", "x", ""])
def test_a_quarter_that_does_not_exist_opens_the_default_one(client_for, books, value):
    url = reverse("coaching:realisation", args=[books["programme"].pk])

    response = client_for("staf").get(f"{url}?triwulan={value}")

    # The 2024 programme is over, so the page opens on its last quarter.
    assert response.context["realisation"].quarter == 4


def test_the_programme_page_shows_the_budget_to_those_who_may_see_money(client_for, books):
    url = books["programme"].get_absolute_url()

    pimpinan = client_for("pimpinan").get(url)
    pendamping = client_for("pendamping").get(url)

    assert pimpinan.context["pace"].spent == 6_700_000
    assert "Realisasi per triwulan" in text_of(pimpinan)
    assert pendamping.context["pace"] is None
    assert "Realisasi per triwulan" not in text_of(pendamping)


def test_the_ceiling_cannot_be_edited_below_the_lines(client_for, books):
    programme = books["programme"]

    response = client_for("staf").post(
        reverse("coaching:programme_edit", args=[programme.pk]),
        {"year": "2024", "name": programme.name, "budget_ceiling": "399.999.999", "naik_kelas_target": "170",
         "starts_on": "2024-01-01", "ends_on": "2024-12-31", "min_new_indicators": "2",
         "turnover_growth_percent": "20"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors["budget_ceiling"] == [
        "Pagu tidak bisa di bawah jumlah pagu mata anggaran (Rp 400.000.000); "
        "kurangi dulu pagu mata anggarannya."
    ]
    programme.refresh_from_db()
    assert programme.budget_ceiling == 1_200_000_000


def test_clearing_the_spending_filter_leads_back_to_the_whole_list(client_for, books):
    url = reverse("coaching:expenditure_list", args=[books["programme"].pk])

    response = client_for("staf").get(f"{url}?triwulan=2&no_receipt=on")

    assert f'href="{url}">Hapus saringan</a>' in text_of(response)
