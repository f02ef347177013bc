"""Logging in: forms that refuse over-long input before anything is stored, and the lockout rules."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
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
