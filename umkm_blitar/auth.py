"""Logging in: forms that refuse over-long input before anything is stored, the lockout rules, and the
backend that reads a role's permissions."""

from functools import lru_cache

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import connection
from django.db.models import Sum

# Longer than any password a person types, short enough that hashing it costs nothing unusual.
PASSWORD_MAX_LENGTH = 1024


class BoundedLoginMixin:
    """Refuse a username longer than the user model allows, and a password past PASSWORD_MAX_LENGTH.

    AuthenticationForm puts the username's max_length on the widget only; an over-long username went on
    to authenticate(), where django-axes stores it in a 255-character column (a 500 on PostgreSQL). A
    field error leaves it out of cleaned_data, so clean() never calls authenticate() with it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = {"username": self.fields["username"].max_length, "password": PASSWORD_MAX_LENGTH}
        labels = {"username": "Nama pengguna", "password": "Kata sandi"}
        for name, limit in limits.items():
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.error_messages["max_length"] = f"{labels[name]} paling panjang {limit} karakter."


class LoginForm(BoundedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedLoginMixin, AdminAuthenticationForm):
    pass


def failure_limit_of(parameter) -> int:
    """The failures one lockout rule allows (AXES_LOCKOUT_PARAMETERS' entries, settings' limits)."""
    rule = (parameter,) if isinstance(parameter, str) else tuple(parameter)
    return {
        ("username",): settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
        ("ip_address",): settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    }.get(rule, settings.AXES_FAILURE_LIMIT)


class LoginLockoutHandler(AxesDatabaseHandler):
    """django-axes with a limit per rule: per account and address, per account, per address.

    Axes compares one count with one limit (AXES_FAILURE_LIMIT, the rule per account and address). The
    count returned here is the one nearest its own rule's limit, moved onto that scale: a rule allowing
    L failures that has seen n counts as AXES_FAILURE_LIMIT - (L - n), so any rule at its limit locks.
    """

    def get_failures(self, request, credentials=None) -> int:
        """The failures nearest a lock, on the scale of AXES_FAILURE_LIMIT."""
        rules = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        return max(
            settings.AXES_FAILURE_LIMIT
            - failure_limit_of(rule)
            + (rows.aggregate(total=Sum("failures_since_start"))["total"] or 0)
            for rule, rows in zip(rules, attempts, strict=True)
        )

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears its own account's failures from its own address, nothing more.

        Axes would clear every rule's rows: one colleague's login behind the office's address would wipe
        the failures counted against that address, and against the account from other addresses.
        """
        attempts = self.filter_user_attempts(request, credentials)[0]  # the rule per account and address
        return attempts.delete()[0]


class RoleBackend(ModelBackend):
    """Django's ModelBackend, with a person's permissions read in one query instead of two.

    Every page asks for the role's permissions (the view's check, the menu, the buttons). ModelBackend
    builds two querysets for them on each request, one for the person's own permissions and one for
    their groups'; building them cost more Python than reading them. The same rows come here from one
    SQL statement, into the same per-request caches ModelBackend keeps on the user, so nothing is
    remembered past the request: a role taken away counts from the next page.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            own, through_groups = set(), set()
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                for source, app_label, codename in cursor.fetchall():
                    (own if source == "u" else through_groups).add(f"{app_label}.{codename}")
            user_obj._user_perm_cache = own
            user_obj._group_perm_cache = through_groups
            user_obj._perm_cache = own | through_groups
        return user_obj._perm_cache


@lru_cache(maxsize=1)
def _permissions_sql() -> str:
    """The person's own permissions ('u') and their groups' ('g'), as ModelBackend selects them."""
    user_model = get_user_model()
    quote = connection.ops.quote_name
    tables = {
        "permission": Permission._meta.db_table,
        "content_type": ContentType._meta.db_table,
        "user_permission": user_model.user_permissions.through._meta.db_table,
        "user_group": user_model.groups.through._meta.db_table,
        "group_permission": Group.permissions.through._meta.db_table,
    }
    t = {name: quote(table) for name, table in tables.items()}
    user_column = quote(user_model.user_permissions.field.m2m_column_name())
    group_user_column = quote(user_model.groups.field.m2m_column_name())
    permission = (
        "SELECT {source}, ct.app_label, p.codename FROM {permission} p"
        " JOIN {content_type} ct ON ct.id = p.content_type_id"
    )
    return (
        permission.format(source="'u'", **t)
        + f" JOIN {t['user_permission']} up ON up.permission_id = p.id WHERE up.{user_column} = %s"
        + " UNION ALL "
        + permission.format(source="'g'", **t)
        + f" JOIN {t['group_permission']} gp ON gp.permission_id = p.id"
        + f" JOIN {t['user_group']} ug ON ug.group_id = gp.group_id WHERE ug.{group_user_column} = %s"
    )
