"""The coaching programme: cohort, sessions, assessments, budget, drives and associations (DESIGN.md §3).

One module per concern; every model is importable from here as before (`from coaching.models import X`).
"""

# In the order the models were always registered (the admin index and dumps follow it).
from .programme import KecamatanPlan, Programme  # noqa: I001
from .enrolment import Assessment, Enrolment
from .sessions import Attendance, CoachingSession, Topic
from .events import OUTCOME_ORDER, Association, Event, EventParticipant, Membership
from .budget import BudgetLine, Expenditure, SubActivity

from . import budget, enrolment, events, programme, sessions

# django-simple-history names a historical model's module after the app ("coaching") when its model
# lives in a submodule, where nothing can import it from (the shell's automatic imports, pickling).
# They belong here, beside the models they record.
for _module in (programme, enrolment, sessions, events, budget):
    for _name, _value in vars(_module).copy().items():
        if _name.startswith("Historical"):
            _value.__module__ = __name__
            globals()[_name] = _value
del _module, _name, _value

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
    "SubActivity",
    "Topic",
]
