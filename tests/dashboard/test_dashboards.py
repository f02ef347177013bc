"""The home dashboard, the coverage page and a kecamatan's page: figures, links, rights and query counts."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from coaching import selectors
from coaching.models import Attendance, CoachingSession, Enrolment, KecamatanPlan, Programme
from registry.models import Desa, Kecamatan, Sector
from tests.factories import (
    BudgetLineFactory,
    BusinessFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    ExpenditureFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staf", "pendamping", "pimpinan"]


@dataclass
class Data:
    programme: Programme
    srengat: Kecamatan
    wates: Kecamatan


def make_data(n: int, recorder) -> Data:
    """A 2024 programme planning 4 sessions in each of the 22 kecamatan, with n of everything.

    Srengat gets n sessions (all attended by every member there), Wates one, the rest none. The cohort:
    n members in Srengat, one in Wates, one withdrawn; n - 1 of them verified naik kelas, month by month.
    """
    programme = ProgrammeFactory()
    KecamatanPlan.objects.bulk_create(
        KecamatanPlan(programme=programme, kecamatan=kecamatan, planned_sessions=4)
        for kecamatan in Kecamatan.objects.all()
    )
    srengat = Kecamatan.objects.get(name="Srengat")
    wates = Kecamatan.objects.get(name="Wates")
    sectors = list(Sector.objects.order_by("order"))
    members = []
    for number in range(n):
        enrolment = EnrolmentFactory(programme=programme, business__sector=sectors[number % 3])
        if number < n - 1:
            enrolment.status = Enrolment.Status.NAIK_KELAS
            enrolment.verified_on = datetime.date(2024, 3 + number % 9, 10)
            enrolment.save()
        members.append(enrolment)
    in_wates = EnrolmentFactory(
        programme=programme, business__desa=Desa.objects.filter(kecamatan=wates).order_by("code").first()
    )
    EnrolmentFactory(programme=programme, status=Enrolment.Status.WITHDRAWN, withdrawal_reason="Pindah")
    line = BudgetLineFactory(programme=programme)
    for number in range(n):
        session = CoachingSessionFactory(
            programme=programme,
            kecamatan=srengat,
            held_on=datetime.date(2024, 3, 1) + datetime.timedelta(days=7 * number),
            recorded_by=recorder,
        )
        Attendance.objects.bulk_create(
            Attendance(session=session, business=member.business, enrolment=member, recorded_by=recorder)
            for member in members
        )
        ExpenditureFactory(budget_line=line, session=session, amount=500_000, recorded_by=recorder)
    wates_session = CoachingSessionFactory(programme=programme, kecamatan=wates, recorded_by=recorder)
    Attendance.objects.create(
        session=wates_session, business=in_wates.business, enrolment=in_wates, recorded_by=recorder
    )
    ExpenditureFactory(
        budget_line=line, spent_on=datetime.date(2024, 8, 1), amount=2_000_000, recorded_by=recorder
    )
    return Data(programme, srengat, wates)


def list_count(client, url) -> int:
    """How many rows the list behind a link says it holds."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


# --- the figures -------------------------------------------------------------------------------


def test_coverage_lists_every_kecamatan_worst_served_first(staf):
    data = make_data(3, staf)
    rows = selectors.coverage(data.programme)
    assert len(rows) == 22
    by_name = {row.kecamatan.name: row for row in rows}
    assert (by_name["Srengat"].held, by_name["Srengat"].planned) == (3, 4)
    assert by_name["Srengat"].attendances == 9  # three members at three sessions
    assert by_name["Srengat"].businesses == 3
    assert by_name["Srengat"].cohort == 3  # the withdrawn business (also in Srengat) left out
    assert (by_name["Wates"].held, by_name["Wates"].cohort, by_name["Wates"].attendances) == (1, 1, 1)
    # Nothing held (0 %) first, then Wates at 25 %, Srengat at 75 % last.
    assert [row.kecamatan.name for row in rows[-2:]] == ["Wates", "Srengat"]
    assert all(row.held == 0 for row in rows[:-2])
    totals = selectors.coverage_totals(rows)
    assert (totals.planned, totals.held, totals.reached, totals.cohort) == (88, 4, 2, 4)


def test_a_kecamatan_without_a_plan_comes_after_every_planned_one(staf):
    data = make_data(2, staf)
    KecamatanPlan.objects.filter(programme=data.programme, kecamatan=data.wates).delete()
    rows = selectors.coverage(data.programme)
    assert rows[-1].kecamatan == data.wates
    assert rows[-1].share is None


def test_verified_by_month_is_cumulative_against_a_straight_line_to_the_target(staf):
    data = make_data(4, staf)  # three verified: 10 March, 10 April, 10 May 2024
    months = selectors.verified_by_month(data.programme, today=datetime.date(2024, 6, 15))
    assert [figure.month.month for figure in months] == list(range(1, 13))
    assert [figure.verified for figure in months[:6]] == [0, 0, 1, 2, 3, 3]
    assert all(figure.verified is None for figure in months[6:])  # July onwards is still to come
    assert [figure.target_line for figure in months][::3] == [14, 57, 99, 142]  # 170 × 1/12, 4/12…
    assert months[-1].target_line == 170


