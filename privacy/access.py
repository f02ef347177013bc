"""Noting who processed whose personal data, during a request, for one write at its end.

Views (and registry's hooks) call note(); PersonalDataMiddleware calls flush() once the answer is made,
which writes every entry of the request in one bulk insert. Work outside a request (commands, the task
queue, a CSV that streams after the view returned) calls record().

This module imports no app's models but its own, so registry and coaching may call it (as they call
umkm_blitar.security's helpers).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.models import HistoricalRecords

from umkm_blitar.security import client_ip

from .models import AccessLogEntry

Kind = AccessLogEntry.Kind
PENDING = "_personal_data_access"


def ids_text(business_ids: Iterable[int]) -> str:
    ids = sorted({int(pk) for pk in business_ids})
    return f",{','.join(map(str, ids))}," if ids else ""


def entry(user, *, kind, address=None, path="", business_ids=(), filter="", rows=None, note=""):  # noqa: A002
    """An unsaved log entry; `user` may be None (a command run by the system) or an API token's holder."""
    signed_in = user is not None and user.is_authenticated
    person = user if signed_in and isinstance(user, get_user_model()) else None
    return AccessLogEntry(
        at=timezone.now(),
        user=person,
        username=(person.get_username() if person else str(user))[:150] if signed_in else "",
        address=address,
        kind=kind,
        path=path[:500],
        business_ids=ids_text(business_ids),
        filter=filter,
        rows=rows,
        note=note,
    )


def _http_request(request):
    """Django's request behind a Django REST framework one."""
    return getattr(request, "_request", request)


def request_entry(request, **details) -> AccessLogEntry:
    http = _http_request(request)
    return entry(request.user, address=client_ip(http), path=http.get_full_path(), **details)


def note(request, kind, **details) -> None:
    """Keep an entry for this request; it is written when the answer is made (flush)."""
    _http_request(request).__dict__.setdefault(PENDING, []).append(
        request_entry(request, kind=kind, **details)
    )


def flush(request, response) -> None:
    """Write the request's entries in one query, unless the answer is an error (nothing was shown)."""
    entries = request.__dict__.pop(PENDING, None)
    if entries and response.status_code < 400:
        AccessLogEntry.objects.bulk_create(entries)


def record(user, kind, **details) -> AccessLogEntry:
    """Write one entry now: for work outside a request."""
    log_entry = entry(user, kind=kind, **details)
    log_entry.save()
    return log_entry


def note_business_change(sender, instance, history_instance, **kwargs):  # noqa: ARG001 (the signal's)
    """A business saved during a request: its history row (which holds the personal fields) is linked."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None or instance._meta.label != "registry.Business":
        return
    note(
        request,
        Kind.CHANGE,
        business_ids=[instance.pk],
        note=f"Riwayat #{history_instance.history_id} ({history_instance.get_history_type_display()})",
    )
