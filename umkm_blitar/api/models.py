from django.conf import settings
from django.db import models

from registry.roles import ROLE_CHOICES


class ApiToken(models.Model):
    """A key another agency's system sends as `Authorization: Bearer <key>`; it holds its role's rights.

    Only the key's SHA-256 is kept: the key itself is shown once, when it is made
    (`manage.py create_api_token`). The prefix, also part of the key, finds the row.
    """

    name = models.CharField("nama", max_length=100)
    role = models.CharField("peran", max_length=12, choices=ROLE_CHOICES)
    prefix = models.CharField("awalan", max_length=16, unique=True, editable=False)
    key_hash = models.CharField("sidik kunci (SHA-256)", max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="dibuat oleh",
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    last_used_at = models.DateTimeField("terakhir dipakai", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("dicabut", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "token API"
        verbose_name_plural = "token API"

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
