"""Reading the people's requests: open ones first, with their 3×24-hour deadline."""

from django.db.models import F, QuerySet

from .models import SubjectRequest


def subject_request_list() -> QuerySet[SubjectRequest]:
    """Open requests by deadline (the oldest first), then the answered ones, newest first."""
    return SubjectRequest.objects.select_related("recorded_by", "answered_by").order_by(
        F("answered_at").desc(nulls_first=True), "received_at", "pk"
    )
