from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """At most settings.API_THROTTLE_RATE requests per token (DJANGO_API_THROTTLE, e.g. "1000/hour").

    The counts live in Django's cache: with several gunicorn workers and the default local-memory cache,
    each worker counts on its own, so the effective limit is the rate times the workers.
    """

    scope = "api_token"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):  # noqa: ARG002 (DRF's signature)
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
