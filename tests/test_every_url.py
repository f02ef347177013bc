"""Every door checked: each URL pattern of the project, for anonymous and for each of the four roles.

The patterns are found by walking the root resolver, so a view added without a rule in the tables
below fails `test_every_url_pattern_has_a_rule`. The tables say what each person gets on a GET (and,
for the views that change data, on a POST with an empty body):

- LOGIN: sent to the login page with ?next= (LoginRequiredMiddleware: every page needs a login);
- ADMIN_LOGIN: sent to the Django admin's login page with ?next= (the admin refuses non-staff so);
- to("name"): any other redirect, to the URL of that name;
- 200, 403 (the "Akses ditolak" page), 404, 405 (a form's action opened with GET);
- TOKEN: the read API's 401 with its Indonesian message: it answers an API token only, and a browser
  session (every role here) is not one.

One world of objects is built once for the module, inside a transaction rolled back at its end; each
test runs in a savepoint of its own, so what one test changes the next does not see.
"""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from coaching.models import Assessment, Attendance, Topic
from registry.models import Desa, ExportJob, KbliCode, Kecamatan, RegistryImport, Sector
from tests.factories import UserFactory
from tests.world import build_world, kept_for_module
from umkm_blitar.api.services import api_token_create

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staf", "pendamping", "pimpinan"]
WHO = ["anonymous", *ROLES]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
TOKEN = "api-token"


def to(url_name: str) -> str:
    """A redirect (other than to a login page) to the URL of this name."""
    return f"->{url_name}"


COHORT = to("coaching:cohort")
SESSIONS = to("coaching:session_list")
NEW_SESSION = to("coaching:session_create")  # the session form of the programme running now
BACK_TO_ENROLMENT = to("coaching:enrolment_detail")
BACK_TO_SESSION = to("coaching:session_detail")
BACK_TO_EVENT = to("coaching:event_detail")
BACK_TO_IMPORT = to("registry:import_detail")
BACK_TO_EXPORT = to("registry:export_job_detail")
LOGIN_PAGE = to("login")
ADMIN_INDEX = to("admin:index")


# --- the doors: every pattern of the root URLconf ------------------------------------------------


@dataclass(frozen=True)
class Door:
    key: str  # "namespace:name", or the full route of an unnamed pattern
    route: str  # the full route, prefixes included
    named: tuple[str, ...]  # the pattern's keyword arguments
    positional: int  # how many unnamed regex groups it has


def _arguments(pattern) -> tuple[tuple[str, ...], int]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters), 0
    assert isinstance(pattern, RegexPattern), f"Jenis pola tak dikenal: {pattern!r}"
    named = tuple(pattern.regex.groupindex)
    return named, pattern.regex.groups - len(named)


def walk(patterns, prefix="", namespace="", named=(), positional=0):
    for entry in patterns:
        entry_named, entry_positional = _arguments(entry.pattern)
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(
                entry.url_patterns, route, inner, named + entry_named, positional + entry_positional
            )
        else:
            name = ":".join(part for part in (namespace, entry.name) if part)
            yield Door(
                name if entry.name else route, route, named + entry_named, positional + entry_positional
            )


DOOR_LIST = list(walk(get_resolver().url_patterns))
DOORS = {door.key: door for door in DOOR_LIST}


# --- the project's own pages -----------------------------------------------------------------------
# key, the world object its <pk> is, then anonymous, admin, staf, pendamping, pimpinan (GET).
# "enrolment" and "session" are the pendamping's own (assigned to them); a pendamping may read any
# enrolment or session and write only for their own, which tests/coaching/test_views.py checks.

