"""Object-level rights in the registry: which businesses a person may read, and whose NIK they see.

Every role that reaches a registry page may read every business; what differs is the owner's NIK,
personal data (UU 27/2022) shown whole only to those holding registry.view_nik (admin and staf).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from privacy import access

from .models import Business
from .selectors import business_list


def may_see_nik(user) -> bool:
    """Whether the person sees an owner's NIK whole; everyone else sees it masked."""
    return user.has_perm("registry.view_nik")


def nik_shown_whole(request, business: Business) -> bool:
    """may_see_nik for a page about one business; a whole NIK shown is noted in the access log."""
    if not may_see_nik(request.user):
        return False
    if business.owner_nik:
        access.note(request, access.Kind.NIK_PAGE, business_ids=[business.pk])
    return True


def get_business_for_user(user, pk) -> Business:
    """The business (404 if none) with its place and sector joined; every registry reader may have it."""
    if not user.has_perm("registry.view_business"):
        raise PermissionDenied
    return get_object_or_404(business_list(), pk=pk)
