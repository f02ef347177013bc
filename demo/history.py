"""History written through the services, moved to the day it happened in the story."""

import datetime

from coaching.models import BudgetLine, Enrolment, Event, EventParticipant, Membership, Programme
from demo.draws import at_hour
from registry.models import Business


def backdate(history, when) -> None:
    """Put history written through the services on the day it happened in the story, not today."""
    rows = list(history)
    for row in rows:
        row.history_date = when(row)
    if rows:
        type(rows[0])._default_manager.bulk_update(rows, ["history_date"], batch_size=500)


class HistoryMixin:
    """A programme's history rows on the days of the story (for ProgrammeBuilder)."""

    def _backdate_history(self) -> None:
        programme = self.programme
        by_business = {member.business.pk: member for member in self.members}
        backdate(Programme.history.filter(id=programme.pk), lambda _row: at_hour(programme.starts_on, 8))
        backdate(
            BudgetLine.history.filter(programme_id=programme.pk), lambda _row: at_hour(programme.starts_on, 9)
        )

        def enrolment_day(row):
            if row.history_type == "+":
                return at_hour(row.enrolled_on, 8)
            if row.status == Enrolment.Status.NAIK_KELAS:
                return at_hour(row.verified_on, 13)
            return at_hour(by_business[row.business_id].withdrawn_on, 15)

        backdate(Enrolment.history.filter(programme_id=programme.pk), enrolment_day)
        events = dict(programme.events.values_list("id", "held_on"))
        backdate(
            Event.history.filter(id__in=events),
            lambda row: at_hour(max(programme.starts_on, row.held_on - datetime.timedelta(days=14)), 9),
        )
        outcome_hour = {"terdaftar": 8, "diajukan": 10, "terbit": 14}

        def participant_day(row):
            day = events[row.event_id] if row.history_type == "+" else row.outcome_on
            return at_hour(day, outcome_hour[row.outcome])

        backdate(EventParticipant.history.filter(event_id__in=events), participant_day)
        issued = EventParticipant.objects.filter(event__in=events, outcome=EventParticipant.Outcome.ISSUED)
        written = {**self.nib_written_on, **dict(issued.values_list("business_id", "outcome_on"))}
        backdate(
            Business.history.filter(id__in=written, history_change_reason__startswith="NIB terbit"),
            lambda row: at_hour(written[row.id], 14),
        )
        backdate(
            Membership.history.filter(business_id__in=by_business, history_type="+"),
            lambda row: at_hour(row.joined_on, 10),
        )
