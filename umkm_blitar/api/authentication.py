"""Who is calling: an API token, never a browser session (a signed-in page must not open the API)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import api_token_for_key, role_rights

MISSING = "Token API diperlukan: kirim header 'Authorization: Bearer <token>'."
INVALID = "Token API tidak berlaku (salah, dicabut, atau tidak dikenal)."


class TokenHolder:
    """The caller behind a token, answering has_perm() from its role's group as a user of that role would.

    Views and registry.permissions.may_see_nik() ask it as they ask a person.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, token: ApiToken):
        self.token = token
        self._rights: frozenset[str] | None = None

    def __str__(self):
        return f"token API {self.token}"

    def has_perm(self, perm: str, obj=None) -> bool:  # noqa: ARG002 (User.has_perm's signature)
        if self._rights is None:
            self._rights = role_rights(self.token.role)
        return perm in self._rights


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        token = api_token_for_key(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        return TokenHolder(token), token

    def authenticate_header(self, request):  # noqa: ARG002 (DRF's signature)
        # Makes DRF answer 401 (with WWW-Authenticate), not 403, to a call without a valid token.
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the token: HTTP bearer."""

    target_class = ApiTokenAuthentication
    name = "tokenApi"

    def get_security_definition(self, auto_schema):  # noqa: ARG002 (drf-spectacular's signature)
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token dari `manage.py create_api_token NAMA --role PERAN`.",
        }
