"""Field work without signal: the /luring/ page, its JSON endpoints, the app's manifest and service worker,
and the staf review list of walk-ins matched to a business already in the registry."""

import hashlib
import json
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import get_token
from django.views.decorators.http import require_GET, require_POST

from privacy import access

from . import selectors, services
from .models import OfflineRecord

WORK_OFFLINE = "fieldwork.add_offlinerecord"
REVIEW = "fieldwork.change_offlinerecord"

# What the service worker keeps so that /luring/ opens without signal: the page and its static files,
# nothing personal (the data lives in IndexedDB, cleared on logout).
SHELL_STATIC = [
    "vendor/bootstrap/bootstrap.min.css",
    "css/app.css",
    "img/favicon.svg",
    "img/luring/icon-192.png",
    "js/luring/db.js",
    "js/luring/checks.js",
    "js/luring/send.js",
    "js/luring/app.js",
]


def json_access(permission: str):
    """For the endpoints the offline page calls: 401 JSON when the login has expired, 403 JSON without
    the right, so the page can ask the person to log in again and keep its queue (never a redirect)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return JsonResponse(
                    {
                        "error": "login",
                        "message": "Sesi masuk Anda berakhir. Masuk lagi; catatan tetap aman di perangkat.",
                        "login_url": f"{reverse('login')}?next={reverse('fieldwork:home')}",
                    },
                    status=401,
                )
            if not request.user.has_perm(permission):
                return JsonResponse(
                    {"error": "forbidden", "message": "Akses ditolak: peran Anda tidak bekerja luring."},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return login_not_required(never_cache(wrapped))

    return decorator


@permission_required(WORK_OFFLINE, raise_exception=True)
def home(request):
    """The offline page: the same for everyone (the service worker keeps it); the data comes as JSON."""
    return render(request, "fieldwork/luring.html")


@json_access(WORK_OFFLINE)
@require_GET
def bundle(request):
    return JsonResponse(selectors.field_bundle(request.user))


@json_access(WORK_OFFLINE)
@require_GET
def status(request):
    """Who is logged in and the CSRF token to send with (the token's cookie is HttpOnly)."""
    return JsonResponse({"username": request.user.username, "csrf_token": get_token(request)})


@json_access(WORK_OFFLINE)
@require_POST
def sync(request):
    try:
        records = json.loads(request.body or b"null").get("records")
        answers = services.sync_batch(user=request.user, records=records)
    except (ValueError, AttributeError):
        return JsonResponse({"error": "bad", "message": "Kiriman tidak terbaca."}, status=400)
    except ValidationError as error:
        return JsonResponse({"error": "bad", "message": services.describe(error)}, status=400)
    return JsonResponse({"results": answers})


@permission_required(REVIEW, raise_exception=True)
def review_list(request):
    page = Paginator(selectors.records_to_review(), 50).get_page(request.GET.get("page"))
    shown = [record.business_id for record in page if record.business_id]
    if page.object_list:
        # The walk-ins' NIKs as typed and the matched businesses' NIKs are shown whole (UU 27/2022).
        access.note(
            request,
            access.Kind.NIK_PAGE,
            business_ids=shown,
            note=f"Tinjauan pendaftaran luring, halaman {page.number} ({len(page.object_list)} catatan)",
        )
    return render(request, "fieldwork/review_list.html", {"page": page})


@permission_required(REVIEW, raise_exception=True)
@require_POST
def review(request, pk):
    record = get_object_or_404(OfflineRecord, pk=pk)
    answer = request.POST.get("same")
    if answer not in ("ya", "bukan"):
        messages.error(request, "Pilih apakah pendaftaran ini usaha yang sama atau bukan.")
        return redirect("fieldwork:review_list")
    try:
        services.offline_record_review(record=record, user=request.user, same_business=answer == "ya")
    except ValidationError as error:
        messages.error(request, services.describe(error))
    else:
        if answer == "ya":
            messages.success(request, f"{record.business} dikonfirmasi hadir di {record.event}.")
        else:
            messages.info(request, f"Bukan usaha yang sama: {record.summary}. Daftarkan secara manual.")
    return redirect("fieldwork:review_list")


@permission_required(WORK_OFFLINE, raise_exception=True)
@require_GET
def manifest(request):
    data = {
        "name": "UMKM Blitar — Dinas Koperasi dan UKM Kabupaten Blitar",
        "short_name": "UMKM Blitar",
        "description": "Catat sesi, penilaian dan pendaftaran UMKM di lapangan, juga tanpa sinyal.",
        "lang": "id",
        "start_url": reverse("fieldwork:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f8f9fa",
        "theme_color": "#198754",
        "icons": [
            {"src": static("img/luring/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/luring/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/luring/icon-512-maskable.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@permission_required(WORK_OFFLINE, raise_exception=True)
@require_GET
def service_worker(request):
    """static/js/luring/sw.js, told which files make the app shell; a new static file is a new worker."""
    shell = [reverse("fieldwork:home"), *(static(name) for name in SHELL_STATIC)]
    code = Path(finders.find("js/luring/sw.js")).read_text(encoding="utf-8")
    version = hashlib.sha256((json.dumps(shell) + code).encode()).hexdigest()[:12]
    head = f"self.SHELL = {json.dumps(shell)};\nself.SHELL_VERSION = {json.dumps(version)};\n"
    response = HttpResponse(head + code, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def clear_site_data(view):
    """Logging out wipes what the offline page stored on this browser (IndexedDB, the worker's cache)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response

    return wrapped
