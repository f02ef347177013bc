"""SIPD codes and e-Monev: the shape checks on a budget line's sub-kegiatan and account code, who may keep
a sub-kegiatan and its output, the realisation page grouped by sub-kegiatan, and the workbook's Monev
sheet agreeing with that page to the rupiah."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from coaching import reports, selectors
from coaching.forms import BudgetLineForm, SubActivityForm
from coaching.models import BudgetLine, SubActivity
from coaching.reports.monev import MONEV_HEADER
from tests.factories import ProgrammeFactory
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

HEADER = reports.HEADER_ROW + 1  # the first table's header row, counted from 1 as openpyxl does
DEVELOPMENT = "2.17.08.2.01.0002"
LICENSING = "2.17.07.2.01.0003"
SEVEN_SHEETS = ["Ringkasan", "Sesi", "Per Kecamatan", "Peserta", "Anggaran", "Belanja", "Registri"]


@pytest.fixture
def world(users) -> World:
    """Two sub-kegiatan of the 2024 programme, four lines (one without codes) and spending around Q2."""
    world = build_world(users)
    development = world.add_sub_activity(output_target=170, output_realised=51)
    licensing = world.add_sub_activity(
        code=LICENSING,
        name="Fasilitasi Kemudahan Perizinan Usaha Mikro",
        output_indicator="Jumlah Usaha Mikro yang Telah Mendapatkan Perizinan",
        output_target=40,
        output_realised=10,
    )
    speakers = world.budget_line(
        category=BudgetLine.Category.SPEAKER_FEES, name="Honorarium narasumber",
        sub_activity=development, account_code="5.1.02.02.01.0003",
    )  # fmt: skip
    meals = world.budget_line(
        name="Konsumsi kelas kelompok", sub_activity=development, account_code="5.1.02.01.01.0052"
    )
    certificates = world.budget_line(
        category=BudgetLine.Category.CERTIFICATION, name="Sertifikasi halal dan PIRT", sub_activity=licensing
    )
    unfilled = world.budget_line(category=BudgetLine.Category.OTHER, name="ATK dan pelaporan")
    staf = users["staf"]
    for line, day, amount in [
        (speakers, datetime.date(2024, 5, 2), 2_400_000),
        (meals, datetime.date(2024, 4, 10), 987_500),
        (meals, datetime.date(2024, 7, 1), 1_000_000),  # after the second quarter
        (certificates, datetime.date(2024, 6, 30), 3_250_000),
        (unfilled, datetime.date(2024, 3, 5), 312_750),
    ]:
        world.spend(line, spent_on=day, amount=amount, recorded_by=staf)
    world.name(development=development, licensing=licensing, meals=meals, unfilled=unfilled)
    return world


def line_post(**changes) -> dict:
    return {
        "category": "transport",
        "name": "Transport pendamping",
        "sub_activity": "",
        "account_code": "5.1.02.04.01.0001",
        "allocation": "10.000.000",
        **changes,
    }


def sub_activity_post(sub_activity: SubActivity | None = None, **changes) -> dict:
    fields = ["code", "name", "output_indicator", "output_unit", "output_target", "output_realised"]
    current = {name: getattr(sub_activity, name) for name in fields} if sub_activity else {}
    return {**current, **changes}


# --- the shape of the codes ----------------------------------------------------------------------

BAD_ACCOUNT_CODES = [
    "5.1.02.1.1.1",  # digits missing
    "5.2.02.01.01.0001",  # belanja modal, not barang dan jasa
    "5.1.02.01.01.005",  # one digit short
    "5-1-02-01-01-0052",
    "٥.١.٠٢.٠١.٠١.٠٠٥٢",  # Arabic-Indic digits, which \d would take
    "5.1.02.01.01.005\n",
    '=HYPERLINK("x")',
]
BAD_SUB_ACTIVITY_CODES = ["2.17.08.2.01", "2.17.8.2.1.2", "2.17.08.2.01.002", "2000.17.08.2.01", "x" * 17]
LONG_CODES = ["5.1.02.01.01.00521", "2.17.08.2.01.0002.1", "5.1.02.01.01.0052\n5"]


@pytest.mark.parametrize("code", BAD_ACCOUNT_CODES)
def test_an_account_code_of_another_shape_is_refused_in_indonesian(world, code):
    form = BudgetLineForm(line_post(account_code=code), programme=world.programme)

    assert not form.is_valid()
    assert form.errors["account_code"] == [
        "Kode rekening harus berbentuk 5.1.02.xx.xx.xxxx, misalnya 5.1.02.01.01.0052."
    ]


@pytest.mark.parametrize("code", BAD_SUB_ACTIVITY_CODES)
def test_a_sub_kegiatan_code_of_another_shape_is_refused_in_indonesian(world, code):
    form = SubActivityForm(sub_activity_post(code=code, name="Sub kegiatan"), programme=world.programme)

    assert not form.is_valid()
    assert form.errors["code"] == ["Kode sub kegiatan harus berbentuk 2.17.08.2.01.0002 (angka dan titik)."]


@pytest.mark.parametrize("code", LONG_CODES)
def test_a_code_longer_than_any_code_is_refused_before_its_shape_is_read(world, code):
    line = BudgetLineForm(line_post(account_code=code), programme=world.programme)
    sub_activity = SubActivityForm(sub_activity_post(code=code, name="Sub"), programme=world.programme)

    for form, field in ((line, "account_code"), (sub_activity, "code")):
        assert not form.is_valid()
        assert form.errors[field][0].startswith("Pastikan nilai ini mengandung paling banyak 17 karakter")


@pytest.mark.parametrize("code", ["5.1.02.01.01.0052", ""])
def test_a_line_takes_a_well_shaped_account_code_or_none_yet(world, code):
    form = BudgetLineForm(
        line_post(account_code=code, sub_activity=str(world.development.pk)), programme=world.programme
    )

    assert form.is_valid(), form.errors


def test_a_sub_kegiatan_of_another_programme_is_no_choice(world):
    other = ProgrammeFactory(year=2025, name="Program 2025")
    theirs = SubActivity.objects.create(programme=other, code=DEVELOPMENT, name="Pengembangan Usaha Mikro")

    form = BudgetLineForm(line_post(sub_activity=str(theirs.pk)), programme=world.programme)

    assert not form.is_valid()
    assert "sub_activity" in form.errors


@pytest.mark.parametrize(
    "changes",
    [
        {"account_code": "5.1.02.01.01.0052\x00"},
        {"account_code": "9" * 10_000},
        {"sub_activity": "99999999999999999999999"},
        {"sub_activity": "-1"},
        {"sub_activity": ["1", "x"]},
    ],
)
def test_hostile_codes_from_staf_give_a_form_error_and_save_nothing(world, client_for, changes):
    before = BudgetLine.objects.count()

    response = client_for("staf").post(
        reverse("coaching:budget_line_create", args=[world.programme.pk]), line_post(**changes)
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert BudgetLine.objects.count() == before


@pytest.mark.parametrize("code", ["2.17.08.2.01.0002\x00", "2" * 5_000, "' OR 1=1 --"])
def test_hostile_sub_kegiatan_codes_give_a_form_error_and_save_nothing(world, client_for, code):
    response = client_for("staf").post(
        reverse("coaching:sub_activity_create", args=[world.programme.pk]),
        sub_activity_post(code=code, name="Sub kegiatan", output_target="1", output_realised="0"),
    )

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert SubActivity.objects.count() == 2


def test_a_code_used_twice_in_a_programme_is_refused(world, client_for):
    response = client_for("staf").post(
        reverse("coaching:sub_activity_create", args=[world.programme.pk]),
        sub_activity_post(code=DEVELOPMENT, name="Lagi", output_target="1", output_realised="0"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert SubActivity.objects.filter(code=DEVELOPMENT).count() == 1


# --- who may see and keep the sub-kegiatan --------------------------------------------------------


# The sub-kegiatan pages, each checked for every role below (the coaching access tables count them).
URL_NAMES = {"sub_activity_list", "sub_activity_create", "sub_activity_edit"}


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", (200, 200, 200)),
        ("staf", (200, 200, 200)),
        ("pendamping", (403, 403, 403)),
        ("pimpinan", (200, 403, 403)),
    ],
)
def test_each_role_gets_the_sub_kegiatan_pages_its_rights_allow(world, client_for, role, expected):
    client = client_for(role)
    urls = [
        reverse("coaching:sub_activity_list", args=[world.programme.pk]),
        reverse("coaching:sub_activity_create", args=[world.programme.pk]),
        reverse("coaching:sub_activity_edit", args=[world.development.pk]),
    ]

    assert tuple(client.get(url).status_code for url in urls) == expected


def test_anonymous_is_sent_to_log_in(world):
    url = reverse("coaching:sub_activity_list", args=[world.programme.pk])

    response = Client().get(url)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_shows_each_sub_kegiatan_with_its_output_and_the_pagu_of_its_lines(world, client_for):
    response = client_for("pimpinan").get(reverse("coaching:sub_activity_list", args=[world.programme.pk]))

    rows = {sub.code: sub for sub in response.context["sub_activities"]}
    assert list(rows) == [LICENSING, DEVELOPMENT]
    assert (rows[DEVELOPMENT].allocation, rows[DEVELOPMENT].line_count) == (200_000_000, 2)
    text = response.content.decode()
    assert "Jumlah Usaha Mikro yang Terfasilitasi" in text and "30,0 %" in text  # 51 of 170


def test_staf_create_a_sub_kegiatan(world, client_for, staf):
    response = client_for("staf").post(
        reverse("coaching:sub_activity_create", args=[world.programme.pk]),
        sub_activity_post(
            code="2.17.07.2.01.0004",
            name="Pemberdayaan Kelembagaan Potensi dan Pengembangan Usaha Mikro",
            output_indicator="Jumlah Unit Usaha yang Telah Menerima Pembinaan dan Pendampingan",
            output_unit="unit usaha",
            output_target="9",
            output_realised="0",
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("coaching:sub_activity_list", args=[world.programme.pk])
    made = SubActivity.objects.get(code="2.17.07.2.01.0004")
    assert (made.programme, made.output_target) == (world.programme, 9)
    assert made.history.get().history_user == staf


def test_staf_enter_the_realised_output_and_the_old_value_stays_in_its_history(world, client_for, staf):
    sub_activity = world.development

    response = client_for("staf").post(
        reverse("coaching:sub_activity_edit", args=[sub_activity.pk]),
        sub_activity_post(sub_activity, output_realised="64"),
    )

    assert response.status_code == 302
    sub_activity.refresh_from_db()
    assert sub_activity.output_realised == 64
    latest, earlier = sub_activity.history.order_by("-history_date", "-history_id")[:2]
    assert (earlier.output_realised, latest.output_realised) == (51, 64)
    assert (latest.history_user, latest.history_change_reason) == (staf, "Sub kegiatan diubah")


@pytest.mark.parametrize("role", ["pendamping", "pimpinan"])
def test_who_only_reads_may_not_change_the_output(world, client_for, role):
    sub_activity = world.development

    response = client_for(role).post(
        reverse("coaching:sub_activity_edit", args=[sub_activity.pk]),
        sub_activity_post(sub_activity, output_realised="170"),
    )

    assert response.status_code == 403
    sub_activity.refresh_from_db()
    assert sub_activity.output_realised == 51


def test_staf_put_a_line_without_codes_under_a_sub_kegiatan_with_its_account(world, client_for, staf):
    line = world.unfilled

    response = client_for("staf").post(
        reverse("coaching:budget_line_edit", args=[line.pk]),
        line_post(
            category=line.category,
            name=line.name,
            sub_activity=str(world.development.pk),
            account_code="5.1.02.01.01.0024",
            allocation="100.000.000",
            plan_q1="25.000.000",
            plan_q2="25.000.000",
            plan_q3="25.000.000",
            plan_q4="25.000.000",
        ),  # fmt: skip
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.sub_activity, line.account_code) == (world.development, "5.1.02.01.01.0024")
    assert line.history.order_by("-history_id").first().history_user == staf


def test_lines_without_codes_stay_valid_and_read_belum_diisi(world, client_for):
    world.unfilled.full_clean()

    response = client_for("staf").get(reverse("coaching:budget", args=[world.programme.pk]))

    assert "rekening belum diisi" in response.content.decode()
    assert "Sub kegiatan belum diisi" in response.content.decode()


# --- realisation and the Monev sheet ----------------------------------------------------------------


def test_realisation_groups_the_lines_by_sub_kegiatan_with_the_unfilled_last(world):
    realisation = selectors.realisation(world.programme, 2, today=datetime.date(2024, 8, 1))

    groups = realisation.sub_activities
    assert [group.code for group in groups] == [LICENSING, DEVELOPMENT, "belum diisi"]
    by_code = {group.code: group for group in groups}
    development = by_code[DEVELOPMENT]
    assert [row.name for row in development.lines] == ["Honorarium narasumber", "Konsumsi kelas kelompok"]
    assert (development.allocation, development.spent_quarter, development.spent_to_date) == (
        200_000_000, 3_387_500, 3_387_500,
    )  # fmt: skip
    assert development.physical_percent == Decimal(30)  # 51 of 170
    assert by_code[LICENSING].physical_percent == Decimal(25)
    assert by_code["belum diisi"].physical_percent is None
    assert sum(group.spent_to_date for group in groups) == realisation.total.spent_to_date == 6_950_250


def test_the_realisation_page_shows_the_monev_table(world, client_for):
    response = client_for("pimpinan").get(
        reverse("coaching:realisation", args=[world.programme.pk]), {"triwulan": "2"}
    )

    text = response.content.decode()
    assert 'id="tabel-monev"' in text
    assert "Sub kegiatan 2.17.08.2.01.0002 · Pengembangan Usaha Mikro" in text
    assert "Rp 3.387.500" in text and "rekening 5.1.02.01.01.0052" in text
    assert "Mata anggaran tanpa sub kegiatan" in text


def monev_table(content: bytes) -> tuple[openpyxl.Workbook, list[str], list[list], list]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Monev"]
    header = [cell.value for cell in sheet[HEADER] if cell.value is not None]
    rows, totals = [], None
    for row in sheet.iter_rows(min_row=HEADER + 1):
        if row[0].value == "Jumlah":
            totals = [cell.value for cell in row]
            break
        rows.append(row)
    return workbook, header, rows, totals


def test_the_monev_sheet_follows_the_seven_and_matches_the_realisation_page_to_the_rupiah(world, client_for):
    client = client_for("pimpinan")
    page = client.get(reverse("coaching:realisation", args=[world.programme.pk]), {"triwulan": "2"})
    download = client.get(reverse("coaching:quarterly_report", args=[world.programme.pk]), {"triwulan": "2"})

    workbook, header, rows, totals = monev_table(download.content)
    assert workbook.sheetnames == [*SEVEN_SHEETS, "Monev"]
    assert header == MONEV_HEADER
    groups = page.context["realisation"].sub_activities
    assert [[cell.value for cell in row[1:6]] for row in rows] == [
        [group.code, group.name, group.allocation, group.spent_to_date, float(group.percent) / 100]
        for group in groups
    ]
    development = next(row for row in rows if row[1].value == DEVELOPMENT)
    assert [cell.value for cell in development[6:11]] == [
        "Jumlah Usaha Mikro yang Terfasilitasi", 170, "usaha", 51, 0.3,
    ]  # fmt: skip
    assert development[1].data_type == "s"  # the code is text, never a number
    total = page.context["realisation"].total
    assert totals[3:5] == [total.allocation, total.spent_to_date] == [400_000_000, 6_950_250]


def test_the_monev_sheet_lists_each_line_under_its_sub_kegiatan_with_its_account(world):
    content = reports.quarterly_workbook(world.programme, 2, show_nik=False)

    sheet = openpyxl.load_workbook(io.BytesIO(content))["Monev"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    heading = next(index for index, row in enumerate(values) if row[1] == "Mata anggaran per sub kegiatan")
    lines = [row[1:5] for row in values[heading + 2 : heading + 6]]
    assert lines == [
        [LICENSING, "belum diisi", "Sertifikasi halal dan PIRT", 100_000_000],
        [DEVELOPMENT, "5.1.02.02.01.0003", "Honorarium narasumber", 100_000_000],
        [DEVELOPMENT, "5.1.02.01.01.0052", "Konsumsi kelas kelompok", 100_000_000],
        ["belum diisi", "belum diisi", "ATK dan pelaporan", 100_000_000],
    ]


@pytest.mark.parametrize("n", [1, 8])
def test_the_realisation_page_keeps_its_ten_queries_with_sub_kegiatan(
    users, client_for, django_assert_max_num_queries, n
):
    world = build_world(users)
    for number in range(n):
        sub_activity = world.add_sub_activity(code=f"2.17.08.2.01.{number + 1:04d}", name=f"Sub {number}")
        line = world.budget_line(
            name=f"Mata anggaran {number}", sub_activity=sub_activity, allocation=1_000_000,
            plan_q1=250_000, plan_q2=250_000, plan_q3=250_000, plan_q4=250_000,
        )  # fmt: skip
        world.spend(line, amount=100_000, recorded_by=users["staf"])
    client = client_for("pimpinan")
    url = reverse("coaching:realisation", args=[world.programme.pk])

    # The pin of tests/coaching/test_query_counts.py: 1–4 session, user and permissions, 5 the programme,
    # 6 the lines with their sub-kegiatan joined and spending summed, 7 spending per quarter, 8 sessions,
    # 9 the kecamatan plan, 10 verified enrolments.
    with django_assert_max_num_queries(10):
        response = client.get(url, {"triwulan": "2"})

    assert len(response.context["realisation"].sub_activities) == n
