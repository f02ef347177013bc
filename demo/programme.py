"""Deterministic demo programmes on top of the demo registry (DESIGN.md §1 and §3).

Two programmes: 2024 as the office described it (Rp 1,2 miliar, 170 UMKM naik kelas, every kecamatan
coached, a NIB drive in Desa Karanggayam), and this year's, recorded only up to today. Writes that the
rules guard (enrolment, withdrawal, verification, drive outcomes with their NIB, membership) go through
the services; sessions, attendance and assessments are bulk rows built to the same rules. Coaches,
sessions, assessments and NIBs are made up; places, sectors and the 2024 figures are real.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from coaching import services
from coaching.models import Assessment, Programme
from coaching.verdicts import store_verdicts
from demo.assessments import AssessmentsMixin
from demo.associations import MembershipsMixin
from demo.budget import BudgetBuilder
from demo.cohort import COHORT_MAX_SHARE, CohortMixin
from demo.context import Context, Member, build_context
from demo.events import EventsMixin
from demo.fates import FatesMixin
from demo.history import HistoryMixin
from demo.sessions import SessionsMixin


@dataclass(frozen=True)
class ProgrammeSpec:
    year: int
    name: str
    budget_ceiling: int
    naik_kelas_target: int
    planned_sessions_total: int
    cohort_size: int  # with the full registry; smaller registries get a smaller cohort
    # Shares of the cohort by the end of the year; verification scales with the time elapsed.
    verified_share: float
    waiting_share: float
    withdrawn_share: float


PROGRAMME_2024 = ProgrammeSpec(
    year=2024,
    name="Pembinaan dan Pendampingan UMKM Naik Kelas 2024",
    budget_ceiling=1_200_000_000,
    naik_kelas_target=170,
    planned_sessions_total=440,  # 20 per kecamatan: classes, clinics, site visits and mentoring
    cohort_size=196,
    verified_share=173 / 196,
    waiting_share=4 / 196,
    withdrawn_share=5 / 196,
)


def current_programme_spec(year: int) -> ProgrammeSpec:
    return ProgrammeSpec(
        year=year,
        name=f"Pembinaan dan Pendampingan UMKM Naik Kelas {year}",
        budget_ceiling=1_250_000_000,
        naik_kelas_target=180,
        planned_sessions_total=528,  # 24 per kecamatan; by late November about nine in ten are held
        cohort_size=185,
        verified_share=0.85,
        waiting_share=0.05,
        withdrawn_share=0.02,
    )


class ProgrammeBuilder(
    CohortMixin, FatesMixin, AssessmentsMixin, SessionsMixin, EventsMixin, MembershipsMixin, HistoryMixin
):
    """Builds one programme: cohort, assessments, sessions, drives, verification and memberships.

    Each step lives in the module named for it (demo.cohort, demo.fates, demo.assessments, …) as a mixin
    that works on the state set up here.
    """

    def __init__(self, *, spec: ProgrammeSpec, context: Context):
        self.spec = spec
        self.ctx = context
        self.rng = context.rng
        self.today = context.today
        year = spec.year
        # Field work stops in mid-December; nothing is recorded after today.
        self.last_day = min(datetime.date(year, 12, 14), self.today)
        self.verify_until = min(datetime.date(year, 12, 20), self.today)
        self.members: list[Member] = []
        self.withdrawal_reason: dict[int, str] = {}
        self.nib_written_on: dict[int, datetime.date] = {}

    def build(self) -> Programme:
        spec = self.spec
        self.programme = services.programme_create(
            user=self.ctx.staf,
            fields={
                "year": spec.year,
                "name": spec.name,
                "budget_ceiling": spec.budget_ceiling,
                "naik_kelas_target": spec.naik_kelas_target,
                "starts_on": datetime.date(spec.year, 1, 1),
                "ends_on": datetime.date(spec.year, 12, 31),
            },
            planned_sessions_total=spec.planned_sessions_total,
        )
        self._enrol()
        self._assign_fates()
        certificate_drive = self._plan_certificate_drive()
        before_verification, after_verification = self._assessments()
        bulk_create_with_history(before_verification, Assessment, batch_size=500)
        self._write_gained_nibs()
        self._sessions()
        self._record_certificate_drive(certificate_drive)
        if spec.year == 2024:
            self._nib_drive()
        self._withdraw()
        self._verify()
        # Coaching goes on after a business moved up; those follow-ups are written after its verification.
        bulk_create_with_history(after_verification, Assessment, batch_size=500)
        store_verdicts(self.programme.enrolments.all())
        if spec.year == 2024:
            self._expo()
        self._memberships()
        BudgetBuilder(programme=self.programme, ctx=self.ctx, today=self.today).build()
        self._backdate_history()
        return self.programme


@transaction.atomic
def seed_programmes(*, seed: int) -> list[Programme]:
    """The 2024 programme and this year's (up to today); nothing when the registry has no active business."""
    today = timezone.localdate()
    context = build_context(seed=seed, today=today)
    if len(context.pool) < COHORT_MAX_SHARE:
        return []
    specs = [PROGRAMME_2024]
    if today.year > PROGRAMME_2024.year:
        specs.append(current_programme_spec(today.year))
    programmes = []
    for spec in specs:
        for place in context.places.values():
            place.members, place.guests = [], []
        programmes.append(ProgrammeBuilder(spec=spec, context=context).build())
    return programmes