def test_cohort_by_sector_leaves_out_the_withdrawn(staf):
    data = make_data(4, staf)
    rows = selectors.cohort_by_sector(data.programme)
    assert sum(row["members"] for row in rows) == 5
    assert rows[0]["members"] >= rows[-1]["members"]


# --- the pages agree with each other and with the lists they link to ---------------------------


def test_dashboard_coverage_and_lists_give_the_same_figures(client_for, staf):
    client = client_for("pimpinan")
    data = make_data(5, staf)
    programme = data.programme
    home = client.get(reverse("home"), {"program": programme.pk})
    coverage = client.get(reverse("coverage"), {"program": programme.pk})
    physical = home.context["physical"]
    totals = coverage.context["totals"]

    assert physical.sessions == totals.held == 6
    assert home.context["totals"].reached == totals.reached == 2
    assert physical.verified == 4
    cohort_url = reverse("coaching:cohort", args=[programme.pk])
    sessions_url = reverse("coaching:session_list")
    assert list_count(client, f"{cohort_url}?status=naik_kelas") == physical.verified
    assert list_count(client, f"{sessions_url}?program={programme.pk}") == physical.sessions
    assert list_count(client, f"{cohort_url}?status=binaan") == totals.cohort == 6

    # Each kecamatan: the map's value, the coverage row, the kecamatan page and the session list.
    shapes = {shape.code: shape for shape in home.context["map"].shapes}
    for row in coverage.context["rows"]:
        code = row.kecamatan.code
        assert shapes[code].value == row.held
        assert (
            shapes[code].url
            == f"{reverse('kecamatan_detail', args=[row.kecamatan.pk])}?program={programme.pk}"
        )
    for kecamatan, held, cohort in ((data.srengat, 5, 5), (data.wates, 1, 1)):
        page = client.get(reverse("kecamatan_detail", args=[kecamatan.pk]), {"program": programme.pk})
        assert page.context["coverage"].held == held
        assert len(page.context["sessions"]) == held
        assert len(page.context["members"]) == cohort
        url = f"{sessions_url}?program={programme.pk}&kecamatan={kecamatan.pk}"
        assert list_count(client, url) == held
        assert list_count(client, f"{cohort_url}?status=binaan&kecamatan={kecamatan.pk}") == cohort

    # Every chart label links to a list that holds exactly the figure charted.
    charts = home.context["charts"]
    for label, link, values in charts["sectors"].rows:
        assert list_count(client, link) == values[0], label
    for label, link, values in charts["kecamatan"].rows:
        assert list_count(client, link) == values[0], label
    verified = charts["verified"].rows
    assert [list_count(client, link) for _, link, _ in verified] == [values[0] for _, _, values in verified]
    spending = charts["spending"].rows
    for label, link, values in spending:
        listed = client.get(link)
        assert listed.context["total"] == values[1], label  # realised in the quarter
    assert sum(values[1] for _, _, values in spending) == 4_500_000


def test_the_dashboard_shows_its_figures_in_the_page(client_for, staf):
    client = client_for("pimpinan")
    data = make_data(5, staf)
    html = client.get(reverse("home"), {"program": data.programme.pk}).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Naik kelas terverifikasi / target 4 / 170" in text
    assert "Sesi terlaksana / rencana 6 / 88" in text
    assert "Kecamatan terjangkau 2 / 22" in text
    assert "Rp 4.500.000 dari pagu Rp 1.200.000.000" in text
    assert 'src="/static/vendor/chartjs/chart.umd.js"' in html
    assert "cdn" not in html.lower()


def test_the_dashboard_opens_on_the_current_programme_and_switches_on_request(client_for, staf):
    client = client_for("staf")
    old = make_data(2, staf).programme
    current = ProgrammeFactory(year=2026, name="Program 2026", starts_on=datetime.date(2026, 1, 1),
                               ends_on=datetime.date(2026, 12, 31))  # fmt: skip
    assert client.get(reverse("home")).context["programme"] == current
    assert client.get(reverse("home"), {"program": old.pk}).context["programme"] == old
    assert client.get(reverse("home"), {"program": "abc"}).status_code == 404
    assert client.get(reverse("home"), {"program": 99999}).status_code == 404
    assert client.get(reverse("coverage"), {"program": old.pk}).context["programme"] == old


def test_the_dashboard_without_any_programme_shows_the_registry(client_for):
    BusinessFactory()
    response = client_for("pimpinan").get(reverse("home"))
    assert response.status_code == 200
    assert response.context["programme"] is None
    assert "realisation" not in response.context
    assert response.context["summary"]["total"] == 1
    coverage = client_for("pimpinan").get(reverse("coverage"))
    assert "Belum ada program pendampingan" in coverage.content.decode()