PAGES = [
    ("home",                            None,             LOGIN, 200, 200, 200, 200),
    ("coverage",                        None,             LOGIN, 200, 200, 200, 200),
    ("kecamatan_detail",                "kecamatan",      LOGIN, 200, 200, 200, 200),
    ("login",                           None,             200,   200, 200, 200, 200),
    ("logout",                          None,             LOGIN, 405, 405, 405, 405),
    ("password_change",                 None,             LOGIN, 200, 200, 200, 200),
    ("password_change_done",            None,             LOGIN, 200, 200, 200, 200),
    # registry (the business page lives in umkm_blitar but keeps its registry name)
    ("registry:business_detail",        "business",       LOGIN, 200, 200, 200, 200),
    ("registry:business_list",          None,             LOGIN, 200, 200, 200, 200),
    ("registry:business_export",        None,             LOGIN, 200, 200, 200, 200),
    ("registry:business_create",        None,             LOGIN, 200, 200, 403, 403),
    ("registry:business_edit",          "business",       LOGIN, 200, 200, 403, 403),
    ("registry:dashboard",              None,             LOGIN, 200, 200, 200, 200),
    ("registry:open_data",              None,             LOGIN, 200, 200, 200, 200),
    ("registry:import_upload",          None,             LOGIN, 200, 200, 403, 403),
    ("registry:import_template",        None,             LOGIN, 200, 200, 403, 403),
    ("registry:import_detail",          "registry_import",LOGIN, 200, 200, 403, 403),
    ("registry:import_confirm",         "registry_import",LOGIN, 405, 405, 405, 405),
    ("registry:import_retry",           "registry_import",LOGIN, 405, 405, 405, 405),
    # only the person who asked for an export, or an admin, follows it; the world's job failed (no file)
    ("registry:export_job_detail",      "export_job",     LOGIN, 200, 200, 403, 403),
    ("registry:export_job_download",    "export_job",     LOGIN, 404, 404, 403, 403),
    ("registry:export_job_retry",       "export_job",     LOGIN, 405, 405, 405, 405),
    # coaching: programme and cohort
    ("coaching:programme_list",         None,             LOGIN, 200, 200, 200, 200),
    ("coaching:programme_create",       None,             LOGIN, 200, 200, 403, 403),
    ("coaching:programme_detail",       "programme",      LOGIN, 200, 200, 200, 200),
    ("coaching:programme_edit",         "programme",      LOGIN, 200, 200, 403, 403),
    ("coaching:programme_plan",         "programme",      LOGIN, 200, 200, 403, 403),
    ("coaching:cohort",                 "programme",      LOGIN, 200, 200, 200, 200),
    ("coaching:cohort_export",          "programme",      LOGIN, 200, 200, 200, 200),
    ("coaching:enrol",                  "programme",      LOGIN, 200, 200, 403, 403),
    ("coaching:candidate_list",         "programme",      LOGIN, 200, 200, 200, 200),
    ("coaching:data_to_fix",            "programme",      LOGIN, 200, 200, 403, 403),
    ("coaching:my_businesses",          None,             LOGIN, COHORT, COHORT, COHORT, COHORT),
    ("coaching:enrolment_detail",       "enrolment",      LOGIN, 200, 200, 200, 200),
    ("coaching:enrolment_pendamping",   "enrolment",      LOGIN, 405, 405, 405, 405),
    ("coaching:enrolment_withdraw",     "enrolment",      LOGIN, 405, 405, 405, 405),
    ("coaching:assessment_create",      "enrolment",      LOGIN, 200, 200, 200, 403),
    ("coaching:enrolment_verify",       "enrolment",      LOGIN, 405, 405, 405, 405),
    ("coaching:enrolment_unverify",     "enrolment",      LOGIN, 405, 405, 405, 405),
    ("coaching:enrolment_evidence",     "enrolment",      LOGIN, 200, 200, 200, 200),
    ("coaching:enrolment_membership",   "enrolment",      LOGIN, 405, 405, 405, 405),
    # coaching: sessions
    ("coaching:session_list",           None,             LOGIN, 200, 200, 200, 200),
    ("coaching:session_export",         None,             LOGIN, 200, 200, 200, 200),
    ("coaching:my_sessions",            None,             LOGIN, SESSIONS, SESSIONS, SESSIONS, SESSIONS),
    ("coaching:session_create",         "programme",      LOGIN, 200, 200, 200, 403),
    ("coaching:session_create_current", None,             LOGIN, NEW_SESSION, NEW_SESSION, NEW_SESSION, 403),
    ("coaching:session_detail",         "session",        LOGIN, 200, 200, 200, 200),
    ("coaching:session_edit",           "session",        LOGIN, 200, 200, 200, 403),
    ("coaching:session_add_attendees",  "session",        LOGIN, 200, 200, 200, 403),
    ("coaching:session_remove_attendee","session",        LOGIN, 405, 405, 405, 405),
    # coaching: facilitation drives and associations
    ("coaching:event_list",             None,             LOGIN, 200, 200, 200, 200),
    ("coaching:event_create",           None,             LOGIN, 200, 200, 403, 403),
    ("coaching:event_detail",           "event",          LOGIN, 200, 200, 200, 200),
    ("coaching:event_edit",             "event",          LOGIN, 200, 200, 403, 403),
    ("coaching:event_add_participants", "event",          LOGIN, 200, 200, 403, 403),
    ("coaching:event_outcome",          "participant",    LOGIN, 405, 405, 405, 405),
    ("coaching:association_list",       None,             LOGIN, 200, 200, 200, 200),
    ("coaching:association_create",     None,             LOGIN, 200, 200, 403, 403),
    ("coaching:association_detail",     "association",    LOGIN, 200, 200, 200, 200),
    ("coaching:association_add_members","association",    LOGIN, 200, 200, 403, 403),
    # coaching: money (a pendamping sees none of it; pimpinan reads it)
    ("coaching:budget",                 "programme",      LOGIN, 200, 200, 403, 200),
    ("coaching:budget_line_create",     "programme",      LOGIN, 200, 200, 403, 403),
    ("coaching:budget_line_edit",       "budget_line",    LOGIN, 200, 200, 403, 403),
    ("coaching:sub_activity_list",      "programme",      LOGIN, 200, 200, 403, 200),
    ("coaching:sub_activity_create",    "programme",      LOGIN, 200, 200, 403, 403),
    ("coaching:sub_activity_edit",      "sub_activity",   LOGIN, 200, 200, 403, 403),
    ("coaching:expenditure_list",       "programme",      LOGIN, 200, 200, 403, 200),
    ("coaching:expenditure_export",     "programme",      LOGIN, 200, 200, 403, 200),
    ("coaching:expenditure_create",     "programme",      LOGIN, 200, 200, 403, 403),
    ("coaching:expenditure_detail",     "expenditure",    LOGIN, 200, 200, 403, 200),
    ("coaching:expenditure_edit",       "expenditure",    LOGIN, 200, 200, 403, 403),
    ("coaching:expenditure_delete",     "expenditure",    LOGIN, 200, 403, 403, 403),
    ("coaching:realisation",            "programme",      LOGIN, 200, 200, 403, 200),
    ("coaching:quarterly_report",       "programme",      LOGIN, 200, 200, 403, 200),
    ("coaching:quarterly_brief",        "programme",      LOGIN, 200, 200, 403, 200),
    # the read API: a token or nothing (tests/api/ calls it with each role's token)
    ("api:openapi",                     None,             TOKEN, TOKEN, TOKEN, TOKEN, TOKEN),
    ("api:registry_aggregates",         None,             TOKEN, TOKEN, TOKEN, TOKEN, TOKEN),
    ("api:business_list",               None,             TOKEN, TOKEN, TOKEN, TOKEN, TOKEN),
    ("api:business_detail",             "business",       TOKEN, TOKEN, TOKEN, TOKEN, TOKEN),
    ("api:programme_list",              None,             TOKEN, TOKEN, TOKEN, TOKEN, TOKEN),
    ("api:programme_detail",            "programme",      TOKEN, TOKEN, TOKEN, TOKEN, TOKEN),
    ("api:programme_realisation",       "programme",      TOKEN, TOKEN, TOKEN, TOKEN, TOKEN),
]  # fmt: skip

