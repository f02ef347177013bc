"""The only writers of coaching data. Each checks the person's right to what it touches.

One module per concern; everything is re-exported here, so callers write `services.session_record(...)`.
"""

from .associations import association_create, membership_add, memberships_add
from .budget import (
    budget_line_create,
    budget_line_update,
    expenditure_add,
    expenditure_delete,
    expenditure_update,
)
from .cohort import (
    assessment_record,
    enrolment_assign_pendamping,
    enrolment_create_many,
    enrolment_verify_naik_kelas,
    enrolment_withdraw,
    enrolment_withdraw_verification,
)
from .events import (
    CERTIFICATE_FLAGS,
    event_add_participants,
    event_create,
    event_participant_set_outcome,
    event_update,
)
from .monev import sub_activity_create, sub_activity_update
from .programmes import even_plan, programme_create, programme_set_plan, programme_update
from .sessions import attendance_add, attendance_remove, session_record, session_update

__all__ = [
    "CERTIFICATE_FLAGS",
    "assessment_record",
    "association_create",
    "attendance_add",
    "attendance_remove",
    "budget_line_create",
    "budget_line_update",
    "enrolment_assign_pendamping",
    "enrolment_create_many",
    "enrolment_verify_naik_kelas",
    "enrolment_withdraw",
    "enrolment_withdraw_verification",
    "even_plan",
    "event_add_participants",
    "event_create",
    "event_participant_set_outcome",
    "event_update",
    "expenditure_add",
    "expenditure_delete",
    "expenditure_update",
    "membership_add",
    "memberships_add",
    "programme_create",
    "programme_set_plan",
    "programme_update",
    "session_record",
    "session_update",
    "sub_activity_create",
    "sub_activity_update",
]
