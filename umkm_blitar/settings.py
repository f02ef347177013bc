"""Settings for UMKM Blitar, read from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A setting from the environment; unset or left empty (as in .env.example) means the default."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY wajib diisi bila DJANGO_DEBUG mati.")
    # Only for trying the app out on a laptop; production must set its own key.
    SECRET_KEY = "dev-only-insecure-key-umkm-blitar-change-me"

ALLOWED_HOSTS = [
    h.strip() for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "registry",
    "coaching",
    "fieldwork",
    "privacy",
    "umkm_blitar",
    "umkm_blitar.api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "umkm_blitar.security.StaticFilesMiddleware",  # WhiteNoise, the manifest left out
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless a view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "privacy.middleware.PersonalDataMiddleware",
    "umkm_blitar.security.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "umkm_blitar.urls"

# Django's widget markup, the common widgets written out in Python (umkm_blitar/forms_renderer.py).
FORM_RENDERER = "umkm_blitar.forms_renderer.FastTemplates"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "umkm_blitar.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DJANGO_CONN_MAX_AGE", "60")),
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The task worker and the web server share the file: in WAL mode a reader never waits for a writer.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out one before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the permissions read in one query (umkm_blitar/auth.py).
    "umkm_blitar.auth.RoleBackend",
    # Still listed so that sessions begun before RoleBackend keep their login (a session names the
    # backend that logged it in); it reads the permissions RoleBackend has already kept on the user.
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
# Django REST framework ships its own Indonesian for some of Django's form messages; this catalog keeps
# Django's wording in the forms ("Bidang ini tidak boleh kosong.").
LOCALE_PATHS = [BASE_DIR / "umkm_blitar" / "locale"]
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")

# Change reasons carry what a person wrote (a verification's criteria, a withdrawal's reason):
# a text column, not django-simple-history's default of 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# --- Security ---------------------------------------------------------------------------------------
# Production (DJANGO_DEBUG off) is HTTPS only. gunicorn sits behind a TLS proxy on the same machine and
# trusts its X-Forwarded-Proto (gunicorn.conf.py: forwarded_allow_ips), so request.is_secure() holds
# without SECURE_PROXY_SSL_HEADER. DJANGO_HTTPS=false is for a plain-HTTP trial on a closed network.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60 if HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Only allows listing in the browsers' preload list; listing itself is a separate, deliberate request.
SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

SESSION_COOKIE_HTTPONLY = True
# No page reads the CSRF token from a script: forms carry it in a hidden field.
CSRF_COOKIE_HTTPONLY = True
# A session ends after this long without a request (umkm_blitar/security.py), and in any case after
# SESSION_COOKIE_AGE without one being renewed.
SESSION_IDLE_TIMEOUT = int(env("DJANGO_SESSION_IDLE", str(60 * 60)))
SESSION_COOKIE_AGE = int(env("DJANGO_SESSION_AGE", str(8 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = False

X_FRAME_OPTIONS = "DENY"
# Only the app's own files: no inline script or style, no other origin. Images may also be data: URIs,
# which Bootstrap's own CSS uses for the arrows of selects and the ticks of checkboxes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The offline app (/luring/): its service worker and its manifest, from this site only.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Failed logins (django-axes): the fifth wrong password for one account from one address locks that
# pair for half an hour; a successful login clears the count. Behind the proxy the address is the
# client's, read from X-Forwarded-For only when the request comes from a trusted proxy.
# Two more rules (umkm_blitar/auth.py): one account tried from many addresses, and one address trying
# many accounts. The office sits behind one NAT address, so its limit leaves room for a whole office
# mistyping in half an hour (about 40 people, a few slips each) while stopping a password sprayed over
# the accounts.
AXES_FAILURE_LIMIT = int(env("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(env("DJANGO_LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(env("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("DJANGO_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]  # the pair first (auth.py)
AXES_HANDLER = "umkm_blitar.auth.LoginLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "umkm_blitar.security.client_ip"
TRUSTED_PROXIES = [p.strip() for p in env("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()]

# --- Task queue ---------------------------------------------------------------------------------------
# Work longer than a request (the registry import, large exports) runs as a task (the django.tasks API)
# on the database backend: no extra service on SQLite or PostgreSQL. `manage.py task_workers` runs
# TASK_WORKERS `db_worker` processes, each one task at a time; a task past its memory or time limit stops
# with a message instead of taking the machine down (registry/jobs.py).
TASKS = {"default": {"BACKEND": env("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
TASK_WORKERS = int(env("DJANGO_TASK_WORKERS", "1"))
JOB_MEMORY_LIMIT_MB = int(env("DJANGO_JOB_MEMORY_MB", "1024"))
JOB_TIME_LIMIT_SECONDS = int(env("DJANGO_JOB_TIME_LIMIT", str(30 * 60)))
# An uploaded .xlsx whose sheet unpacks past this many megabytes of XML is refused before it is read
# (a small file can hide a huge sheet). The demo registry's own export (34.675 rows) unpacks to 42 MB.
IMPORT_MAX_SHEET_MB = int(env("DJANGO_IMPORT_MAX_SHEET_MB", "100"))
# An .xlsx export of more rows than this is prepared on the queue; CSV always streams. Measured on the
# demo registry on PostgreSQL (2 cores, the other one busy): 5.000 rows 1,0 s, 20.000 rows 5,7 s,
# 34.675 rows 13 s. Up to 10.000 rows (2–3 s) a page may wait; past it the queue writes the file.
EXPORT_QUEUE_ROWS = int(env("DJANGO_EXPORT_QUEUE_ROWS", "10000"))

# --- Personal data (UU 27/2022, the privacy app) -------------------------------------------------------
# How long the access log (who saw or exported whose data) is kept; `manage.py prune_access_log` deletes
# older entries. Five years by default, as the office keeps its other records of the programme.
ACCESS_LOG_RETENTION_DAYS = int(env("DJANGO_ACCESS_LOG_RETENTION_DAYS", str(5 * 365 + 1)))
# Closed businesses left unchanged this many days are anonymised by `manage.py
# anonymise_closed_businesses` (run it daily from cron); 0, the default, leaves them as they are.
ANONYMISE_CLOSED_AFTER_DAYS = int(env("DJANGO_ANONYMISE_CLOSED_AFTER_DAYS", "0"))
# Whom people write to about their personal data (the privacy page).
# Set it to the office's real address, e-mail or telephone; the default names the office only.
PRIVACY_CONTACT = env("DJANGO_PRIVACY_CONTACT", "Bidang data dan TI, Dinas Koperasi dan UKM Kabupaten Blitar")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint (the quarterly brief's PDF) logs each step of every document at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# --- Read API (/api/v1/, umkm_blitar/api) -------------------------------------------------------------
# Tokens only (Authorization: Bearer …), never the browser session; JSON only (no browsable pages, which
# would need inline scripts the CSP forbids); GET only: OPTIONS has no metadata class, so it is 405 too.
API_THROTTLE_RATE = env("DJANGO_API_THROTTLE", "1000/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["umkm_blitar.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["umkm_blitar.api.permissions.RoleRight"],
    "DEFAULT_THROTTLE_CLASSES": ["umkm_blitar.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API UMKM Blitar",
    "DESCRIPTION": (
        "API baca-saja Dinas Koperasi dan UKM Kabupaten Blitar: agregat registri UMKM, daftar usaha "
        "(NIK disamarkan kecuali peran token berhak), program pembinaan dengan realisasi dan cakupan. "
        "Setiap permintaan membawa header `Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVERS": [],
}