# Answered with a file to download, not a page.
DOWNLOADS = {
    "registry:business_export",
    "registry:import_template",
    "registry:open_data",
    "coaching:cohort_export",
    "coaching:session_export",
    "coaching:expenditure_export",
    "coaching:quarterly_report",
    "coaching:quarterly_brief",
    "coaching:enrolment_evidence",
}

# The views that change data, POSTed an empty body: anonymous, admin, staf, pendamping, pimpinan.
# 200 is the form shown again with its errors; a redirect is a POST-only action refusing the empty
# form with a message on the page it returns to (session_remove_attendee needs no form: it removes).
WRITES = {
    "logout":                           (LOGIN, LOGIN_PAGE, LOGIN_PAGE, LOGIN_PAGE, LOGIN_PAGE),
    "password_change":                  (LOGIN, 200, 200, 200, 200),
    "registry:business_create":         (LOGIN, 200, 200, 403, 403),
    "registry:business_edit":           (LOGIN, 200, 200, 403, 403),
    "registry:import_upload":           (LOGIN, 200, 200, 403, 403),
    "registry:import_confirm":          (LOGIN, BACK_TO_IMPORT, BACK_TO_IMPORT, 403, 403),
    "registry:import_retry":            (LOGIN, BACK_TO_IMPORT, BACK_TO_IMPORT, 403, 403),
    "registry:export_job_retry":        (LOGIN, BACK_TO_EXPORT, BACK_TO_EXPORT, 403, 403),
    "coaching:programme_create":        (LOGIN, 200, 200, 403, 403),
    "coaching:programme_edit":          (LOGIN, 200, 200, 403, 403),
    "coaching:programme_plan":          (LOGIN, 200, 200, 403, 403),
    "coaching:enrol":                   (LOGIN, 200, 200, 403, 403),
    "coaching:enrolment_pendamping":    (LOGIN, BACK_TO_ENROLMENT, BACK_TO_ENROLMENT, 403, 403),
    "coaching:enrolment_withdraw":      (LOGIN, BACK_TO_ENROLMENT, BACK_TO_ENROLMENT, 403, 403),
    "coaching:assessment_create":       (LOGIN, 200, 200, 200, 403),
    "coaching:enrolment_verify":        (LOGIN, BACK_TO_ENROLMENT, BACK_TO_ENROLMENT, 403, 403),
    "coaching:enrolment_unverify":      (LOGIN, BACK_TO_ENROLMENT, BACK_TO_ENROLMENT, 403, 403),
    "coaching:enrolment_membership":    (LOGIN, BACK_TO_ENROLMENT, BACK_TO_ENROLMENT, 403, 403),
    "coaching:session_create":          (LOGIN, 200, 200, 200, 403),
    "coaching:session_edit":            (LOGIN, 200, 200, 200, 403),
    "coaching:session_add_attendees":   (LOGIN, 200, 200, 200, 403),
    "coaching:session_remove_attendee": (LOGIN, BACK_TO_SESSION, BACK_TO_SESSION, BACK_TO_SESSION, 403),
    "coaching:event_create":            (LOGIN, 200, 200, 403, 403),
    "coaching:event_edit":              (LOGIN, 200, 200, 403, 403),
    "coaching:event_add_participants":  (LOGIN, 200, 200, 403, 403),
    "coaching:event_outcome":           (LOGIN, BACK_TO_EVENT, BACK_TO_EVENT, 403, 403),
    "coaching:association_create":      (LOGIN, 200, 200, 403, 403),
    "coaching:association_add_members": (LOGIN, 200, 200, 403, 403),
    "coaching:budget_line_create":      (LOGIN, 200, 200, 403, 403),
    "coaching:budget_line_edit":        (LOGIN, 200, 200, 403, 403),
    "coaching:sub_activity_create":     (LOGIN, 200, 200, 403, 403),
    "coaching:sub_activity_edit":       (LOGIN, 200, 200, 403, 403),
    "coaching:expenditure_create":      (LOGIN, 200, 200, 403, 403),
    "coaching:expenditure_edit":        (LOGIN, 200, 200, 403, 403),
    "coaching:expenditure_delete":      (LOGIN, 200, 403, 403, 403),
}  # fmt: skip

