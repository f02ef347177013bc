"""The four roles of DESIGN.md §2, as Django groups.

Rights are ordinary Django permissions granted to the groups by migrations (registry 0003 and
later); views check permissions, never group names, so a right can move between roles without
touching a view.
"""

ADMIN = "admin"
STAF = "staf"
PENDAMPING = "pendamping"
PIMPINAN = "pimpinan"

ROLE_CHOICES = [
    (ADMIN, "Admin (data/IT)"),
    (STAF, "Staf Dinas"),
    (PENDAMPING, "Pendamping lapangan"),
    (PIMPINAN, "Pimpinan (Kepala Dinas/Kabid)"),
]
ROLES = [code for code, _ in ROLE_CHOICES]


def role_of(user) -> str | None:
    """The user's role: the first of their groups that is a role (admin first)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    names = {group.name for group in user.groups.all()}
    return next((role for role in ROLES if role in names), None)
