"""Reference lists (kecamatan, desa, sectors) built once and reused until the reference data changes.

Every list and form page offers the 22 kecamatan, the 248 desa grouped by kecamatan and the sectors;
building and rendering them took a good part of each request's Python. They live in the process's
local-memory cache under a version that a saved or deleted kecamatan, desa or sector raises (in this
process; another gunicorn worker sees the change within REFERENCE_SECONDS). No shared cache needed.
"""

import contextlib
import hashlib

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Desa, Kecamatan, Sector

VERSION_KEY = "registry:reference-version"
REFERENCE_SECONDS = 300


def _key(name: str) -> str:
    return f"registry:reference:{cache.get_or_set(VERSION_KEY, 0, None)}:{name}"


def remembered(name: str, build):
    """`build()`'s result, built once per version of the reference data (and at most every few minutes)."""
    return cache.get_or_set(_key(name), build, REFERENCE_SECONDS)


def remembered_markup(parts: tuple, build) -> str:
    """Markup rendered once per version of the reference data and per `parts` (what it depends on)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return remembered(f"markup:{digest}", build)


def choices_of(queryset) -> list[tuple[int, str]]:
    """(pk, label) of a model's rows in its own order, as a ModelChoiceField would list them."""
    model = queryset.model
    return remembered(f"choices:{model._meta.label}", lambda: [(row.pk, str(row)) for row in queryset])


@receiver([post_save, post_delete], sender=Kecamatan, dispatch_uid="registry-reference-kecamatan")
@receiver([post_save, post_delete], sender=Desa, dispatch_uid="registry-reference-desa")
@receiver([post_save, post_delete], sender=Sector, dispatch_uid="registry-reference-sector")
def forget_reference(**kwargs):
    """A changed kecamatan, desa or sector makes every remembered list stale."""
    with contextlib.suppress(ValueError):  # nothing remembered yet
        cache.incr(VERSION_KEY)