# --- Django admin: a rule per kind of page ----------------------------------------------------------
# Only the admin role is staff (tests/factories.py, registry/services.py user_create). A signed-in
# non-staff person is sent to the admin's own login page, which tells them they lack access. Anonymous
# is stopped by LoginRequiredMiddleware: the site-wide admin pages name the admin's login page as theirs,
# the pages of a model do not, so those send anonymous to the app's login page.

NOT_STAFF = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN)

ADMIN_SITE = [
    # key, target, anonymous, admin, staf, pendamping, pimpinan (GET)
    ("admin:index",                None,       ADMIN_LOGIN, 200, *NOT_STAFF),
    ("admin:login",                None,       200,         ADMIN_INDEX, 200, 200, 200),
    # A GET does not log out (Django 5); the admin sends a non-staff person back to its index.
    ("admin:logout",               None,       ADMIN_LOGIN, 405, ADMIN_INDEX, ADMIN_INDEX, ADMIN_INDEX),
    ("admin:password_change",      None,       ADMIN_LOGIN, 200, *NOT_STAFF),
    ("admin:password_change_done", None,       ADMIN_LOGIN, 200, *NOT_STAFF),
    # Without the field it completes, the autocomplete refuses.
    ("admin:autocomplete",         None,       ADMIN_LOGIN, 403, *NOT_STAFF),
    ("admin:jsi18n",               None,       ADMIN_LOGIN, 200, *NOT_STAFF),
    ("admin:view_on_site",         "business", ADMIN_LOGIN, to("registry:business_detail"), *NOT_STAFF),
    ("admin:app_list",             None,       ADMIN_LOGIN, 200, *NOT_STAFF),
    # The catch-all, opened on an address the admin does not have.
    ("admin/(?P<url>.*)$",         None,       ADMIN_LOGIN, 404, *NOT_STAFF),
]  # fmt: skip

