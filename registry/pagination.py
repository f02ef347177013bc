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


# A text search names at most this many businesses exactly, in the order asked for (name by default);
# a word more common than that (a million businesses hold "keripik" 60.000 times) shows the last added
# first and asks for a narrower search. Sorting every match by name is what made a common word cost
# a second at a million: the matches are spread over the whole table.
SEARCH_EXACT_UP_TO = 1_000


class SearchPaginator(Paginator):
    """Pages of a text search whose work stays bounded whatever the word's frequency.

    One query fetches the ids of up to SEARCH_EXACT_UP_TO + 1 matches in no order (the trigram
    index, or a scan that stops early for a common word). Up to the cap, a page is those ids in the
    list's order, sorted by the database; past it (`capped`), the count says "more than" and the
    pages walk the registry newest first, which for a common word reads a few rows per match shown.
    """

    def __init__(self, object_list, per_page, *, default_order: bool = True, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.default_order = default_order

    @cached_property
    def matches(self) -> list[int]:
        return list(self.object_list.order_by().values_list("pk", flat=True)[: SEARCH_EXACT_UP_TO + 1])

    @property
    def capped(self) -> bool:
        return len(self.matches) > SEARCH_EXACT_UP_TO

    @property
    def newest_first(self) -> bool:
        return self.capped and self.default_order

    @cached_property
    def count(self) -> int:
        return min(len(self.matches), SEARCH_EXACT_UP_TO)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.newest_first:
            rows = self.object_list.order_by("-id")
        elif self.capped:
            rows = self.object_list  # the order the person chose, over every match
        else:
            rows = self.object_list.filter(pk__in=self.matches)
        return self._get_page(rows[bottom : bottom + self.per_page], number, self)
