"""The cohort of a programme, and the naik-kelas rule's verdict on each member."""

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from registry.models import Business

from .. import rules
from ..models import Assessment, Enrolment, Programme
from .programmes import rule_settings
from .sessions import attendance_count

STILL_IN_COHORT = ~Q(status=Enrolment.Status.WITHDRAWN)


ORDERED_ASSESSMENTS = Prefetch(
    "assessments", queryset=Assessment.objects.order_by("assessed_on", "id"), to_attr="ordered_assessments"
)


def cohort(programme: Programme) -> QuerySet[Enrolment]:
    """The programme's enrolments with business, place, pendamping and assessments fetched."""
    return (
        programme.enrolments.select_related(
            "business__kecamatan", "business__desa", "business__sector", "pendamping", "programme"
        )
        .prefetch_related(ORDERED_ASSESSMENTS)
        # A page of 50 asks for 50 small counts, not a sort of every joined row.
        .annotate(sessions_attended=attendance_count("enrolment"))
        .order_by("business__name", "id")
    )


def with_last_session(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """`.last_session_on`: the date of the last session each enrolment attended (None when none).

    For the lists that show it (a pendamping's home, the cohort download), not the cohort page.
    """
    return enrolments.annotate(last_session_on=Max("attendances__session__held_on"))


def for_status_badges(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments for a list that shows of the naik-kelas rule only the status badge.

    The badge reads the kept verdict (Enrolment.is_candidate, always equal to a fresh run of the rule:
    tests/properties/test_stored_verdict.py) and whether a baseline was recorded, asked in the same query:
    no assessments read and no rule run for every row, as with_verdicts() does for pages that show more.
    """
    baseline = Assessment.objects.filter(enrolment=OuterRef("pk"), kind=Assessment.Kind.BASELINE)
    return enrolments.prefetch_related(None).annotate(baseline_recorded=Exists(baseline))


def enrolment_list() -> QuerySet[Enrolment]:
    """Enrolments with their programme, business and place, pendamping and verifier joined."""
    return Enrolment.objects.select_related(
        "programme", "business__kecamatan", "business__desa", "business__sector", "pendamping", "verified_by"
    )


def enrolment_assessments(enrolment: Enrolment) -> list[Assessment]:
    """The enrolment's assessments, oldest first, with who recorded each."""
    return list(enrolment.assessments.select_related("recorded_by").order_by("assessed_on", "id"))


def enrolment_latest_assessment(enrolment: Enrolment) -> Assessment | None:
    return enrolment.assessments.order_by("assessed_on", "id").last()


def verdict_from(enrolment: Enrolment, assessments: list[Assessment]) -> rules.Verdict:
    """The rule's verdict given the enrolment's assessments, oldest first."""
    baseline = next((a for a in assessments if a.kind == Assessment.Kind.BASELINE), None)
    latest = assessments[-1] if assessments else None
    return rules.evaluate(baseline, latest, rule_settings(enrolment.programme))


def enrolment_verdict(enrolment: Enrolment) -> rules.Verdict:
    """The rule's verdict for one enrolment against its baseline and latest assessment."""
    assessments = getattr(enrolment, "ordered_assessments", None)
    if assessments is None:
        assessments = list(enrolment.assessments.order_by("assessed_on", "id"))
    return verdict_from(enrolment, assessments)


def with_verdicts(enrolments) -> list[Enrolment]:
    """Attach .verdict, .baseline and .latest to enrolments fetched through cohort()."""
    rows = list(enrolments)
    for enrolment in rows:
        assessments = enrolment.ordered_assessments
        enrolment.baseline = next((a for a in assessments if a.kind == Assessment.Kind.BASELINE), None)
        enrolment.latest = assessments[-1] if assessments else None
        enrolment.verdict = verdict_from(enrolment, assessments)
    return rows


# The rule's verdict is kept on the enrolment (coaching.verdicts), so finding candidates is a query.
CANDIDATES_WAITING = Q(status=Enrolment.Status.ACTIVE, is_candidate=True)


def candidates(programme: Programme) -> list[Enrolment]:
    """Active enrolments the rule makes candidates, waiting for a staf member to verify them."""
    return with_verdicts(cohort(programme).filter(CANDIDATES_WAITING))


def candidate_count(programme: Programme) -> int:
    """How many active enrolments wait for verification: one count on the stored verdicts."""
    return programme.enrolments.filter(CANDIDATES_WAITING).count()


def pendamping_cohort(programme: Programme, pendamping) -> QuerySet[Enrolment]:
    """The businesses of the cohort assigned to one pendamping, still in the programme."""
    return with_last_session(cohort(programme).filter(STILL_IN_COHORT, pendamping=pendamping))


def kecamatan_cohort(programme: Programme, kecamatan) -> QuerySet[Enrolment]:
    """The members of the cohort in one kecamatan, still in the programme."""
    return cohort(programme).filter(STILL_IN_COHORT, business__kecamatan=kecamatan)


def usual_kecamatan(enrolments: QuerySet[Enrolment]) -> int | None:
    """The kecamatan most of the enrolments' businesses are in (its id): the likeliest place of a session."""
    first = enrolments.values("business__kecamatan").annotate(n=Count("id")).order_by("-n").first()
    return first["business__kecamatan"] if first else None


def businesses_picked(ids) -> QuerySet[Business]:
    """The businesses ticked on a pick page (or a form's list), by id."""
    return Business.objects.filter(pk__in=ids)


def business_enrolments(business: Business) -> QuerySet[Enrolment]:
    """The programmes the business was enrolled in, with its pendamping there."""
    return business.enrolments.select_related("programme", "pendamping")


def businesses_not_enrolled(programme: Programme) -> QuerySet[Business]:
    return (
        Business.objects.exclude(enrolments__programme=programme)
        .exclude(status=Business.Status.CLOSED)
        .select_related("kecamatan", "desa", "sector")
    )


def cohort_by_sector(programme: Programme) -> list[dict]:
    """How many of the cohort (withdrawn left out) are in each sector, largest first; one query."""
    return list(
        programme.enrolments.filter(STILL_IN_COHORT)
        .values("business__sector", "business__sector__name")
        .annotate(members=Count("id"))
        .order_by("-members", "business__sector__order", "business__sector__name")
    )