# The kinds of page Django's ModelAdmin gives every registered model, and what the admin role gets on
# a GET of each; "object" is /admin/<app>/<model>/<pk>/, which redirects to the change page.
ADMIN_KINDS = {"changelist": 200, "add": 200, "change": 200, "delete": 200, "history": 200, "object": None}
# Kinds some ModelAdmins add: simple_history's page of one past version, the user's password form.
ADMIN_EXTRA_KINDS = {"simple_history": 200, "password_change": 200}
# The kinds that change data, and what the admin role gets for an empty POST: the form again with its
# errors, or the delete page asking for confirmation.
ADMIN_WRITE_KINDS = {"add": 200, "change": 200, "delete": 200, "simple_history": 200, "password_change": 200}


@dataclass(frozen=True)
class AdminModel:
    target: str  # the world object its pages are opened on
    extra: tuple[str, ...] = ()  # the extra kinds of page its ModelAdmin has
    get: dict = field(default_factory=dict)  # the admin role's GET answers that differ from ADMIN_KINDS
    post: dict = field(default_factory=dict)  # its empty-POST answers that differ from ADMIN_WRITE_KINDS


HISTORY = ("simple_history",)
# Read-only in the admin because the app's services guard these rows (the ceiling, the import steps):
# no add, a change page that only shows, and no "revert" from the page of a past version
# (registry.admin.HistoryAdmin refuses the POST that django-simple-history would save).
READ_ONLY_GET = {"add": 403}
READ_ONLY_POST = {"add": 403, "change": 403, "simple_history": 403}


def axes_log(model: str, target: str) -> AdminModel:
    """django-axes' login logs: no add; every field is read-only, so an empty change POST saves as is."""
    return AdminModel(target, get={"add": 403}, post={"add": 403, "change": to(f"admin:{model}_changelist")})


ADMIN_MODELS = {
    "auth_group": AdminModel("group"),
    "auth_user": AdminModel("user", extra=("password_change",)),
    "registry_kecamatan": AdminModel("kecamatan"),
    "registry_desa": AdminModel("desa"),
    "registry_sector": AdminModel("sector"),
    "registry_kblicode": AdminModel("kbli"),
    "registry_business": AdminModel("business", extra=HISTORY),
    "registry_registryimport": AdminModel("registry_import", get=READ_ONLY_GET, post=READ_ONLY_POST),
    "coaching_programme": AdminModel("programme", extra=HISTORY),
    "coaching_enrolment": AdminModel("enrolment", extra=HISTORY),
    "coaching_assessment": AdminModel("assessment", extra=HISTORY),
    "coaching_coachingsession": AdminModel("session", extra=HISTORY),
    "coaching_event": AdminModel("event", extra=HISTORY),
    "coaching_association": AdminModel("association", extra=HISTORY),
    "coaching_kecamatanplan": AdminModel("kecamatan_plan", extra=HISTORY),
    "coaching_topic": AdminModel("topic"),
    "coaching_subactivity": AdminModel("sub_activity", extra=HISTORY),
    "coaching_budgetline": AdminModel("budget_line", extra=HISTORY, get=READ_ONLY_GET, post=READ_ONLY_POST),
    "coaching_expenditure": AdminModel(
        "expenditure",
        extra=HISTORY,
        get={**READ_ONLY_GET, "delete": 403},
        post={**READ_ONLY_POST, "delete": 403},
    ),
    "axes_accessattempt": axes_log("axes_accessattempt", "access_attempt"),
    "axes_accesslog": axes_log("axes_accesslog", "access_log"),
    "axes_accessfailurelog": axes_log("axes_accessfailurelog", "access_failure_log"),
    # Made by `manage.py create_api_token` (no add); every field read-only, revoked by an action.
    "api_apitoken": AdminModel(
        "api_token", get={"add": 403}, post={"add": 403, "change": to("admin:api_apitoken_changelist")}
    ),
}
ADMIN_SITE_WRITES = {
    "admin:password_change": (ADMIN_LOGIN, 200, *NOT_STAFF),
    "admin:logout": (ADMIN_LOGIN, LOGIN_PAGE, ADMIN_INDEX, ADMIN_INDEX, ADMIN_INDEX),
}


