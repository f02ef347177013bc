"""Production settings and hardening: each protection the office's server relies on, proven."""

import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from umkm_blitar.security import LAST_SEEN

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "kata-sandi-uji"  # tests/factories.py
SECRET = "uji-" + "k" * 60
PRODUCTION_ENV = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": SECRET}
# Settings from the environment that would change what production means, and the browser tests'
# DJANGO_ALLOW_ASYNC_UNSAFE (tests/browser/conftest.py): a production environment starts without them.
OVERRIDES = (
    "DJANGO_HTTPS",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_SESSION_IDLE",
    "DJANGO_LOGIN_FAILURE_LIMIT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_environ(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES and k != "DJANGO_SECRET_KEY"}
    return {**env, **PRODUCTION_ENV, **extra}


def load_settings(environ: dict):
    """umkm_blitar/settings.py as a fresh module, read under the given environment."""
    spec = importlib.util.spec_from_file_location("settings_under_test", ROOT / "umkm_blitar" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environ, clear=True):
        spec.loader.exec_module(module)
    return module


SECURITY_SETTINGS = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "X_FRAME_OPTIONS",
)


@pytest.fixture
def production(settings):
    """The test settings with every security setting as production has it."""
    prod = load_settings(production_environ())
    for name in SECURITY_SETTINGS:
        setattr(settings, name, getattr(prod, name))
    return settings


