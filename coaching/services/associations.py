"""Associations of businesses and their members."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from registry.models import Business
from registry.services import save_with_history

from ..models import Association, Membership


@transaction.atomic
def association_create(*, user, fields: dict) -> Association:
    return save_with_history(Association(**fields), user=user, change_reason="Asosiasi dibentuk")


@transaction.atomic
def membership_add(
    *, association: Association, business: Business, joined_on: datetime.date, user
) -> Membership:
    if Membership.objects.filter(association=association, business=business).exists():
        raise ValidationError(f"{business.name} sudah menjadi anggota {association}.")
    membership = Membership(association=association, business=business, joined_on=joined_on, recorded_by=user)
    return save_with_history(membership, user=user, change_reason=f"Bergabung dengan {association}")


@transaction.atomic
def memberships_add(*, association: Association, businesses: Iterable[Business], joined_on, user) -> int:
    """Add several members at once: all of them, or none when one is already a member."""
    businesses = list(businesses)
    for business in businesses:
        membership_add(association=association, business=business, joined_on=joined_on, user=user)
    return len(businesses)