@dataclass(frozen=True)
class Rule:
    target: str | None  # the world object the pattern's arguments are filled from
    get: tuple  # anonymous, admin, staf, pendamping, pimpinan
    post: tuple | None = None  # the same, for an empty POST; None: the view changes nothing


def _admin_model_rules():
    for model, spec in ADMIN_MODELS.items():
        app, name = model.split("_", 1)
        for kind, answer in {**ADMIN_KINDS, **{kind: ADMIN_EXTRA_KINDS[kind] for kind in spec.extra}}.items():
            if kind == "object":
                key, answer = f"admin/{app}/{name}/<path:object_id>/", to(f"admin:{model}_change")
            else:
                key = f"admin:{model}_{kind}"
            get = (LOGIN, spec.get.get(kind, answer), *NOT_STAFF)
            post = None
            if kind in ADMIN_WRITE_KINDS:
                post = (LOGIN, spec.post.get(kind, ADMIN_WRITE_KINDS[kind]), *NOT_STAFF)
            yield key, Rule(None if kind == "changelist" else spec.target, get, post)


def _rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    rows = [(key, target, answers, WRITES.get(key)) for key, target, *answers in PAGES]
    rows += [(key, target, answers, ADMIN_SITE_WRITES.get(key)) for key, target, *answers in ADMIN_SITE]
    for key, target, answers, post in rows:
        assert key not in rules, f"{key} ada dua kali di tabel"
        rules[key] = Rule(target, tuple(answers), post)
    for key, rule in _admin_model_rules():
        assert key not in rules, f"{key} ada dua kali di tabel"
        rules[key] = rule
    return rules


RULES = _rules()


# --- the world ------------------------------------------------------------------------------------


def build_door_world() -> dict:
    users = {
        role: UserFactory(username=f"{role}-pintu", first_name=role.title(), role=role) for role in ROLES
    }
    pendamping = users["pendamping"]
    world = build_world(users)
    enrolment = world.enrol(pendamping=pendamping, business__name="Keripik Tempe Bu Sri")
    enrolment.evidence.save("bukti.pdf", ContentFile(PDF), save=True)
    assessment = world.assess(enrolment, pendamping)
    session = world.hold_session(
        pendamping=pendamping,
        recorded_by=pendamping,
        topics=[Topic.objects.get(slug="digital")],
        attendees=[enrolment],
    )
    event = world.hold_drive()
    participant = world.register(event, enrolment.business, outcome_on=datetime.date(2024, 6, 10))
    sub_activity = world.add_sub_activity()
    budget_line = world.budget_line(sub_activity=sub_activity, account_code="5.1.02.01.01.0052")
    expenditure = world.spend(budget_line, session=session, recorded_by=users["staf"])
    registry_import = RegistryImport.objects.create(
        file_name="registri-umkm.xlsx",
        status=RegistryImport.Status.DONE,
        created_by=users["staf"],
        finished_at=timezone.now(),
    )
    export_job = ExportJob.objects.create(
        exporter="registry:business_export",
        title="Registri UMKM",
        file_name="registri-umkm.xlsx",
        status=ExportJob.Status.FAILED,
        created_by=users["staf"],
    )
    access = {
        "user_agent": "Mozilla/5.0 (uji)",
        "ip_address": "127.0.0.1",
        "username": users["staf"].username,
        "http_accept": "text/html",
        "path_info": reverse("login"),
    }
    axes_logs = {}
    if apps.is_installed("axes"):
        axes_logs = {
            "access_attempt": apps.get_model("axes", "AccessAttempt").objects.create(
                **access, get_data="", post_data="", failures_since_start=1
            ),
            "access_log": apps.get_model("axes", "AccessLog").objects.create(**access),
            "access_failure_log": apps.get_model("axes", "AccessFailureLog").objects.create(**access),
        }
    return {
        **axes_logs,
        "users": users,
        "user": users["staf"],
        "group": Group.objects.get(name="staf"),
        "programme": world.programme,
        "enrolment": enrolment,
        "business": enrolment.business,
        "assessment": assessment,
        "session": session,
        "event": event,
        "participant": participant,
        "association": world.found_association(name="Asosiasi Keripik Blitar"),
        "kecamatan_plan": world.programme.kecamatan_plans.get_or_create(
            kecamatan=Kecamatan.objects.get(name="Srengat")
        )[0],
        "sub_activity": sub_activity,
        "budget_line": budget_line,
        "expenditure": expenditure,
        "registry_import": registry_import,
        "export_job": export_job,
        "api_token": api_token_create(name="Portal Satu Data", role="pimpinan", created_by=users["admin"])[0],
        "kecamatan": Kecamatan.objects.get(name="Srengat"),
        "desa": Desa.objects.get(code="35.05.03.2001"),
        "sector": Sector.objects.get(slug="makanan"),
        "kbli": KbliCode.objects.order_by("pk").first(),
        "topic": Topic.objects.get(slug="digital"),
    }


