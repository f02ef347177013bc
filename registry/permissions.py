"""Object-level rights in the registry: which businesses a person may read, and whose NIK they see.

Every role that reaches a registry page may read every business; what differs is the owner's NIK,
personal data (UU 27/2022) shown whole only to those holding registry.view_nik (admin and staf).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Business
from .selectors import business_list


def may_see_nik(user) -> bool:
    """Whether the person sees an owner's NIK whole; everyone else sees it masked."""
    return user.has_perm("registry.view_nik")


def get_business_for_user(user, pk) -> Business:
    """The business (404 if none) with its place and sector joined; every registry reader may have it."""
    if not user.has_perm("registry.view_business"):
        raise PermissionDenied
    return get_object_or_404(business_list(), pk=pk)
