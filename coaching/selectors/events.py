"""Facilitation drives (NIB, halal, PIRT) and associations."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from registry.models import Business

from ..models import OUTCOME_ORDER, Association, Event, EventParticipant, Membership, Programme


def event_list() -> QuerySet[Event]:
    return (
        Event.objects.select_related("programme", "kecamatan", "desa")
        .annotate(
            participant_count=Count("participants", distinct=True),
            issued_count=Count("participants", filter=Q(participants__outcome="terbit"), distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def programme_events(programme: Programme) -> QuerySet[Event]:
    return event_list().filter(programme=programme)


def event_participants(event: Event) -> QuerySet[EventParticipant]:
    return event.participants.select_related("business__desa", "business__kecamatan")


def participant_list() -> QuerySet[EventParticipant]:
    return EventParticipant.objects.select_related("event", "business")


def businesses_not_in_event(event: Event) -> QuerySet[Business]:
    return Business.objects.exclude(event_participations__event=event)


@dataclass
class FunnelStep:
    outcome: str
    label: str
    count: int  # participants who reached at least this step
    percent: int


def event_funnel(event: Event) -> list[FunnelStep]:
    """Registered → applied → issued; a participant further along counts in every earlier step."""
    by_outcome = dict(event.participants.values_list("outcome").annotate(n=Count("id")))
    total = sum(by_outcome.values())
    labels = dict(EventParticipant.Outcome.choices)
    steps = []
    for index, outcome in enumerate(OUTCOME_ORDER):
        reached = sum(by_outcome.get(later, 0) for later in OUTCOME_ORDER[index:])
        steps.append(FunnelStep(outcome, labels[outcome], reached, reached * 100 // total if total else 0))
    return steps


def association_list() -> QuerySet[Association]:
    return (
        Association.objects.select_related("sector")
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


def association_members(association: Association) -> QuerySet[Membership]:
    return association.memberships.select_related("business__kecamatan", "business__desa", "business__sector")


def businesses_not_members(association: Association) -> QuerySet[Business]:
    return Business.objects.exclude(memberships__association=association)


def business_memberships(business: Business) -> QuerySet[Membership]:
    return business.memberships.select_related("association")


def certificates_issued(programme: Programme, starts_on: datetime.date, ends_on: datetime.date) -> dict:
    """NIB, halal and PIRT issued through the programme's drives, in the quarter and up to its end."""
    figures = {}
    for kind in (Event.Kind.NIB, Event.Kind.HALAL, Event.Kind.PIRT):
        figures[f"{kind}_quarter"] = Count(
            "id", filter=Q(event__kind=kind, outcome_on__range=(starts_on, ends_on))
        )
        figures[f"{kind}_to_date"] = Count("id", filter=Q(event__kind=kind, outcome_on__lte=ends_on))
    return EventParticipant.objects.filter(
        event__programme=programme, outcome=EventParticipant.Outcome.ISSUED
    ).aggregate(**figures)