SNAPSHOT_APPS = ("registry", "coaching", "auth")


def _snapshot_sql() -> str:
    """One query for every row of the registry, coaching and auth tables (history included), each row
    as one text: a request's worth of data in a few milliseconds, on SQLite and PostgreSQL alike."""
    quote = connection.ops.quote_name
    selects = []
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            columns = " || '|' || ".join(
                f"COALESCE(CAST({quote(field.column)} AS TEXT), '~')" for field in model._meta.concrete_fields
            )
            selects.append(f"SELECT '{model._meta.db_table}', {columns} FROM {quote(model._meta.db_table)}")
    return " UNION ALL ".join(selects)


def snapshot() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql())
        return sorted(cursor.fetchall())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once: in a transaction of its own, which each test's savepoint sits inside."""
    with kept_for_module(django_db_blocker, tmp_path_factory.mktemp("media")):
        world = build_door_world()
        # One login per role, kept for the module: a login is the slowest step of a request here.
        world["sessions"] = {}
        for role in ROLES:
            client = Client()
            client.force_login(world["users"][role])
            world["sessions"][role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        world["rows"] = snapshot()
        yield world


# --- opening a door ---------------------------------------------------------------------------------

VALUES = {
    "pk": lambda world, target: world[target].pk,
    "object_id": lambda world, target: world[target].pk,
    "id": lambda world, target: world[target].pk,
    "business_pk": lambda world, target: world["business"].pk,
    "content_type_id": lambda world, target: ContentType.objects.get_for_model(world[target]).pk,
    "app_label": lambda world, target: "registry",
    "url": lambda world, target: "tidak-ada/",
}


def url_of(door: Door, rule: Rule, world) -> str:
    kwargs = {name: VALUES[name](world, rule.target) for name in door.named}
    args = []
    if door.positional:
        # simple_history's page of one historical version: the object, then the version.
        assert door.positional == 2, f"{door.key}: {door.positional} argumen posisi tak dikenal"
        target = world[rule.target]
        args = [target.pk, target.history.latest().history_id]
    if door.key != door.route:
        return reverse(door.key, args=args or None, kwargs=kwargs or None)
    # An unnamed pattern cannot be reversed: fill its route by hand.
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match[1]]), door.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(kwargs[match[1]]), path)
    return "/" + path.lstrip("^").rstrip("$")


def client_as(world, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][who]
    return client


def login_redirect(login_url: str, url: str) -> str:
    return f"{login_url}?next={quote(url, safe='/')}"


def check_answer(response, expected, url: str, label: str) -> None:
    status = response.status_code
    where = response.get("Location", "")
    if expected == LOGIN:
        assert (status, where) == (302, login_redirect(reverse("login"), url)), label
    elif expected == ADMIN_LOGIN:
        assert (status, where) == (302, login_redirect(reverse("admin:login"), url)), label
    elif expected == TOKEN:
        assert status == 401, f"{label}: {status} {where}"
        assert response.json()["detail"].startswith("Token API diperlukan"), label
    elif isinstance(expected, str):
        assert status == 302, f"{label}: {status}, bukan pengalihan"
        assert resolve(urlsplit(where).path).view_name == expected.removeprefix("->"), f"{label}: {where}"
    else:
        assert status == expected, f"{label}: {status} {where}"
        if status == 403:
            assert "Akses ditolak" in response.content.decode(), label


