"""The demo programmes: 2024 as the office described it, this year's up to today, all by the rules."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.test import override_settings
from django.utils import timezone

from coaching import selectors
from coaching.models import (
    Assessment,
    Attendance,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    Membership,
    Programme,
)
from coaching.periods import QUARTERS
from demo.people import PENDAMPING_AREAS
from registry.models import Business, Kecamatan
from registry.roles import role_of
from registry.sizes import decide_size_class

pytestmark = pytest.mark.django_db

KARANGGAYAM = "35.05.03.2001"


# Every seed makes eleven demo logins; a fast hasher keeps these tests quick.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def reached(today: datetime.date, month: int, day: int = 1) -> bool:
    """Whether this year's programme has reached that day of its year (it starts on 1 January).

    The current programme is recorded only up to today, so what it has depends on the date the tests
    run: on 1 January nothing but its budget, by March a cohort with baselines, by July verified
    businesses. Expectations about its size wait for the part of the year that brings them.
    """
    return today >= datetime.date(today.year, month, day)


def seed(businesses=300, seed=7) -> str:
    out = StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", businesses=businesses, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One demo for all tests of a class, rolled back after them (as Django's setUpTestData does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        today = timezone.localdate()
        yield {
            "output": output,
            "2024": Programme.objects.get(year=2024),
            "current": Programme.objects.get(year=today.year),
            "today": today,
        }
        transaction.set_rollback(True)


class TestTheSeededDemo:
    """Each test reads the demo; changes a test makes are rolled back after it."""

    def test_the_2024_programme_is_the_one_the_office_described(self, demo):
        programme = demo["2024"]

        assert programme.budget_ceiling == 1_200_000_000
        assert programme.naik_kelas_target == 170
        assert (programme.starts_on, programme.ends_on) == (
            datetime.date(2024, 1, 1),
            datetime.date(2024, 12, 31),
        )
        assert (programme.min_new_indicators, programme.turnover_growth_percent) == (2, 20)
        progress = selectors.programme_progress(programme)
        assert progress.kecamatan_total == progress.kecamatan_reached == 22
        assert progress.verified > 0 and progress.withdrawn > 0
        assert "Pembinaan dan Pendampingan UMKM Naik Kelas 2024" in demo["output"]

    def test_the_cohort_is_active_businesses_coached_by_the_pendamping_of_their_kecamatan(self, demo):
        coach_of = {}
        for username, _, names in PENDAMPING_AREAS:
            for name in names:
                coach_of[name] = username
        assert sorted(coach_of) == sorted(Kecamatan.objects.values_list("name", flat=True))
        for username, full_name, _ in PENDAMPING_AREAS:
            user = get_user_model().objects.get(username=username)
            assert role_of(user) == "pendamping" and user.get_full_name() == full_name

        enrolments = Enrolment.objects.select_related("business__kecamatan", "pendamping", "programme")
        for enrolment in enrolments:
            assert enrolment.pendamping.username == coach_of[enrolment.business.kecamatan.name]
            assert enrolment.programme.covers(enrolment.enrolled_on)
            assert enrolment.business.status == Business.Status.ACTIVE
        # Each business is in one demo cohort only.
        assert enrolments.values("business").annotate(n=Count("id")).filter(n__gt=1).count() == 0

    def test_every_session_lies_within_its_programme_and_is_not_in_the_future(self, demo):
        sessions = CoachingSession.objects.select_related("programme", "desa").annotate(
            topic_count=Count("topics")
        )
        assert sessions.count() > 200

        for session in sessions:
            assert session.programme.covers(session.held_on)
            assert session.held_on <= demo["today"]
            assert 1 <= session.topic_count <= 3
            if session.desa:
                assert session.desa.kecamatan_id == session.kecamatan_id
        # A cohort member attends only sessions of its own pendamping, after it joined.
        members = Attendance.objects.exclude(enrolment=None)
        assert not members.exclude(enrolment__pendamping=F("session__pendamping")).exists()
        assert not members.filter(session__held_on__lt=F("enrolment__enrolled_on")).exists()
        assert Attendance.objects.filter(enrolment=None).exists()  # a few guests from outside the cohort

    def test_every_assessment_starts_with_a_baseline_and_has_the_class_pp_7_2021_gives(self, demo):
        for programme in (demo["2024"], demo["current"]):
            for enrolment in selectors.cohort(programme):
                assessments = enrolment.ordered_assessments
                assert assessments, enrolment
                assert assessments[0].kind == Assessment.Kind.BASELINE
                assert all(a.kind == Assessment.Kind.FOLLOW_UP for a in assessments[1:])
        for assessment in Assessment.objects.all():
            assert assessment.size_class == (
                decide_size_class(assessment.turnover, assessment.capital).size_class or ""
            )

    def test_every_verified_enrolment_is_a_candidate_by_the_rule(self, demo):
        staf = get_user_model().objects.get(username="staf")
        today = demo["today"]
        for programme in (demo["2024"], demo["current"]):
            verified = [
                e
                for e in selectors.with_verdicts(selectors.cohort(programme))
                if e.status == Enrolment.Status.NAIK_KELAS
            ]
            # Verification starts in May; by July this year's programme has verified businesses too.
            if programme.year < today.year or reached(today, 7):
                assert verified
            for enrolment in verified:
                assert enrolment.verdict.is_candidate, enrolment.verdict.reason
                assert enrolment.verified_by == staf and enrolment.verification_note
                assert programme.covers(enrolment.verified_on) and enrolment.verified_on <= today
            # Some candidates are still waiting for a staf member; this year's first ones qualify about
            # a month after their baseline, so by the second quarter there are always some.
            if programme.year < today.year or reached(today, 4):
                assert selectors.candidates(programme)
        assert not Enrolment.objects.filter(status=Enrolment.Status.WITHDRAWN, withdrawal_reason="").exists()

    def test_this_years_programme_has_nothing_after_today(self, demo):
        programme, today = demo["current"], demo["today"]

        assert programme.year == today.year
        assert not programme.enrolments.filter(enrolled_on__gt=today).exists()
        assert not programme.enrolments.filter(verified_on__gt=today).exists()
        assert not programme.sessions.filter(held_on__gt=today).exists()
        assert not Assessment.objects.filter(enrolment__programme=programme, assessed_on__gt=today).exists()
        assert not programme.events.filter(held_on__gt=today).exists()
        assert not EventParticipant.objects.filter(event__programme=programme, outcome_on__gt=today).exists()
        assert not Membership.objects.filter(joined_on__gt=today).exists()
        assert not Expenditure.objects.filter(budget_line__programme=programme, spent_on__gt=today).exists()
        progress = selectors.programme_progress(programme)
        assert 0 <= progress.verified < progress.target
        if reached(today, 3):  # the January and February enrolments are in, and coached
            assert progress.cohort > 0 and progress.sessions > 0
        if reached(today, 7):
            assert progress.verified > 0

    def test_the_nib_drive_is_in_karanggayam_and_issued_nibs_are_on_the_businesses(self, demo):
        drive = Event.objects.get(programme=demo["2024"], kind=Event.Kind.NIB)
        participants = drive.participants.select_related("business__desa")

        assert drive.desa.code == KARANGGAYAM and drive.kecamatan == drive.desa.kecamatan
        assert drive.partner == "DPMPTSP Kabupaten Blitar"
        assert participants.filter(business__desa__code=KARANGGAYAM).exists()
        assert all(p.business.kecamatan_id == drive.kecamatan_id for p in participants)
        issued = [p for p in participants if p.outcome == EventParticipant.Outcome.ISSUED]
        assert issued and len(issued) < len(participants)  # outcomes are mixed
        for participant in issued:
            nib = participant.business.nib
            assert nib and len(nib) == 13 and nib.isdigit()
            assert participant.business.history.filter(
                history_change_reason__startswith="NIB terbit"
            ).exists()
        nibs = Business.objects.exclude(nib=None).values("nib").annotate(n=Count("id"))
        assert not nibs.filter(n__gt=1).exists()

    def test_businesses_that_moved_up_join_an_association_after_their_verification(self, demo):
        memberships = Membership.objects.select_related("business")
        assert memberships.exists()

        for membership in memberships:
            enrolment = membership.business.enrolments.get()
            assert enrolment.status == Enrolment.Status.NAIK_KELAS
            assert membership.joined_on > enrolment.verified_on

    # --- budget and spending ---------------------------------------------------------------------

    def test_no_line_spends_past_its_allocation_and_no_programme_past_its_ceiling(self, demo):
        for programme in (demo["2024"], demo["current"]):
            lines = programme.budget_lines.annotate(spent=Sum("expenditures__amount", default=0))
            assert len(lines) == 8
            assert {line.category for line in lines} == set(BudgetLine.Category.values)
            for line in lines:
                assert line.spent <= line.allocation, line
                assert sum(line.plan_for(quarter) for quarter in QUARTERS) == line.allocation
                # Little is planned for the first quarter, before the classes start.
                assert line.plan_q1 < max(line.plan_q2, line.plan_q3, line.plan_q4), line
            allocated = sum(line.allocation for line in lines)
            assert programme.budget_ceiling * 99 // 100 <= allocated <= programme.budget_ceiling
            assert sum(line.spent for line in lines) <= programme.budget_ceiling

    def test_2024_spends_between_90_and_100_percent_of_its_ceiling_roughly_as_planned(self, demo):
        programme = demo["2024"]
        spending = Expenditure.objects.filter(budget_line__programme=programme)

        spent = spending.aggregate(total=Sum("amount"))["total"]
        assert 0.90 * programme.budget_ceiling <= spent <= programme.budget_ceiling
        for quarter in QUARTERS:
            planned = programme.budget_lines.aggregate(total=Sum(f"plan_q{quarter}"))["total"]
            in_quarter = spending.filter(spent_on__quarter=quarter).aggregate(total=Sum("amount"))["total"]
            assert 0.8 * planned <= in_quarter <= 1.05 * planned, quarter

    def test_this_years_spending_keeps_pace_behind_the_calendar(self, demo):
        programme, today = demo["current"], demo["today"]
        spent = Expenditure.objects.filter(budget_line__programme=programme).aggregate(
            total=Sum("amount", default=0)
        )["total"]

        elapsed = ((today - programme.starts_on).days + 1) / (
            (programme.ends_on - programme.starts_on).days + 1
        )
        # Receipts lag the work, and the year's plan leaves the first quarter light.
        assert elapsed - 0.3 <= spent / programme.budget_ceiling <= elapsed + 0.02

    def test_spending_lies_within_its_programme_and_never_after_today(self, demo):
        spending = Expenditure.objects.select_related("budget_line__programme")
        assert spending.count() > 300

        for expenditure in spending:
            assert expenditure.budget_line.programme.covers(expenditure.spent_on), expenditure
            assert expenditure.spent_on <= demo["today"]
            assert expenditure.amount > 0
            assert timezone.localdate(expenditure.created_at) == expenditure.spent_on  # recorded on the day
        current = spending.filter(budget_line__programme=demo["current"])
        assert not current.filter(spent_on__gt=demo["today"]).exists()
        if reached(demo["today"], 2):  # purchases start once the DPA is out, in mid-January
            assert current.exists()

    def test_spending_for_a_session_or_a_drive_belongs_to_the_same_programme(self, demo):
        for_sessions = Expenditure.objects.exclude(session=None)
        for_events = Expenditure.objects.exclude(event=None)
        assert for_sessions.exists() and for_events.exists()

        assert not for_sessions.exclude(session__programme=F("budget_line__programme")).exists()
        assert not for_events.exclude(event__programme=F("budget_line__programme")).exists()
        assert not for_sessions.filter(event__isnull=False).exists()
        # A speaker's fee is paid for a session that had an outside speaker; meals for one with attendance.
        fees = for_sessions.filter(budget_line__category=BudgetLine.Category.SPEAKER_FEES)
        assert fees.exists() and not fees.filter(session__speaker="").exists()
        meals = for_sessions.filter(budget_line__category=BudgetLine.Category.MEALS)
        assert meals.exists() and not meals.filter(session__attendances=None).exists()
        # The halal drive's fees are paid per participant.
        halal = Event.objects.get(programme=demo["2024"], kind=Event.Kind.HALAL)
        fees = halal.expenditures.filter(budget_line__category=BudgetLine.Category.CERTIFICATION)
        assert 0 < fees.count() <= halal.participants.count()

    def test_a_few_entries_have_no_receipt_number_and_the_others_an_spj_number(self, demo):
        today = demo["today"]
        for programme in (demo["2024"], demo["current"]):
            spending = Expenditure.objects.filter(budget_line__programme=programme)

            blank = spending.filter(receipt_number="").count()
            # Early in the year there are only a few entries to leave blank, or none at all.
            fewest = 2 if programme.year < today.year or reached(today, 2) else 0
            assert fewest <= blank <= 5
            spj = re.compile(rf"SPJ/\d{{4}}/DKUKM/{programme.year}")
            numbers = spending.exclude(receipt_number="").values_list("receipt_number", flat=True)
            assert all(spj.fullmatch(number) for number in numbers)
            assert len(set(numbers)) == len(numbers)

    def test_corrected_entries_keep_the_old_values_and_the_reason_in_their_history(self, demo):
        today = demo["today"]
        for programme in (demo["2024"], demo["current"]):
            corrections = Expenditure.history.filter(
                budget_line__programme=programme, history_type="~"
            ).order_by("history_date")

            # Mistakes are found in entries of mid-February on, checked ten days later or more.
            fewest = 2 if programme.year < today.year or reached(today, 4) else 0
            assert fewest <= corrections.count() <= 3
            for correction in corrections:
                assert correction.history_change_reason.startswith("Koreksi: ")
                first = correction.prev_record
                assert first.history_type == "+" and first.history_change_reason == "Belanja dicatat"
                assert first.history_date < correction.history_date <= timezone.now()
                assert correction.diff_against(first).changed_fields
                assert programme.covers(timezone.localdate(correction.history_date))
            # Every other entry was recorded once, on the day it was spent.
            recorded = Expenditure.history.filter(budget_line__programme=programme, history_type="+")
            assert recorded.count() == Expenditure.objects.filter(budget_line__programme=programme).count()
            unchanged = recorded.exclude(id__in=corrections.values("id"))
            assert all(timezone.localdate(row.history_date) == row.spent_on for row in unchanged)

    def test_nothing_breaks_the_rules_or_lies_after_today(self, demo):
        assert_the_demo_keeps_its_rules(demo["today"])

    def test_seeding_again_adds_nothing(self, demo):
        tables = [
            Programme,
            Enrolment,
            Assessment,
            CoachingSession,
            Attendance,
            Event,
            EventParticipant,
            Membership,
            BudgetLine,
            Expenditure,
        ]
        before = [model.objects.count() for model in tables] + [get_user_model().objects.count()]

        output = seed()

        assert [model.objects.count() for model in tables] + [get_user_model().objects.count()] == before
        assert "Program pendampingan sudah ada; data demo program tidak ditambahkan lagi." in output


def test_a_registry_without_active_businesses_gets_no_programme():
    output = seed(businesses=0)

    assert not Programme.objects.exists()
    assert "program demo tidak dibuat" in output


def _story():
    return list(
        Enrolment.objects.order_by("programme__year", "business__name", "business__owner_name").values_list(
            "programme__year", "business__name", "status", "verified_on", "pendamping__username"
        )
    ) + list(
        CoachingSession.objects.order_by("held_on", "kecamatan__name", "kind", "venue").values_list(
            "held_on", "kecamatan__name", "kind", "venue"
        )
    )


def _spending():
    return list(
        Expenditure.objects.order_by("spent_on", "budget_line__name", "amount", "description").values_list(
            "budget_line__programme__year", "spent_on", "budget_line__name", "amount", "receipt_number"
        )
    )


def test_the_same_seed_tells_the_same_story():
    seed(businesses=120)
    first = _story() + _spending()
    models = (Expenditure, BudgetLine, Membership, EventParticipant, Event, Attendance, CoachingSession)
    for model in (*models, Assessment, Enrolment):
        model.objects.all().delete()
    Programme.objects.all().delete()
    Business.history.all().delete()
    Business.objects.all().delete()

    seed(businesses=120)

    assert first
    assert _story() + _spending() == first


# --- the demo on any day of the year ---------------------------------------------------------------


def assert_the_demo_keeps_its_rules(today: datetime.date) -> None:
    """What must hold on any day: the rules, dates within the programme, and nothing after today."""
    now = timezone.now()
    staf = get_user_model().objects.get(username="staf")
    programmes = list(Programme.objects.order_by("year"))
    assert [p.year for p in programmes] == [2024, today.year]
    for programme in programmes:

        def when(day, programme=programme):
            return programme.covers(day) and day <= today

        for enrolment in selectors.with_verdicts(selectors.cohort(programme)):
            assessments = enrolment.ordered_assessments
            assert when(enrolment.enrolled_on), enrolment
            assert assessments and assessments[0].kind == Assessment.Kind.BASELINE, enrolment
            assert all(a.kind == Assessment.Kind.FOLLOW_UP for a in assessments[1:]), enrolment
            assert assessments[0].assessed_on >= enrolment.enrolled_on, enrolment
            assert all(when(a.assessed_on) for a in assessments), enrolment
            if enrolment.status == Enrolment.Status.NAIK_KELAS:
                assert enrolment.verdict.is_candidate, (enrolment, enrolment.verdict.reason)
                assert when(enrolment.verified_on), enrolment
                assert enrolment.verified_by == staf and enrolment.verification_note
            elif enrolment.status == Enrolment.Status.WITHDRAWN:
                assert enrolment.withdrawal_reason

        sessions = programme.sessions.all()
        assert all(when(day) for day in sessions.values_list("held_on", flat=True))
        attendances = Attendance.objects.filter(session__programme=programme).exclude(enrolment=None)
        assert not attendances.filter(session__held_on__lt=F("enrolment__enrolled_on")).exists()
        assert not attendances.exclude(enrolment__programme=programme).exists()
        for event in programme.events.all():
            assert when(event.held_on), event
            for participant in event.participants.all():
                assert event.held_on <= participant.outcome_on <= today, participant

        lines = programme.budget_lines.annotate(spent=Sum("expenditures__amount", default=0))
        assert len(lines) == 8
        assert all(line.spent <= line.allocation for line in lines)
        assert sum(line.spent for line in lines) <= programme.budget_ceiling
        for expenditure in Expenditure.objects.filter(budget_line__programme=programme):
            assert when(expenditure.spent_on) and expenditure.amount > 0, expenditure
            assert timezone.localdate(expenditure.created_at) == expenditure.spent_on, expenditure

        # The history tells the story on the days it happened: within the programme, up to now.
        histories = [
            Programme.history.filter(id=programme.pk),
            BudgetLine.history.filter(programme_id=programme.pk),
            Enrolment.history.filter(programme_id=programme.pk),
            Assessment.history.filter(enrolment__programme=programme),
            CoachingSession.history.filter(programme_id=programme.pk),
            Event.history.filter(programme_id=programme.pk),
            EventParticipant.history.filter(event__programme=programme),
            Expenditure.history.filter(budget_line__programme=programme),
        ]
        for history in histories:
            for moment in history.values_list("history_date", flat=True):
                assert programme.starts_on <= timezone.localdate(moment) and moment <= now, history.model

    for membership in Membership.objects.select_related("business"):
        enrolment = membership.business.enrolments.get()
        assert enrolment.verified_on < membership.joined_on <= today
    assert not Membership.history.filter(history_date__gt=now).exists()
    assert not Business.history.filter(history_date__gt=now).exists()
    for model in (Programme, CoachingSession, Attendance, Event, Expenditure):
        assert not model.objects.filter(created_at__gt=now).exists(), model


@pytest.mark.parametrize(
    "moment",
    [
        "2027-01-01 00:10",  # the programme exists, with its budget, and nothing else yet
        "2027-01-03 07:30",  # a Sunday, before the first enrolments
        "2027-02-20 09:00",  # the second batch of enrolments is still coming in
        "2027-03-31 16:00",  # the end of the first quarter
        "2027-05-09 10:00",  # a Sunday: no verification drawn for today may move to Monday
        "2027-10-10 11:00",  # a Sunday in the busiest months of verification
        "2027-12-31 23:50",  # the last moment of the year
    ],
)
def test_the_demo_keeps_its_rules_on_any_day(moment, monkeypatch):
    now = timezone.make_aware(datetime.datetime.fromisoformat(moment))
    monkeypatch.setattr(timezone, "now", lambda: now)
    today = timezone.localdate()

    output = seed()

    assert f"Naik Kelas {today.year}:" in output
    assert_the_demo_keeps_its_rules(today)
    current = Programme.objects.get(year=today.year)
    spent = Expenditure.objects.filter(budget_line__programme=current).aggregate(
        total=Sum("amount", default=0)
    )["total"]
    if today == current.starts_on:  # nothing has happened yet, and nothing is made up
        assert not current.enrolments.exists() and not current.sessions.exists() and spent == 0
    if reached(today, 3):
        assert current.enrolments.exists() and current.sessions.exists() and spent > 0