def run_manage(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- Production run --------------------------------------------------------------------------------


def test_check_deploy_reports_nothing_with_the_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", env=production_environ())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_environ()
    env["DJANGO_SECRET_KEY"] = ""
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY wajib diisi" in result.stderr


def test_serve_script_stops_without_a_secret_key():
    env = production_environ()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(["bin/serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY belum diisi" in result.stderr


def test_production_settings():
    prod = load_settings(production_environ())
    assert prod.DEBUG is False
    assert prod.SECRET_KEY == SECRET
    assert prod.SECURE_SSL_REDIRECT and prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
    assert prod.SESSION_COOKIE_HTTPONLY and prod.CSRF_COOKIE_HTTPONLY
    assert prod.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    assert prod.X_FRAME_OPTIONS == "DENY"
    assert (
        prod.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert prod.MIDDLEWARE[:2] == [
        "django.middleware.security.SecurityMiddleware",
        "umkm_blitar.security.StaticFilesMiddleware",  # WhiteNoise without the manifest
    ]


def test_settings_left_empty_in_an_env_file_keep_their_defaults():
    """.env.example lists variables with no value: empty must not switch HTTPS off or move a folder."""
    empty = {
        name: ""
        for name in ("DJANGO_HTTPS", "DJANGO_HSTS_SECONDS", "DJANGO_STATIC_ROOT", "DJANGO_MEDIA_ROOT")
    }
    prod = load_settings(production_environ(**empty))
    assert prod.SECURE_SSL_REDIRECT and prod.SESSION_COOKIE_SECURE
    assert prod.SECURE_HSTS_SECONDS == 365 * 24 * 60 * 60
    assert prod.STATIC_ROOT == ROOT / "staticfiles"
    assert prod.MEDIA_ROOT == ROOT / "media"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, **headers):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_make_serve_runs_gunicorn_with_production_settings(tmp_path):
    """bin/serve (what `make serve` runs) checks, migrates, collects static files and starts gunicorn."""
    port = free_port()
    env = production_environ(
        DATABASE_URL=f"sqlite:///{tmp_path / 'server.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        PY=sys.executable,
    )
    server = subprocess.Popen(
        ["bin/serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                status, headers, body = fetch(f"{base}/masuk/", **{"X-Forwarded-Proto": "https"})
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 120 s"
                time.sleep(0.5)
        # Behind the proxy, over HTTPS: the login page with every protective header.
        assert status == 200
        assert b"Masuk" in body
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Server"].startswith("gunicorn")
        # Plain HTTP is sent to HTTPS.
        status, headers, _ = fetch(f"{base}/masuk/")
        assert status == 301
        assert headers["Location"] == f"https://127.0.0.1:{port}/masuk/"
        # Static files collected with hashed names and served by WhiteNoise, cached for long.
        css = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', body).group(1).decode()
        status, headers, _ = fetch(base + css, **{"X-Forwarded-Proto": "https"})
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]
        # Anything else needs a login.
        status, headers, _ = fetch(f"{base}/", **{"X-Forwarded-Proto": "https"})
        assert status == 302
        assert headers["Location"].startswith("/masuk/?next=")
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- Cookies and headers ---------------------------------------------------------------------------


def login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, secure=True, **extra)


def test_session_and_csrf_cookies_are_secure_and_http_only(db, production):
    user = UserFactory(role="staf")
    client = Client()
    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = login(client, user.username)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def test_https_only_with_hsts_and_no_framing(db, production):
    client = Client()
    assert client.get(reverse("login")).status_code == 301
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_content_security_policy_allows_only_own_files(client_for):
    response = client_for("staf").get(reverse("home"))
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def template_files():
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_have_no_inline_script_or_style(path):
    """What the policy would block: script blocks with code, on…= handlers, style attributes and tags."""
    text = path.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script in {path}: {tag}"
    assert not re.search(r"\son[a-z]+\s*=", text), f"event handler attribute in {path}"
    assert not re.search(r"\sstyle\s*=", text), f"style attribute in {path}"
    assert "<style" not in text, f"style element in {path}"


# --- Failed logins ---------------------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_account_from_that_address(db, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(role="staf")
    client = Client()
    for _ in range(4):
        response = login(client, user.username, "salah-sandi")
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah" in response.text
    locked = login(client, user.username, "salah-sandi")
    assert locked.status_code == 429
    assert "Akun terkunci sementara" in locked.text
    assert "dikunci selama 30 menit" in locked.text
    # Even the right password is refused from there while the lock holds.
    right = login(client, user.username)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The same account from another address, and another account from the same address, still log in.
    assert login(Client(), user.username, REMOTE_ADDR="10.0.0.9").status_code == 302
    other = UserFactory(role="pimpinan")
    assert login(Client(), other.username).status_code == 302


def test_the_lock_lifts_after_the_cool_off(db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(role="staf")
    for _ in range(2):
        login(Client(), user.username, "salah-sandi")
    assert login(Client(), user.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert login(Client(), user.username).status_code == 302


def test_a_successful_login_clears_the_count(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(role="staf")
    for _ in range(2):
        login(Client(), user.username, "salah-sandi")
    assert login(Client(), user.username).status_code == 302
    for _ in range(2):
        login(Client(), user.username, "salah-sandi")
    assert login(Client(), user.username).status_code == 302


def test_the_address_behind_the_proxy_is_the_clients(db, settings):
    """Locks follow the client's address from X-Forwarded-For, but only when a trusted proxy sends it."""
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(role="staf")
    behind = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for _ in range(2):
        login(Client(), user.username, "salah-sandi", **behind)
    assert login(Client(), user.username, **behind).status_code == 429
    # Another client behind the same proxy is not locked out with them.
    assert (
        login(
            Client(), user.username, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8"
        ).status_code
        == 302
    )
    # A client that talks straight to the server cannot pick its address by sending the header.
    spoofed = {"REMOTE_ADDR": "198.51.100.4", "HTTP_X_FORWARDED_FOR": "203.0.113.99"}
    for _ in range(2):
        login(Client(), user.username, "salah-sandi", **spoofed)
    assert login(Client(), user.username, REMOTE_ADDR="198.51.100.4").status_code == 429


# --- Idle sessions ---------------------------------------------------------------------------------


def test_a_session_ends_after_idle_time(db, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    user = UserFactory(role="staf")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200, "still within the idle time"
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("coaching:session_list"), follow=True)
    assert response.redirect_chain[0] == (f"{reverse('login')}?next={reverse('coaching:session_list')}", 302)
    assert "Sesi Anda berakhir karena tidak ada kegiatan selama 30 menit" in response.text
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(db, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = Client()
    client.force_login(UserFactory(role="staf"))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 20 * 60
    session.save()
    client.get(reverse("home"))
    assert int(time.time()) - client.session[LAST_SEEN] < 5


# --- Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("blitar01", "Kata sandi terlalu pendek. Harus mengandung setidaknya 10 karakter."),
        ("1234567890123", "Kata sandi ini seluruhnya terdiri dari angka."),
        ("password123", "Kata sandi ini terlalu umum."),
    ],
)
def test_weak_passwords_are_refused_when_changed(db, password, message):
    user = UserFactory(role="staf")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_resembling_the_username_is_refused(db):
    user = UserFactory(role="staf", username="siti.rahayu")
    with pytest.raises(ValidationError, match="terlalu mirip"):
        validate_password("siti.rahayu1", user)


def test_create_user_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="terlalu pendek"):
        call_command("create_user", "budi", role="staf", password="pendek1")
    assert not get_user_model().objects.filter(username="budi").exists()
    call_command("create_user", "budi", role="staf", password="kopi-tubruk-srengat")
    assert get_user_model().objects.filter(username="budi").exists()


def test_password_validators_are_on():
    names = [v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