def _cases(method: str):
    for key, rule in RULES.items():
        answers = rule.get if method == "get" else rule.post
        if answers is None:
            continue
        for who, expected in zip(WHO, answers, strict=True):
            yield pytest.param(key, who, expected, id=f"{method}-{who}-{key}")


# --- the tests --------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_rule():
    found = [door.key for door in DOOR_LIST]
    twice = sorted({key for key in found if found.count(key) > 1})
    assert not twice, f"Pola URL dengan kunci yang sama (beri nama yang berbeda): {twice}"
    missing = sorted(set(found) - set(RULES))
    stale = sorted(set(RULES) - set(found))
    assert not missing, f"Pola URL tanpa aturan di tests/test_every_url.py: {missing}"
    assert not stale, f"Aturan untuk pola URL yang tidak ada lagi: {stale}"


def test_the_tables_agree_with_each_other():
    assert set(WRITES) <= {key for key, *_ in PAGES}, "WRITES menyebut halaman di luar PAGES"
    assert set(ADMIN_SITE_WRITES) <= {key for key, *_ in ADMIN_SITE}
    assert {key for key, *_ in PAGES} >= DOWNLOADS
    # A form's action refused to a GET is a view that changes data: its POST must have a rule too.
    post_only = {key for key, _, _, *answers in PAGES if 405 in answers}
    assert post_only <= set(WRITES), f"Tanpa aturan POST: {sorted(post_only - set(WRITES))}"


def test_only_the_login_pages_are_open_without_a_login():
    """DESIGN.md §2: every page needs a login; there is no public page except login (the API: a token)."""
    open_doors = {key for key, rule in RULES.items() if rule.get[0] not in (LOGIN, ADMIN_LOGIN, TOKEN)}
    assert open_doors == {"login", "admin:login"}


@pytest.mark.parametrize(("key", "who", "expected"), list(_cases("get")))
def test_every_url_answers_each_role_as_the_table_says(world, key, who, expected):
    assert key in DOORS, f"{key} ada di tabel tetapi tidak ada polanya lagi"
    url = url_of(DOORS[key], RULES[key], world)

    response = client_as(world, who).get(url)

    check_answer(response, expected, url, f"GET {url} sebagai {who}")
    if response.status_code == 200 and key in DOWNLOADS:
        assert response["Content-Disposition"].startswith("attachment;")
    if response.streaming:
        # Read to the end, which closes it as the test client does: a response.close() of our own
        # would send request_finished to close_old_connections and close the world's connection.
        b"".join(response.streaming_content)


@pytest.mark.parametrize(("key", "who", "expected"), list(_cases("post")))
def test_every_view_that_changes_data_guards_an_empty_post(world, key, who, expected):
    url = url_of(DOORS[key], RULES[key], world)
    client = client_as(world, who)

    response = client.post(url, {})

    check_answer(response, expected, url, f"POST {url} sebagai {who}")
    # Refused, sent to a login page, or shown the form again with its errors: nothing was saved.
    if expected in (LOGIN, ADMIN_LOGIN, 403, 200):
        assert snapshot() == world["rows"], f"POST {url} sebagai {who} mengubah data"


def test_the_world_has_what_the_pages_need(world):
    """The targets the tables name exist, and the enrolment is the pendamping's own."""
    targets = {rule.target for rule in RULES.values()} - {None}
    assert targets <= set(world)
    assert world["enrolment"].pendamping == world["users"]["pendamping"]
    assert world["session"].pendamping == world["users"]["pendamping"]
    assert world["enrolment"].assessments.filter(kind=Assessment.Kind.BASELINE).exists()
    assert world["users"]["admin"].is_staff
    assert not any(world["users"][role].is_staff for role in ("staf", "pendamping", "pimpinan"))


def test_the_snapshot_sees_a_change(world):
    """The POST test's "nothing changed" can fail: an edit, and a row gone from a table without history."""
    Business = type(world["business"])
    Business.objects.filter(pk=world["business"].pk).update(name="Keripik Tempe Bu Sri Baru")
    assert snapshot() != world["rows"]
    Business.objects.filter(pk=world["business"].pk).update(name=world["business"].name)
    assert snapshot() == world["rows"]
    Attendance.objects.filter(session=world["session"]).delete()
    assert snapshot() != world["rows"]
