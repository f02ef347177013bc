"""The "data to fix" page: five lists of what is missing or overdue in a programme, for staf and admin."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching import selectors
from coaching.models import Assessment, Attendance, CoachingSession, Enrolment, KecamatanPlan
from coaching.selectors import fixes
from registry.models import Kecamatan
from tests.factories import (
    AssessmentFactory,
    BudgetLineFactory,
    BusinessFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    ExpenditureFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

# "Today" on every test of this file: 20 August 2024 in Blitar, in Triwulan III of the 2024 programme.
NOW = datetime.datetime(2024, 8, 20, 3, 0, tzinfo=datetime.UTC)  # 10:00 WIB
TODAY = datetime.date(2024, 8, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return TODAY


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def other_programme(db):
    return ProgrammeFactory(name="Pembinaan UMKM 2024 gelombang kedua")


@pytest.fixture
def staf_client(client_for):
    return client_for("staf")


def kecamatan(name: str) -> Kecamatan:
    return Kecamatan.objects.get(name=name)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def attend(session: CoachingSession, enrolment: Enrolment | None = None, business=None) -> Attendance:
    return Attendance.objects.create(
        session=session,
        business=business or enrolment.business,
        enrolment=enrolment,
        recorded_by=session.recorded_by,
    )


def open_page(client, programme):
    response = client.get(reverse("coaching:data_to_fix", args=[programme.pk]))
    assert response.status_code == 200
    return response


def rows_of(response, name: str) -> list:
    return getattr(response.context["fix"], name).rows


# --- who may open it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("admin", 200), ("staf", 200), ("pendamping", 403), ("pimpinan", 403)],
)
def test_only_staf_and_admin_may_open_the_data_to_fix(client_for, programme, role, status):
    client = Client() if role == "anonymous" else client_for(role)
    url = reverse("coaching:data_to_fix", args=[programme.pk])

    response = client.get(url)

    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("staf", True), ("pendamping", False),
                                             ("pimpinan", False)])  # fmt: skip
def test_the_programme_page_links_to_the_data_to_fix_for_those_who_may_open_it(
    client_for, programme, role, shown
):
    response = client_for(role).get(programme.get_absolute_url())

    link = f'href="{reverse("coaching:data_to_fix", args=[programme.pk])}"'
    assert (link in response.content.decode()) is shown


def test_an_unknown_programme_is_not_found(staf_client):
    assert staf_client.get(reverse("coaching:data_to_fix", args=[999])).status_code == 404


# --- 1. enrolled businesses without a baseline ---------------------------------------------------


def test_cohort_members_without_a_baseline_are_listed_with_a_link_to_record_it(
    staf_client, programme, other_programme, staf
):
    missing = EnrolmentFactory(programme=programme, business__name="Keripik Tempe Bu Sri")
    verified_missing = EnrolmentFactory(
        programme=programme,
        business__name="Gula Kelapa Pak Darto",
        status=Enrolment.Status.NAIK_KELAS,
        verified_on=datetime.date(2024, 7, 1),
    )
    # A follow-up is not a baseline.
    only_follow_up = EnrolmentFactory(programme=programme, business__name="Kopi Bubuk Pak Budi")
    AssessmentFactory(enrolment=only_follow_up, kind=Assessment.Kind.FOLLOW_UP, recorded_by=staf)
    AssessmentFactory(enrolment=EnrolmentFactory(programme=programme), recorded_by=staf)  # has one
    EnrolmentFactory(programme=programme, status=Enrolment.Status.WITHDRAWN)
    EnrolmentFactory(programme=other_programme)

    response = open_page(staf_client, programme)

    assert rows_of(response, "without_baseline") == [verified_missing, missing, only_follow_up]
    assert response.context["fix"].without_baseline.count == 3
    page = response.content.decode()
    for enrolment in (missing, verified_missing, only_follow_up):
        assert f'href="{reverse("coaching:assessment_create", args=[enrolment.pk])}"' in page
        assert f'href="{enrolment.get_absolute_url()}"' in page


# --- 2. sessions without attendance --------------------------------------------------------------


def test_sessions_nobody_attended_are_listed_with_a_link_to_record_who_came(
    staf_client, programme, other_programme
):
    empty = CoachingSessionFactory(programme=programme, held_on=datetime.date(2024, 3, 5))
    later_empty = CoachingSessionFactory(programme=programme, held_on=datetime.date(2024, 7, 9))
    attend(CoachingSessionFactory(programme=programme), EnrolmentFactory(programme=programme))
    # A guest from outside the cohort is an attendance too.
    attend(CoachingSessionFactory(programme=programme), business=BusinessFactory())
    CoachingSessionFactory(programme=other_programme)

    response = open_page(staf_client, programme)

    assert rows_of(response, "sessions_without_attendance") == [later_empty, empty]  # newest first
    page = response.content.decode()
    for session in (empty, later_empty):
        assert f'href="{reverse("coaching:session_add_attendees", args=[session.pk])}"' in page


# --- 3. spending without a receipt number --------------------------------------------------------


def test_spending_without_a_receipt_is_listed_with_a_link_to_correct_it(
    staf_client, programme, other_programme
):
    line = BudgetLineFactory(programme=programme)
    blank = ExpenditureFactory(budget_line=line, receipt_number="", description="Konsumsi kelas Srengat")
    ExpenditureFactory(budget_line=line)  # has its receipt number
    ExpenditureFactory(budget_line=BudgetLineFactory(programme=other_programme), receipt_number="")

    response = open_page(staf_client, programme)

    assert rows_of(response, "spending_without_receipt") == [blank]
    assert f'href="{reverse("coaching:expenditure_edit", args=[blank.pk])}"' in response.content.decode()


def test_the_spending_count_equals_the_spending_list_filtered_without_receipt(
    staf_client, programme, other_programme
):
    line = BudgetLineFactory(programme=programme)
    for number in range(4):
        ExpenditureFactory(budget_line=line, receipt_number="" if number % 2 else f"SPJ/{number}")
    ExpenditureFactory(budget_line=line, receipt_number="")
    ExpenditureFactory(budget_line=BudgetLineFactory(programme=other_programme), receipt_number="")

    response = open_page(staf_client, programme)
    link = re.search(r'href="([^"]*)" id="daftar-belanja-tanpa-kuitansi"', response.content.decode())[1]
    spending_list = staf_client.get(link)

    assert link == f"{reverse('coaching:expenditure_list', args=[programme.pk])}?no_receipt=on"
    assert spending_list.context["filter"].form.cleaned_data["no_receipt"] is True
    assert spending_list.context["page"].paginator.count == 3
    assert response.context["fix"].spending_without_receipt.count == 3


# --- 4. enrolled businesses with no session in 60 days ------------------------------------------


def test_cohort_members_not_at_a_session_for_60_days_are_listed_never_visited_first(
    staf_client, programme, other_programme, pendamping
):
    def member(name, **fields):
        return EnrolmentFactory(programme=programme, business__name=name, pendamping=pendamping, **fields)

    def session(days, of=programme):
        return CoachingSessionFactory(programme=of, held_on=days_ago(days))

    recent = member("Wajik Bu Ani")
    attend(session(59), recent)
    on_the_edge = member("Sambal Pecel Bu Ratna")
    attend(session(60), on_the_edge)  # 60 days ago still counts as within the 60 days
    overdue = member("Keripik Tempe Bu Sri")
    attend(session(61), overdue)
    attend(session(100), overdue)
    never = member("Kopi Bubuk Pak Budi")
    verified = member(
        "Gula Kelapa Pak Darto", status=Enrolment.Status.NAIK_KELAS, verified_on=datetime.date(2024, 7, 1)
    )
    attend(session(75), verified)
    # Present as a guest before being enrolled: still a visit.
    guest_first = member("Jenang Pak Didik")
    attend(session(10), business=guest_first.business)
    # A session of another programme does not count for this one.
    elsewhere = member("Opak Gambir Bu Umi")
    EnrolmentFactory(programme=other_programme, business=elsewhere.business)
    attend(session(5, of=other_programme), business=elsewhere.business)
    withdrawn = member("Tahu Takwa Pak Heru", status=Enrolment.Status.WITHDRAWN)
    EnrolmentFactory(programme=other_programme)  # another programme's member, never visited

    response = open_page(staf_client, programme)

    rows = rows_of(response, "not_visited")
    assert rows == [never, elsewhere, verified, overdue]
    assert [row.last_attended_on for row in rows] == [None, None, days_ago(75), days_ago(61)]
    assert withdrawn not in rows and recent not in rows and on_the_edge not in rows
    fix = response.context["fix"]
    assert (fix.visits_counted_to, fix.visits_since) == (TODAY, days_ago(60))
    page = response.content.decode()
    assert "belum pernah" in page and "Bagus" in page  # the pendamping's name
    assert "dihitung mundur dari hari ini, 20 Agustus 2024" in page
    create = reverse("coaching:session_create", args=[programme.pk])
    for enrolment in rows:
        assert f'href="{create}?usaha={enrolment.business_id}"' in page
        assert f'href="{enrolment.get_absolute_url()}"' in page


def test_the_visit_link_opens_a_mentoring_session_with_the_business_ticked(staf_client, programme):
    enrolment = EnrolmentFactory(programme=programme)

    response = staf_client.get(
        f"{reverse('coaching:session_create', args=[programme.pk])}?usaha={enrolment.business_id}"
    )

    assert response.context["form"].initial["attendees"] == [enrolment.business_id]
    assert response.context["form"].initial["kind"] == CoachingSession.Kind.MENTORING


def test_once_the_programme_has_ended_the_60_days_count_back_from_its_last_day(
    client_for, programme, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2025, 3, 1, 3, 0, tzinfo=datetime.UTC))
    # Signed in after the clock moved on, or the session would already have expired.
    staf_client = client_for("staf")
    last_day = programme.ends_on
    visited = EnrolmentFactory(programme=programme)
    attend(
        CoachingSessionFactory(programme=programme, held_on=last_day - datetime.timedelta(days=30)), visited
    )
    overdue = EnrolmentFactory(programme=programme)
    attend(
        CoachingSessionFactory(programme=programme, held_on=last_day - datetime.timedelta(days=61)), overdue
    )

    response = open_page(staf_client, programme)

    fix = response.context["fix"]
    assert fix.has_ended and fix.visits_counted_to == last_day
    assert fix.not_visited.rows == [overdue]
    page = response.content.decode()
    assert (
        "Program sudah selesai, jadi 60 hari dihitung mundur dari hari terakhirnya, 31 Desember 2024" in page
    )


# --- 5. kecamatan with no session this quarter ---------------------------------------------------


def test_kecamatan_without_a_session_this_quarter_are_listed_with_their_plan(
    staf_client, programme, other_programme
):
    srengat, wlingi, kanigoro = kecamatan("Srengat"), kecamatan("Wlingi"), kecamatan("Kanigoro")
    CoachingSessionFactory(programme=programme, kecamatan=srengat, held_on=datetime.date(2024, 7, 1))
    # Only in the previous quarter, or only by another programme: still without a session.
    CoachingSessionFactory(programme=programme, kecamatan=wlingi, held_on=datetime.date(2024, 6, 30))
    CoachingSessionFactory(programme=other_programme, kecamatan=kanigoro, held_on=datetime.date(2024, 8, 1))
    KecamatanPlan.objects.create(programme=programme, kecamatan=wlingi, planned_sessions=6)
    KecamatanPlan.objects.create(programme=programme, kecamatan=srengat, planned_sessions=9)
    KecamatanPlan.objects.create(programme=other_programme, kecamatan=kanigoro, planned_sessions=12)

    response = open_page(staf_client, programme)

    fix = response.context["fix"]
    rows = fix.kecamatan_without_session.rows
    assert fix.kecamatan_without_session.count == 21 == len(rows)  # every kecamatan but Srengat
    assert srengat not in rows
    assert (rows[0], rows[0].planned, rows[0].last_held_on) == (wlingi, 6, datetime.date(2024, 6, 30))
    by_name = {row.name: row for row in rows}
    assert (by_name["Kanigoro"].planned, by_name["Kanigoro"].last_held_on) == (0, None)
    assert (fix.quarter, fix.quarter_starts_on, fix.quarter_ends_on) == (
        3,
        datetime.date(2024, 7, 1),
        datetime.date(2024, 9, 30),
    )
    page = response.content.decode()
    assert "Triwulan III 2024 (1 Juli 2024 – 30 September 2024), triwulan yang sedang berjalan" in page
    assert f'href="{reverse("coaching:session_create", args=[programme.pk])}"' in page
    sessions_there = f"{reverse('coaching:session_list')}?program={programme.pk}&amp;kecamatan={wlingi.pk}"
    assert f'href="{sessions_there}"' in page


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (datetime.date(2023, 11, 2), 1),  # not started yet: its first quarter
        (datetime.date(2024, 4, 1), 2),  # running: the quarter of today
        (datetime.date(2025, 2, 3), 4),  # ended: its last quarter
    ],
)
def test_the_quarter_checked_for_kecamatan_follows_the_programme(programme, day, quarter):
    assert selectors.data_to_fix(programme, today=day).quarter == quarter


def test_a_programme_that_ends_mid_year_is_checked_in_its_last_quarter():
    programme = ProgrammeFactory(starts_on=datetime.date(2024, 2, 1), ends_on=datetime.date(2024, 5, 31))

    fix = selectors.data_to_fix(programme, today=TODAY)

    assert (fix.quarter, fix.quarter_starts_on, fix.quarter_ends_on) == (
        2,
        datetime.date(2024, 4, 1),
        datetime.date(2024, 6, 30),
    )


# --- the page as a whole -------------------------------------------------------------------------


def test_a_clean_programme_shows_every_list_empty(staf_client, programme):
    for kecamatan_row in Kecamatan.objects.all():
        CoachingSessionFactory(programme=programme, kecamatan=kecamatan_row, held_on=TODAY)
    # Every session needs someone present; one business attends them all.
    enrolment = EnrolmentFactory(programme=programme)
    AssessmentFactory(enrolment=enrolment)
    for session in CoachingSession.objects.all():
        attend(session, enrolment)

    response = open_page(staf_client, programme)

    assert response.context["fix"].total == 0
    assert "Semua data sudah beres" in response.content.decode()


def test_the_summary_counts_every_list_and_links_to_it(staf_client, programme):
    EnrolmentFactory(programme=programme)  # no baseline, never visited
    CoachingSessionFactory(programme=programme)  # nobody attended

    response = open_page(staf_client, programme)

    fix = response.context["fix"]
    assert [fix_list.count for fix_list in fix.lists] == [1, 1, 0, 1, 22]
    assert fix.total == 25
    page = response.content.decode()
    assert "25 hal perlu dibenahi" in page
    for fix_list in fix.lists:
        assert f'href="#{fix_list.key}"' in page and f'id="{fix_list.key}"' in page


def test_a_long_list_shows_its_first_rows_and_says_how_many_more(staf_client, programme, monkeypatch):
    monkeypatch.setattr(fixes, "FIX_ROWS_SHOWN", 2)
    for _ in range(5):
        CoachingSessionFactory(programme=programme)

    response = open_page(staf_client, programme)

    sessions = response.context["fix"].sessions_without_attendance
    assert (len(sessions.rows), sessions.count, sessions.hidden) == (2, 5, 3)
    assert "dan 3 lainnya" in response.content.decode()


# --- queries -------------------------------------------------------------------------------------


def make_issues(programme, other_programme, n: int, staf) -> None:
    """n of every issue and n of every near miss, in the programme and in another one."""
    line = BudgetLineFactory(programme=programme)
    for number in range(n):
        place = Kecamatan.objects.order_by("name")[number % 22]
        for of in (programme, other_programme):
            fine = EnrolmentFactory(programme=of, pendamping=staf)
            AssessmentFactory(enrolment=fine, recorded_by=staf)
            attend(CoachingSessionFactory(programme=of, held_on=days_ago(number), kecamatan=place), fine)
            lapsed = EnrolmentFactory(programme=of, pendamping=staf)  # no baseline either
            attend(CoachingSessionFactory(programme=of, held_on=days_ago(61 + number)), lapsed)
            EnrolmentFactory(programme=of, status=Enrolment.Status.WITHDRAWN)
            CoachingSessionFactory(programme=of, kecamatan=place)  # nobody attended
        ExpenditureFactory(budget_line=line, receipt_number="")
        ExpenditureFactory(budget_line=line)
        KecamatanPlan.objects.get_or_create(programme=programme, kecamatan=place, planned_sessions=3)


@pytest.mark.parametrize("size", [2, 12])
def test_the_page_runs_the_same_queries_whatever_the_size_of_the_programme(
    staf_client, programme, other_programme, staf, size, django_assert_num_queries
):
    make_issues(programme, other_programme, size, staf)

    # 1–3 session, user and the user's own and groups' permissions (one query: umkm_blitar/auth.py),
    # 4 the programme, 5 the five counts in one query, then the rows shown: 6 enrolments without a
    # baseline with business, kecamatan and pendamping joined, 7 sessions without attendance with
    # kecamatan and pendamping, 8 spending without a receipt with its budget line, 9 enrolments not
    # at a session for 60 days with their last attendance, 10 kecamatan without a session this
    # quarter with their plan and last session.
    with django_assert_num_queries(10):
        response = open_page(staf_client, programme)

    fix = response.context["fix"]
    assert fix.without_baseline.count == size
    assert fix.sessions_without_attendance.count == size
    assert fix.spending_without_receipt.count == size
    assert fix.not_visited.count == size
    assert fix.kecamatan_without_session.count == 22 - min(size, 22)
