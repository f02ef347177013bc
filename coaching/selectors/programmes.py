"""Programmes: the list, the one running today, and their headline figures."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from registry.roles import PENDAMPING

from .. import rules
from ..models import Attendance, Enrolment, KecamatanPlan, Programme

User = get_user_model()


def pendamping_list() -> QuerySet:
    """The field coaches, for pick lists."""
    return User.objects.filter(groups__name=PENDAMPING, is_active=True).order_by("first_name", "username")


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.annotate(
        cohort_size=Count(
            "enrolments", filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN), distinct=True
        ),
        verified=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.NAIK_KELAS), distinct=True),
    ).order_by("-year", "name")


def programme_current(programmes=None) -> Programme | None:
    """The programme running today; else the latest one. Picked from `programmes` when given."""
    today = timezone.localdate()
    pool = list(Programme.objects.all() if programmes is None else programmes)
    running = [programme for programme in pool if programme.starts_on <= today <= programme.ends_on]
    return max(running or pool, key=lambda programme: (programme.ends_on, programme.pk), default=None)


def rule_settings(programme: Programme) -> rules.RuleSettings:
    return rules.RuleSettings(
        min_new_indicators=programme.min_new_indicators,
        turnover_growth_percent=programme.turnover_growth_percent,
    )


@dataclass
class Progress:
    cohort: int
    active: int
    verified: int
    withdrawn: int
    target: int
    sessions: int
    planned_sessions: int
    kecamatan_reached: int
    kecamatan_total: int
    attendances: int
    hours: float

    @property
    def verified_percent(self) -> int:
        return self.verified * 100 // self.target if self.target else 0


def programme_progress(programme: Programme) -> Progress:
    """Headline figures of a programme, each one aggregate query."""
    enrolments = programme.enrolments.aggregate(
        active=Count("id", filter=Q(status=Enrolment.Status.ACTIVE)),
        verified=Count("id", filter=Q(status=Enrolment.Status.NAIK_KELAS)),
        withdrawn=Count("id", filter=Q(status=Enrolment.Status.WITHDRAWN)),
    )
    sessions = programme.sessions.aggregate(
        count=Count("id"),
        minutes=Coalesce(Sum("duration_minutes"), 0),
        kecamatan=Count("kecamatan", distinct=True),
    )
    plans = programme.kecamatan_plans.aggregate(
        planned=Coalesce(Sum("planned_sessions"), 0), kecamatan=Count("id")
    )
    attendances = Attendance.objects.filter(session__programme=programme).count()
    return Progress(
        cohort=enrolments["active"] + enrolments["verified"],
        active=enrolments["active"],
        verified=enrolments["verified"],
        withdrawn=enrolments["withdrawn"],
        target=programme.naik_kelas_target,
        sessions=sessions["count"],
        planned_sessions=plans["planned"],
        kecamatan_reached=sessions["kecamatan"],
        kecamatan_total=plans["kecamatan"],
        attendances=attendances,
        hours=sessions["minutes"] / 60,
    )


@dataclass
class MonthFigure:
    month: datetime.date
    verified: int | None  # cumulative; None for months still to come
    target_line: int


def verified_by_month(programme: Programme, today: datetime.date | None = None) -> list[MonthFigure]:
    """Naik kelas verified, cumulative by month, against a straight line from 0 to the target."""
    today = today or timezone.localdate()
    per_month = dict(
        programme.enrolments.filter(status=Enrolment.Status.NAIK_KELAS)
        .annotate(month=TruncMonth("verified_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("id"))
    )
    months, month = [], programme.starts_on.replace(day=1)
    while month <= programme.ends_on:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    figures, cumulative = [], 0
    for index, month in enumerate(months, 1):
        cumulative += per_month.get(month, 0)
        figures.append(
            MonthFigure(
                month=month,
                verified=cumulative if month <= today else None,
                target_line=round(programme.naik_kelas_target * index / len(months)),
            )
        )
    return figures


def kecamatan_plans(programme: Programme) -> QuerySet[KecamatanPlan]:
    """The programme's planned sessions, one row per kecamatan, with the kecamatan joined."""
    return programme.kecamatan_plans.select_related("kecamatan")
