"""Facilitation drives (NIB, halal, PIRT, …) and the outcome for each participant."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registry.models import Business
from registry.services import business_update, save_with_history
from registry.validators import validate_nib

from ..models import OUTCOME_ORDER, Event, EventParticipant

# A certificate issued at a halal or PIRT drive is recorded on the business, as an NIB is.
CERTIFICATE_FLAGS = {
    Event.Kind.HALAL: ("has_halal", "Sertifikat halal"),
    Event.Kind.PIRT: ("has_pirt", "PIRT"),
}


@transaction.atomic
def event_create(*, user, fields: dict) -> Event:
    return save_with_history(Event(**fields), user=user, change_reason="Kegiatan dicatat")


@transaction.atomic
def event_update(*, event: Event, user, fields: dict) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        setattr(event, name, value)
    return save_with_history(event, user=user, change_reason="Kegiatan diubah")


@transaction.atomic
def event_add_participants(*, event: Event, businesses: Iterable[Business], user) -> int:
    event = Event.objects.select_for_update().get(pk=event.pk)
    present = set(event.participants.values_list("business_id", flat=True))
    added = 0
    for business in businesses:
        if business.pk in present:
            continue
        participant = EventParticipant(event=event, business=business, outcome_on=event.held_on)
        save_with_history(participant, user=user, change_reason=f"Terdaftar di {event}")
        added += 1
    return added


@transaction.atomic
def event_participant_set_outcome(
    *,
    participant: EventParticipant,
    outcome: str,
    user,
    nib: str = "",
    outcome_on: datetime.date | None = None,
) -> EventParticipant:
    """Move a participant forward (terdaftar → diajukan → terbit); an issued NIB goes onto the business."""
    participant = (
        EventParticipant.objects.select_for_update()
        .select_related("event", "business")
        .get(pk=participant.pk)
    )
    if outcome not in OUTCOME_ORDER:
        raise ValidationError({"outcome": "Hasil tidak dikenal."})
    if OUTCOME_ORDER.index(outcome) < OUTCOME_ORDER.index(participant.outcome):
        raise ValidationError(
            {"outcome": f"Hasil tidak bisa mundur dari “{participant.get_outcome_display()}”."}
        )
    outcome_on = outcome_on or timezone.localdate()
    if outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": "Tanggal hasil tidak boleh di masa depan."})
    event = participant.event
    business = participant.business
    if event.issues_nib and outcome == EventParticipant.Outcome.ISSUED:
        nib = nib.strip().replace(" ", "")
        if not nib:
            raise ValidationError({"nib": "Tulis NIB yang terbit (13 digit)."})
        try:
            validate_nib(nib)
        except ValidationError as error:
            raise ValidationError({"nib": error.messages}) from error
        if business.nib and business.nib != nib:
            raise ValidationError({"nib": f"{business.name} sudah punya NIB {business.nib}."})
        if business.nib != nib:
            try:
                business_update(
                    business=business,
                    user=user,
                    fields={"nib": nib},
                    change_reason=f"NIB terbit pada {event}",
                )
            except ValidationError as error:
                raise ValidationError({"nib": error.message_dict.get("nib", error.messages)}) from error
    flag, certificate = CERTIFICATE_FLAGS.get(event.kind, (None, ""))
    if flag and outcome == EventParticipant.Outcome.ISSUED and not getattr(business, flag):
        business_update(
            business=business,
            user=user,
            fields={flag: True},
            change_reason=f"{certificate} terbit pada {event}",
        )
    participant.outcome = outcome
    participant.outcome_on = outcome_on
    return save_with_history(
        participant, user=user, change_reason=f"{participant.get_outcome_display()} — {event}"
    )
