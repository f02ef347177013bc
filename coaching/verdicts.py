"""The naik-kelas verdict kept on each enrolment (`Enrolment.is_candidate`, `.candidate_criteria`).

coaching.rules decides; this module keeps what it decided, so that counting and listing the candidates
is a query rather than the rule run over the whole cohort on every page. Whatever changes what the rule
reads calls `store_verdicts`: the services when an assessment is recorded or a programme's rule
settings change, the admin when it saves or deletes either, the demo after its bulk writes.
"""

from django.db.models import QuerySet

from .models import Enrolment
from .selectors import ORDERED_ASSESSMENTS, enrolment_verdict


def store_verdicts(enrolments: QuerySet[Enrolment]) -> int:
    """Run the rule for these enrolments and write the verdicts that changed; return how many changed."""
    changed = []
    for enrolment in enrolments.select_related("programme").prefetch_related(ORDERED_ASSESSMENTS):
        verdict = enrolment_verdict(enrolment)
        criteria = "; ".join(verdict.criteria)
        if (enrolment.is_candidate, enrolment.candidate_criteria) != (verdict.is_candidate, criteria):
            enrolment.is_candidate = verdict.is_candidate
            enrolment.candidate_criteria = criteria
            changed.append(enrolment)
    # A derived value: written straight to the rows, not through save(), so no history record.
    Enrolment.objects.bulk_update(changed, ["is_candidate", "candidate_criteria"], batch_size=500)
    return len(changed)
