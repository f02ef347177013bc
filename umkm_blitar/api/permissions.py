"""What a token may read: the right each view names, held by the token's role (registry.roles)."""

from rest_framework import exceptions, permissions

from .authentication import MISSING


class RoleRight(permissions.BasePermission):
    """A valid token whose role holds the view's `required_right`; none at all is 401, not 403."""

    message = "Peran token ini tidak berhak membaca data ini."

    def has_permission(self, request, view):
        if request.auth is None:
            raise exceptions.NotAuthenticated(MISSING)
        right = getattr(view, "required_right", None)
        return right is None or request.user.has_perm(right)
