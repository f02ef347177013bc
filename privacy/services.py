"""Writing what the privacy app keeps: pruning the access log past its retention."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import AccessLogEntry


def access_log_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the access log's entries older than ACCESS_LOG_RETENTION_DAYS; the count deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    return AccessLogEntry.objects.prune_before(cutoff)
