"""What protects every request: the idle-session timeout and the client address behind the proxy."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.staticfiles.storage import ManifestFilesMixin
from whitenoise.middleware import WhiteNoiseMiddleware

LAST_SEEN = "last_seen"
# Writing the session on every request would cost a database write each time; once a minute is enough
# for a timeout counted in tens of minutes.
LAST_SEEN_PRECISION = 60


class IdleSessionTimeoutMiddleware:
    """Log a person out after SESSION_IDLE_TIMEOUT seconds without a request.

    The next page then goes to the login form (LoginRequiredMiddleware), which says why, and after the
    login back to the page that was asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                message = f"Sesi Anda berakhir karena tidak ada kegiatan selama {minutes} menit."
                messages.info(request, f"{message} Silakan masuk lagi.")
            elif last_seen is None or now - last_seen >= LAST_SEEN_PRECISION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def start_idle_clock(request, **kwargs):
    """Count idle time from the login, in the session that the login saves anyway."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the last X-Forwarded-For entry.

    The proxy (nginx's $proxy_add_x_forwarded_for) appends the address it saw, so the last entry is the
    only one a client cannot forge; entries before it are whatever the client sent.
    """
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in settings.TRUSTED_PROXIES and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return remote


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise without the manifest: staticfiles.json lists every static file to whoever asks."""

    def manifest_url(self) -> str:
        return f"{self.static_prefix}{ManifestFilesMixin.manifest_name}"

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        if url != self.manifest_url():
            super().add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def find_file(self, url):
        return None if url == self.manifest_url() else super().find_file(url)