def test_the_kecamatan_page_lists_its_desa_registry_members_sessions_and_spending(client_for, staf):
    client = client_for("staf")
    data = make_data(3, staf)
    response = client.get(reverse("kecamatan_detail", args=[data.srengat.pk]), {"program": data.programme.pk})
    context = response.context
    assert [desa.name for desa in context["desa_rows"]] == list(
        Desa.objects.filter(kecamatan=data.srengat).order_by("name").values_list("name", flat=True)
    )
    karanggayam = next(desa for desa in context["desa_rows"] if desa.name == "Karanggayam")
    assert karanggayam.registered == 4  # three members and the withdrawn one; the fifth is in Wates
    assert context["registry_total"] == 4 == sum(row.total for row in context["sector_rows"])
    list_url = reverse("registry:business_list")
    for row in context["sector_rows"]:
        base = f"{list_url}?kecamatan={data.srengat.pk}&sector={row.sector.pk}"
        assert list_count(client, base) == row.total, row.sector
        for size_class, figure in (("mikro", row.mikro), ("kecil", row.kecil), ("belum", row.unknown)):
            assert list_count(client, f"{base}&size_class={size_class}") == figure, (row.sector, size_class)
    assert context["spending_total"] == 1_500_000  # three sessions at Rp 500.000; not the Rp 2 juta
    assert "Rp 1.500.000" in response.content.decode()
    desa_link = f"{list_url}?kecamatan={data.srengat.pk}&amp;desa={karanggayam.pk}"
    assert desa_link in response.content.decode()
    assert list_count(client, desa_link.replace("&amp;", "&")) == 4


# --- rights ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_dashboards(client_for, staf, role):
    data = make_data(2, staf)
    client = client_for(role)
    for url in (
        reverse("home"),
        reverse("coverage"),
        reverse("kecamatan_detail", args=[data.srengat.pk]),
    ):
        assert client.get(url, {"program": data.programme.pk}).status_code == 200, url


@pytest.mark.parametrize("name", ["home", "coverage", "kecamatan_detail"])
def test_anonymous_is_sent_to_log_in(client, name):
    args = [Kecamatan.objects.first().pk] if name == "kecamatan_detail" else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role, sees_money", [("pendamping", False), ("pimpinan", True), ("staf", True)])
def test_only_roles_with_budget_rights_see_money_on_the_dashboards(client_for, staf, role, sees_money):
    data = make_data(2, staf)
    client = client_for(role)
    home = client.get(reverse("home"), {"program": data.programme.pk})
    kecamatan = client.get(
        reverse("kecamatan_detail", args=[data.srengat.pk]), {"program": data.programme.pk}
    )
    assert ("spending" in home.context["charts"]) is sees_money
    assert ("Anggaran terserap" in home.content.decode()) is sees_money
    assert ("spending" in kecamatan.context) is sees_money
    assert ("Rp 1.000.000" in kecamatan.content.decode()) is sees_money


def test_the_kecamatan_page_of_an_unknown_kecamatan_is_not_found(client_for):
    assert client_for("pimpinan").get(reverse("kecamatan_detail", args=[99999])).status_code == 404


# --- query counts ------------------------------------------------------------------------------

# Every page starts with 1 the session, 2 the user, 3 the user's and their groups' permissions (one
# query: umkm_blitar/auth.py).
HOME_QUERIES = (
    3
    + 1  # the programmes to choose from (the one running today among them)
    + 1  # the registry summary
    + 5  # the realisation: lines, spending by quarter, sessions, plans, verified
    + 1  # coverage: every kecamatan with its plan, sessions, attendances and cohort
    + 1  # candidates waiting for verification: one count (the verdict is stored on the enrolment)
    + 1  # verified naik kelas by month
    + 1  # cohort by sector
)
COVERAGE_QUERIES = 3 + 1 + 1  # …, the programmes to choose from, coverage
KECAMATAN_QUERIES = (
    3
    + 1  # the kecamatan
    + 1  # the programmes to choose from
    + 2  # registry by sector and class: the counts and the sectors
    + 1  # coverage (for this kecamatan's row)
    + 1  # the cohort members there, each with whether a baseline is recorded
    + 1  # spending total
    + 1  # the desa with their registry counts
    + 2  # the sessions held there and their topics
    + 1  # the spending entries
)


@pytest.mark.parametrize("n", [2, 12])
def test_dashboard_pages_run_a_fixed_number_of_queries(client_for, staf, django_assert_num_queries, n):
    data = make_data(n, staf)
    client = client_for("pimpinan")
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200
    with django_assert_num_queries(COVERAGE_QUERIES):
        assert client.get(reverse("coverage")).status_code == 200
    with django_assert_num_queries(KECAMATAN_QUERIES):
        url = reverse("kecamatan_detail", args=[data.srengat.pk])
        assert client.get(url).status_code == 200
    assert CoachingSession.objects.count() == n + 1
