"""The coaching programme: cohort, sessions, assessments, budget, drives and associations (DESIGN.md §3).

One module per concern; every model is importable from here as before (`from coaching.models import X`).
"""

# In the order the models were always registered (the admin index and dumps follow it).
from .programme import KecamatanPlan, Programme  # noqa: I001
from .enrolment import Assessment, Enrolment
from .sessions import Attendance, CoachingSession, Topic
from .events import OUTCOME_ORDER, Association, Event, EventParticipant, Membership
from .budget import BudgetLine, Expenditure

__all__ = [
    "OUTCOME_ORDER",
    "Assessment",
    "Association",
    "Attendance",
    "BudgetLine",
    "CoachingSession",
    "Enrolment",
    "Event",
    "EventParticipant",
    "Expenditure",
    "KecamatanPlan",
    "Membership",
    "Programme",
    "Topic",
]
