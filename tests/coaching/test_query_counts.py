"""Coaching pages run a fixed number of queries, however large the cohort, the sessions or a history.

Each page is read by a user who is not a superuser, so every permission check costs its queries
(a superuser's cost none). The first queries are the same on every page: 1 the session, 2 the
user, 3 the user's own and their groups' permissions (one query: umkm_blitar/auth.py).
"""

import datetime

import pytest
from django.urls import reverse

from coaching import services
from coaching.models import Attendance, EventParticipant, Expenditure, Topic
from registry.models import Desa
from tests.dashboard.test_dashboards import HOME_QUERIES
from tests.factories import BusinessFactory, EnrolmentFactory, ProgrammeFactory, UserFactory
from tests.world import World, build_world, kept_for_module, users_of_every_role

pytestmark = pytest.mark.django_db

SIZES = [3, 30]
JATEN = "35.05.01.2001"  # a desa in Kecamatan Wonodadi


def make_data(n: int, world: World, staf, pendamping, other_pendamping) -> World:
    """A programme with n enrolments (all candidates), n sessions, n drives and n budget lines.

    The first business (world.business) attends every session, has n assessments, joins every drive
    (its NIB issued at the last), is a member of n associations and was in n - 1 earlier programmes too.
    """
    topics = list(Topic.objects.all())
    jaten = Desa.objects.get(code=JATEN)
    for number in range(n):
        coach = pendamping if number % 2 == 0 else other_pendamping
        enrolment = world.enrol(
            pendamping=coach,
            business__desa=jaten if number % 3 else Desa.objects.get(code="35.05.03.2001"),
            business__kbli_code="10391",
        )
        world.assess(enrolment, coach)
        world.assess(enrolment, coach, follow_up=True, has_nib=True, sells_online=True)
    enrolments = world.enrolments
    first = enrolments[0]
    for number in range(n - 2):
        world.assess(
            first,
            pendamping,
            follow_up=True,
            assessed_on=datetime.date(2024, 7, 1) + datetime.timedelta(days=number),
            sells_online=True,
        )

    for number in range(n):
        coach = pendamping if number % 2 == 0 else other_pendamping
        # Everyone attends the first session; the first business attends them all.
        present = enrolments if number == 0 else [first, enrolments[number]]
        world.hold_session(
            held_on=datetime.date(2024, 3, 1) + datetime.timedelta(days=number),
            pendamping=coach,
            recorded_by=coach,
            topics=topics[number % 8 : number % 8 + 2],
            attendees={e.pk: e for e in present}.values(),
        )
    sessions = world.sessions
    Attendance.objects.create(session=sessions[0], business=BusinessFactory(), recorded_by=staf)  # a guest

    for number in range(n):
        event = world.hold_drive(name=f"Fasilitasi NIB {number}")
        for enrolment in {first.pk: first, enrolments[number].pk: enrolments[number]}.values():
            world.register(event, enrolment.business, outcome=EventParticipant.Outcome.APPLIED)
    events = world.events
    # Every business of the cohort registers at the first drive.
    for enrolment in enrolments[2:]:
        world.register(events[0], enrolment.business)
    issued = events[-1].participants.get(business=first.business)
    issued.outcome = EventParticipant.Outcome.ISSUED
    issued.save()

    for _ in range(n):
        world.found_association(
            members=[first.business], joined_on=datetime.date(2024, 8, 1), recorded_by=staf
        )
    for number in range(n - 1):
        EnrolmentFactory(
            programme=ProgrammeFactory(
                year=2023,
                name=f"Pembinaan UMKM 2023 gelombang {number + 1}",
                starts_on=datetime.date(2023, 1, 1),
                ends_on=datetime.date(2023, 12, 31),
            ),
            business=first.business,
            pendamping=pendamping,
            enrolled_on=datetime.date(2023, 2, 1),
        )
    # n budget lines, each paying n times for the first session and n times for the first drive.
    spending = []
    for number in range(n):
        line = world.budget_line(name=f"Mata anggaran {number}")
        for day in range(n):
            month = 1 + day % 12
            spending += [
                {"budget_line": line, "session": sessions[0], "amount": 100_000, "description": "Konsumsi",
                 "spent_on": datetime.date(2024, month, 2), "recorded_by": staf},
                {"budget_line": line, "event": events[0], "amount": 100_000, "description": "Sewa tempat",
                 "spent_on": datetime.date(2024, month, 3), "recorded_by": staf},
            ]  # fmt: skip
    world.spend_in_bulk(spending)
    world.name(business=first.business)
    return world


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}-rows")
def data(request, django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """Built once per size for the module; what a test changes is undone at its end (kept_for_module).

    The users are those of the role fixtures (staf, client_for, …), which find them by username.
    """
    with kept_for_module(django_db_blocker, tmp_path_factory.mktemp("media")):
        users = users_of_every_role()
        # tests/coaching/conftest.py's other_pendamping
        other_pendamping = UserFactory(username="pendamping-lain", first_name="Dewi", role="pendamping")
        yield make_data(
            request.param, build_world(users), users["staf"], users["pendamping"], other_pendamping
        )


@pytest.fixture
def reader(client_for):
    return client_for("pimpinan")


def test_the_cohort_page_query_count_does_not_grow_with_the_cohort(
    reader, data, django_assert_max_num_queries
):
    url = reverse("coaching:cohort", args=[data.programme.pk])

    # 1–3 session, user and permissions, 4 the programme, 5 count for the paginator, 6 the page of
    # enrolments with business, kecamatan, desa, sector, pendamping and programme joined, the sessions
    # attended counted and whether a baseline is recorded (the status badge reads the kept verdict),
    # 7–10 the headline figures: enrolments by status, sessions, the kecamatan plan, attendances;
    # 11 kecamatan, 12 sector and 13 pendamping choices for the filter form.
    with django_assert_max_num_queries(13):
        response = reader.get(url)

    assert response.context["page"].paginator.count == len(data.enrolments)
    rows = response.context["page"].object_list
    assert sum(row.is_candidate for row in rows) == len(data.enrolments) - 1


def test_the_session_list_query_count_does_not_grow_with_the_sessions(
    reader, data, django_assert_max_num_queries
):
    # 1–3 session, user and permissions, 4 count for the paginator, 5 kecamatan and 6 topic choices
    # for the filter form, 7 pendamping and 8 programme choices, 9 the page of sessions with
    # programme, kecamatan, desa and pendamping joined and attendees counted, 10 their topics.
    with django_assert_max_num_queries(10):
        response = reader.get(reverse("coaching:session_list"))

    assert response.context["page"].paginator.count == len(data.sessions)


def test_the_session_page_query_count_does_not_grow_with_its_attendees(
    reader, data, django_assert_max_num_queries
):
    session = data.sessions[0]

    # 1–3 session, user and permissions, 4 the coaching session with programme, kecamatan, desa and
    # pendamping joined, 5 its topics, 6 its attendances with business, desa, kecamatan, enrolment and
    # the enrolment's pendamping joined, 7 what was spent on it with the budget lines joined.
    with django_assert_max_num_queries(7):
        response = reader.get(session.get_absolute_url())

    assert len(response.context["attendances"]) == len(data.enrolments) + 1  # the cohort and a guest


@pytest.mark.parametrize("role", ["pimpinan", "staf"])
def test_the_enrolment_page_query_count_does_not_grow_with_its_history(
    client_for, data, role, django_assert_max_num_queries
):
    enrolment = data.enrolments[0]
    # staf also see the forms to assign a pendamping and withdraw, whose pendamping choices cost one.
    expected = {"pimpinan": 8, "staf": 9}[role]

    # 1–3 session, user and permissions, 4 the enrolment with programme, business, kecamatan, desa,
    # sector, pendamping and verifier joined, 5 its assessments with who recorded them, 6 the sessions
    # attended with kecamatan, programme and pendamping joined, 7 their topics, then for staf only
    # the pendamping choices, and last the memberships with their associations.
    client = client_for(role)

    with django_assert_max_num_queries(expected):
        response = client.get(enrolment.get_absolute_url())

    assert len(response.context["assessments"]) == len(data.enrolments)
    assert len(response.context["attendances"]) == len(data.sessions)


def test_the_candidate_list_query_count_does_not_grow_with_the_candidates(
    reader, data, django_assert_max_num_queries
):
    # 1–3 session, user and permissions, 4 the programme, 5 active enrolments with business, place,
    # pendamping and programme joined, 6 their assessments.
    with django_assert_max_num_queries(6):
        response = reader.get(reverse("coaching:candidate_list", args=[data.programme.pk]))

    # The first business's latest follow-up gained only one indicator; everyone else is a candidate.
    assert len(response.context["candidates"]) == len(data.enrolments) - 1


def test_the_programme_page_query_count_does_not_grow_with_the_programme(
    reader, data, django_assert_max_num_queries
):
    # 1–3 session, user and permissions, 4 the programme, 5–8 the headline figures: enrolments by
    # status, sessions, the kecamatan plan, attendances; 9 the candidate count (one count of the
    # verdicts kept on the enrolments), 10 the kecamatan plan with sessions held, 11 the latest ten
    # drives with their participants counted, 12 the total spent (for the budget's pace).
    with django_assert_max_num_queries(12):
        response = reader.get(data.programme.get_absolute_url())

    assert response.context["candidate_count"] == len(data.enrolments) - 1
    assert len(response.context["events"]) == min(len(data.events), 10)


def test_the_drive_page_query_count_does_not_grow_with_its_participants(
    reader, data, django_assert_max_num_queries
):
    event = data.events[0]

    # 1–3 session, user and permissions, 4 the drive with programme, kecamatan and desa joined, 5 the
    # funnel (participants counted by outcome), 6 the participants with business, desa and kecamatan,
    # 7 what was spent on it with the budget lines joined.
    with django_assert_max_num_queries(7):
        response = reader.get(event.get_absolute_url())

    assert len(response.context["participants"]) == len(data.enrolments) - 1


def test_the_business_page_query_count_does_not_grow_with_its_coaching(
    reader, data, django_assert_max_num_queries
):
    business = data.business

    # 1–3 session, user and permissions, 4 the business with kecamatan, desa and sector joined, 5 its
    # history with the users who made it, 6–8 kecamatan, desa and sector names for the timeline; the
    # coaching part: 9 attendances with their sessions' kecamatan, programme and pendamping joined,
    # 10 the sessions' topics, 11 programme names, 12 enrolment history with its users, 13 assessments
    # with who recorded them, 14 drive names, 15 drive outcome history with its users, 16 memberships
    # with associations; 17 the KBLI title, 18 enrolments with programme and pendamping joined.
    with django_assert_max_num_queries(18):
        response = reader.get(business.get_absolute_url())

    size = len(data.enrolments)
    assert len(response.context["attendances"]) == size
    assert len(response.context["enrolments"]) == size
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert (kinds.count("session"), kinds.count("assessment"), kinds.count("association")) == (
        size,
        size,
        size,
    )


def test_the_home_page_of_a_pendamping_query_count_does_not_grow_with_their_businesses(
    client_for, data, django_assert_max_num_queries
):
    client = client_for("pendamping")

    # The dashboard's 15 (tests/dashboard/test_dashboards.py HOME_QUERIES) and 16 the pendamping's
    # enrolments with business, place and last session joined and whether each has a baseline (for the
    # status badges), 17 their five latest sessions with kecamatan joined and attendees counted, 18
    # those sessions' topics.
    with django_assert_max_num_queries(HOME_QUERIES + 3):
        response = client.get(reverse("home"))

    assert len(response.context["my_enrolments"]) == (len(data.enrolments) + 1) // 2
    assert len(response.context["my_sessions"]) == min((len(data.sessions) + 1) // 2, 5)


def test_the_home_page_of_staf_query_count_does_not_grow_with_the_programme(
    client_for, data, django_assert_max_num_queries
):
    client = client_for("staf")

    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))

    assert response.context["totals"].cohort == len(data.enrolments)


