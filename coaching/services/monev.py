"""SIPD sub-kegiatan of a programme and the output realised under each (what e-Monev asks)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from registry.services import save_with_history

from ..models import Programme, SubActivity


@transaction.atomic
def sub_activity_create(*, programme: Programme, user, fields: dict) -> SubActivity:
    if not user.has_perm("coaching.add_subactivity"):
        raise PermissionDenied
    sub_activity = SubActivity(programme=programme, **fields)
    sub_activity.full_clean()
    return save_with_history(sub_activity, user=user, change_reason="Sub kegiatan dibuat")


@transaction.atomic
def sub_activity_update(*, sub_activity: SubActivity, user, fields: dict) -> SubActivity:
    """Change a sub-kegiatan, its output target or realised output; the old values stay in its history."""
    if not user.has_perm("coaching.change_subactivity"):
        raise PermissionDenied
    sub_activity = SubActivity.objects.select_for_update().get(pk=sub_activity.pk)
    for name, value in fields.items():
        setattr(sub_activity, name, value)
    sub_activity.full_clean()
    return save_with_history(sub_activity, user=user, change_reason="Sub kegiatan diubah")
