"""One builder of the demo-shaped test world: a programme, its cohort with assessments, sessions with
attendance, facilitation drives, associations, budget lines with spending, and a user of each role.

`build_world(users)` makes the programme; the World's methods add the rest, each over the factories of
tests/factories.py, so a test says what its world holds and nothing of how rows are made:

    world = build_world(users)
    enrolment = world.enrol(business__name="Keripik Tempe Bu Sri", pendamping=users["pendamping"])
    world.assess(enrolment, users["staf"])
    world.assess(enrolment, users["staf"], follow_up=True, has_nib=True, sells_online=True)
    world.hold_session(attendees=[enrolment], recorded_by=users["pendamping"])

`kept_for_module` builds a world once for a test module, in a transaction each test's own sits inside.
"""

import datetime
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import override_settings

from coaching import services as coaching_services
from coaching.models import (
    Assessment,
    Association,
    Attendance,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    KecamatanPlan,
    Membership,
    Programme,
    SubActivity,
)
from registry.models import Business, Kecamatan
from tests.factories import (
    AssessmentFactory,
    AssociationFactory,
    BudgetLineFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    EventFactory,
    ExpenditureFactory,
    ProgrammeFactory,
    UserFactory,
)

FOLLOW_UP_ON = datetime.date(2024, 6, 1)  # the follow-up of the 2024 programme, unless a test says
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIRST_NAMES = {"admin": "Admin", "staf": "Siti", "pendamping": "Bagus", "pimpinan": "Kepala"}


def user_with_role(role: str):
    """A role's user as tests/conftest.py's fixtures give it: staf-uji (Siti), pendamping-uji (Bagus), …"""
    return UserFactory(username=f"{role}-uji", first_name=FIRST_NAMES[role], role=role)


def users_of_every_role() -> dict:
    """One user per role, by role name, the same users as tests/conftest.py's `users` fixture."""
    return {role: user_with_role(role) for role in FIRST_NAMES}