# --- budget ------------------------------------------------------------------------------------


def test_the_realisation_page_query_count_does_not_grow_with_lines_or_spending(
    reader, data, django_assert_max_num_queries
):
    url = reverse("coaching:realisation", args=[data.programme.pk])

    # 1–3 session, user and permissions, 4 the programme, 5 the lines with spending in the quarter and
    # to its end summed, 6 spending summed per quarter, 7 sessions held and kecamatan reached, 8 the
    # kecamatan plan, 9 verified enrolments.
    with django_assert_max_num_queries(9):
        response = reader.get(f"{url}?triwulan=4")

    assert len(response.context["realisation"].lines) == len(data.enrolments)
    assert response.context["realisation"].total.spent_to_date == 2 * len(data.enrolments) ** 2 * 100_000


def test_the_budget_page_query_count_does_not_grow_with_lines_or_spending(
    reader, data, django_assert_max_num_queries
):
    url = reverse("coaching:budget", args=[data.programme.pk])

    # 1–3 session, user and permissions, 4 the programme, 5 the lines with their spending summed and
    # entries counted.
    with django_assert_max_num_queries(5):
        response = reader.get(url)

    assert len(response.context["lines"]) == len(data.enrolments)


def test_the_spending_list_query_count_does_not_grow_with_spending(
    reader, data, django_assert_max_num_queries
):
    url = reverse("coaching:expenditure_list", args=[data.programme.pk])

    # 1–3 session, user and permissions, 4 the programme, 5 the line choices for the filter, 6 count for
    # the paginator, 7 the page of spending with line, programme, session, kecamatan, drive and who
    # recorded it joined, 8 the total of the filter, 9 the spending deleted from the programme.
    with django_assert_max_num_queries(9):
        response = reader.get(f"{url}?triwulan=1")

    assert response.context["page"].paginator.count > 0


def test_the_spending_page_query_count_does_not_grow_with_its_corrections(
    client_for, data, staf, django_assert_max_num_queries
):
    entry = Expenditure.objects.filter(session__isnull=False).first()
    for number in range(len(data.enrolments)):
        services.expenditure_update(
            expenditure=entry, user=staf, fields={"amount": 1_000 + number}, reason=f"Koreksi {number}"
        )

    # 1–3 session, user and permissions, 4 the entry with line, programme, session, kecamatan, drive and
    # who recorded it joined, 5 its history with who made it, 6 the programme's line names, 7 the
    # sessions and 8 the drives it was ever for.
    client = client_for("pimpinan")
    with django_assert_max_num_queries(8):
        response = client.get(entry.get_absolute_url())

    # Written in bulk, the entry has no "recorded" row in its history: only the n corrections.
    assert len(response.context["history"]) == len(data.enrolments)
