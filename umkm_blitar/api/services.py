"""Making, checking and revoking API tokens: the only writers of ApiToken."""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registry.roles import ROLES

from .models import ApiToken

KEY_PREFIX = "umkm"
# last_used_at is written at most this often per token, so a busy client does not write on every call.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, name: str, role: str, created_by=None) -> tuple[ApiToken, str]:
    """A new token and its key (`umkm_<prefix>_<secret>`), which is shown once and stored only hashed."""
    if role not in ROLES:
        raise ValidationError({"role": f"Peran tidak dikenal: {role}. Pilih salah satu: {', '.join(ROLES)}."})
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)  # 32 random bytes
    token = ApiToken(
        name=name.strip(), role=role, prefix=prefix, key_hash=_digest(secret), created_by=created_by
    )
    token.full_clean()
    token.save()
    return token, f"{KEY_PREFIX}_{prefix}_{secret}"


def api_token_revoke(*, token: ApiToken) -> None:
    """From now on the token opens nothing; the row stays, so who had access, and when, is kept."""
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])


def api_token_for_key(key: str) -> ApiToken | None:
    """The active token this key belongs to, or None; the secret is compared in constant time."""
    # The secret may itself hold "_" (URL-safe base64); the kind and the hex prefix never do.
    kind, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if kind != KEY_PREFIX or not prefix or not secret:
        return None
    token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.key_hash, _digest(secret)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def role_rights(role: str) -> frozenset[str]:
    """The rights (`app_label.codename`) of the role's group: registry.roles keeps them in step."""
    return frozenset(
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(group__name=role).values_list(
            "content_type__app_label", "codename"
        )
    )