@dataclass
class World:
    """A programme and what happened in it, in the order the test made it."""

    users: dict[str, Any]  # role name → user
    programme: Programme
    enrolments: list[Enrolment] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    sessions: list[CoachingSession] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    participants: list[EventParticipant] = field(default_factory=list)
    associations: list[Association] = field(default_factory=list)
    lines: list[BudgetLine] = field(default_factory=list)
    sub_activities: list[SubActivity] = field(default_factory=list)
    expenditures: list[Expenditure] = field(default_factory=list)
    named: dict[str, Any] = field(default_factory=dict)  # what a test refers to by name: world.business

    def __getattr__(self, attribute):
        try:
            return self.__dict__["named"][attribute]
        except KeyError:
            raise AttributeError(attribute) from None

    def name(self, **objects) -> None:
        """Give objects names the test reads them by: world.name(business=...), then world.business."""
        self.named.update(objects)

    # --- the cohort ------------------------------------------------------------------------------

    def enrol(self, business: Business | None = None, **fields) -> Enrolment:
        """A business in the cohort; without one, a new business (`business__name=...` names it)."""
        if business is not None:
            fields["business"] = business
        enrolment = EnrolmentFactory(programme=self.programme, **fields)
        self.enrolments.append(enrolment)
        return enrolment

    def assess(self, enrolment: Enrolment, recorded_by, *, follow_up: bool = False, **fields) -> Assessment:
        """A baseline, or a follow-up (on 1 June 2024 unless `assessed_on` says otherwise)."""
        if follow_up:
            fields = {"kind": Assessment.Kind.FOLLOW_UP, "assessed_on": FOLLOW_UP_ON, **fields}
        assessment = AssessmentFactory(enrolment=enrolment, recorded_by=recorded_by, **fields)
        self.assessments.append(assessment)
        return assessment

    def plan(self, kecamatan: Iterable[Kecamatan], planned_sessions: int) -> None:
        """The programme's plan of sessions in each of these kecamatan."""
        KecamatanPlan.objects.bulk_create(
            KecamatanPlan(programme=self.programme, kecamatan=place, planned_sessions=planned_sessions)
            for place in kecamatan
        )

    # --- sessions and drives ---------------------------------------------------------------------

    def hold_session(
        self, *, recorded_by, attendees: Iterable[Enrolment] = (), attendance_by=None, **fields
    ) -> CoachingSession:
        """A coaching session of the programme and its attendance (by whoever recorded the session,
        unless `attendance_by` says otherwise); `topics=[...]` sets its topics."""
        session = CoachingSessionFactory(programme=self.programme, recorded_by=recorded_by, **fields)
        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                business=enrolment.business,
                enrolment=enrolment,
                recorded_by=attendance_by or recorded_by,
            )
            for enrolment in attendees
        )
        self.sessions.append(session)
        return session

    def hold_drive(self, **fields) -> Event:
        """A facilitation drive of the programme (an NIB drive in Karanggayam unless told otherwise)."""
        event = EventFactory(programme=self.programme, **fields)
        self.events.append(event)
        return event

    def register(self, event: Event, business: Business, **fields) -> EventParticipant:
        """A business at a drive, with its outcome and the outcome's date if given."""
        participant = EventParticipant.objects.create(event=event, business=business, **fields)
        self.participants.append(participant)
        return participant

    def found_association(self, *, members: Iterable[Business] = (), recorded_by=None, **fields):
        """An association and its members (who joined on `joined_on` if given)."""
        joined_on = fields.pop("joined_on", None)
        association = AssociationFactory(**fields)
        for business in members:
            extra = {"joined_on": joined_on} if joined_on else {}
            Membership.objects.create(
                association=association, business=business, recorded_by=recorded_by, **extra
            )
        self.associations.append(association)
        return association

    # --- money -----------------------------------------------------------------------------------

    def add_sub_activity(self, **fields) -> SubActivity:
        """A SIPD sub-kegiatan of the programme (2.17.08.2.01.0002 Pengembangan Usaha Mikro unless told)."""
        fields = {
            "code": "2.17.08.2.01.0002",
            "name": "Pengembangan Usaha Mikro",
            "output_indicator": "Jumlah Usaha Mikro yang Terfasilitasi",
            "output_unit": "usaha",
            **fields,
        }
        sub_activity = SubActivity.objects.create(programme=self.programme, **fields)
        self.sub_activities.append(sub_activity)
        return sub_activity

    def budget_line(self, **fields) -> BudgetLine:
        """A line of the programme (Rp 100.000.000 planned evenly over the quarters unless told)."""
        line = BudgetLineFactory(programme=self.programme, **fields)
        self.lines.append(line)
        return line

    def spend(self, line: BudgetLine, *, recorded_by, **fields) -> Expenditure:
        """Spending on a line, saved with its history (Rp 1.000.000 on 2 May 2024 unless told)."""
        expenditure = ExpenditureFactory(budget_line=line, recorded_by=recorded_by, **fields)
        self.expenditures.append(expenditure)
        return expenditure

    def spend_in_bulk(self, entries: Iterable[dict]) -> list[Expenditure]:
        """Many entries at once, each a dict of fields with its `budget_line`: written without history."""
        created = Expenditure.objects.bulk_create(Expenditure(**entry) for entry in entries)
        self.expenditures += created
        return created


def build_world(users: dict[str, Any], *, planned_sessions_total: int | None = None, **programme) -> World:
    """A world around the 2024 programme of DESIGN.md §1 (tests/factories.py ProgrammeFactory).

    `programme` fields change the programme; with `planned_sessions_total` it is made as staf make it,
    through coaching.services.programme_create (its history and kecamatan plan included).
    """
    if planned_sessions_total is None:
        made = ProgrammeFactory(**programme)
    else:
        unsaved = ProgrammeFactory.build(**programme)
        made = coaching_services.programme_create(
            user=users["staf"],
            fields={name: getattr(unsaved, name) for name in (*PROGRAMME_FIELDS, *programme)},
            planned_sessions_total=planned_sessions_total,
        )
    return World(users=users, programme=made)


PROGRAMME_FIELDS = ("year", "name", "budget_ceiling", "naik_kelas_target", "starts_on", "ends_on")


@contextmanager
def kept_for_module(django_db_blocker, media_root):
    """Build inside this block once for a module: in a transaction of its own, rolled back at the end,
    that each test's own transaction (a savepoint of it) sits inside, so no test sees another's changes."""
    overrides = override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHER)
    overrides.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            overrides.disable()
