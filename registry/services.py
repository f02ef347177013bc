"""The only writers of registry data."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Business
from .roles import ADMIN, ROLES

User = get_user_model()


def save_with_history(instance, *, user=None, change_reason: str = ""):
    """Validate and save a row, recording who changed it and why in its history (the apps' writers use it)."""
    instance.full_clean()
    if user is not None:
        instance._history_user = user
    instance._change_reason = change_reason or None
    instance.save()
    return instance


@transaction.atomic
def business_create(*, user, fields: dict, change_reason: str = "") -> Business:
    business = Business(**fields)
    return save_with_history(business, user=user, change_reason=change_reason or "Didaftarkan ke registri")


@transaction.atomic
def business_update(*, business: Business, user, fields: dict, change_reason: str = "") -> Business:
    business = Business.objects.select_for_update().get(pk=business.pk)
    for name, value in fields.items():
        setattr(business, name, value)
    return save_with_history(business, user=user, change_reason=change_reason)


@transaction.atomic
def user_create_with_role(
    *, username: str, password: str, role: str, full_name: str = "", email: str = ""
) -> User:
    """Create a login for one of the four roles; admins also get Django admin."""
    if role not in ROLES:
        raise ValueError(f"Peran tidak dikenal: {role}. Pilih salah satu dari {', '.join(ROLES)}.")
    first_name, _, last_name = full_name.partition(" ")
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == ADMIN,
        is_superuser=role == ADMIN,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user
