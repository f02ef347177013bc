"""Paging through the registry without counting a million rows on every page."""

import contextlib
import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import cached_property

from .models import Business

# Up to this many matches a list is counted exactly on every request: a count that stops there
# (SELECT COUNT(*) FROM (… LIMIT n)) reads at most that many index entries. Past it, the exact count
# is kept for COUNT_SECONDS, so paging through a large result, or the whole registry, counts it once.
EXACT_UP_TO = 10_000
COUNT_SECONDS = 60
VERSION_KEY = "registry:count-version"


class RegistryPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # Unordered: an ORDER BY inside the capped subquery would make PostgreSQL walk the sort index.
        unordered = self.object_list.order_by()
        counted = unordered[: EXACT_UP_TO + 1].count()
        if counted <= EXACT_UP_TO:
            return counted
        sql = str(unordered.query)
        key = f"registry:count:{cache.get_or_set(VERSION_KEY, 0)}:{hashlib.sha256(sql.encode()).hexdigest()}"
        return cache.get_or_set(key, unordered.count, COUNT_SECONDS)


@receiver([post_save, post_delete], sender=Business, dispatch_uid="registry-count-version")
def _forget_counts(**kwargs):
    """A saved or deleted business makes every kept count stale (in this process; others wait a minute)."""
    with contextlib.suppress(ValueError):  # nothing counted yet
        cache.incr(VERSION_KEY)
