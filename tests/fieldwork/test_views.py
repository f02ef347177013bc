"""The offline page, its bundle, the manifest and service worker, and logout clearing the device."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from registry.formatting import mask_nik
from tests.factories import BusinessFactory

from .conftest import nik

pytestmark = pytest.mark.django_db
BUNDLE = reverse("fieldwork:bundle")


def test_a_pendamping_downloads_their_own_businesses_with_the_nik_masked(field, client_for):
    bundle = client_for("pendamping").get(BUNDLE).json()

    names = [business["name"] for business in bundle["businesses"]]
    assert names == ["Keripik Tempe Bu Sri", "Sambal Pecel Mbak Ani"]
    assert bundle["businesses"][0]["owner_nik"] == mask_nik(nik(9000)) == "3505********9000"
    assert bundle["businesses"][0]["enrolment"] == field.own[0].pk
    assert [s["id"] for s in bundle["sessions"]] == [field.session.pk]
    assert bundle["sessions"][0]["version"] == field.session.version
    assert bundle["sessions"][0]["attendees"] == [field.own[0].business_id]
    assert [e["id"] for e in bundle["events"]] == [field.drive.pk]
    assert bundle["programme"]["id"] == field.programme.pk
    assert len(bundle["kecamatan"]) == 22 and len(bundle["desa"]) == 248
    assert bundle["user"] == {"username": "pendamping-uji", "name": "Bagus"}


def test_staf_download_the_whole_cohort_with_the_nik_whole(field, client_for):
    bundle = client_for("staf").get(BUNDLE).json()

    assert {b["name"] for b in bundle["businesses"]} == {
        "Keripik Tempe Bu Sri",
        "Sambal Pecel Mbak Ani",
        "Batik Tulis Pak Eko",
    }
    assert bundle["businesses"][1]["owner_nik"] == nik(9000)


def test_the_bundle_is_never_cached_by_the_browser(field, client_for):
    response = client_for("pendamping").get(BUNDLE)

    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_bundle_keeps_its_query_count_as_the_cohort_grows(
    field, client_for, django_assert_max_num_queries
):
    client = client_for("pendamping")
    for number in range(40):
        enrolment = field.own[0].__class__.objects.create(
            programme=field.programme,
            business=BusinessFactory(owner_nik=nik(7000 + number)),
            pendamping=field.users["pendamping"],
            enrolled_on=datetime.date(field.programme.year, 1, 3),
        )
        assert enrolment.pk

    # session, user, the user's permissions (2), programme, topics, kecamatan, desa, sectors,
    # enrolments with businesses, sessions, their topics, their attendances, drives
    with django_assert_max_num_queries(16):
        bundle = client.get(BUNDLE).json()

    assert len(bundle["businesses"]) == 42


def test_the_offline_page_holds_nothing_personal(field, client_for):
    html = client_for("pendamping").get(reverse("fieldwork:home")).content.decode()

    assert "Siapkan kerja luring" in html
    assert "Bagus" not in html and "pendamping-uji" not in html
    assert "Keripik Tempe" not in html
    assert 'name="csrfmiddlewaretoken" value=""' in html  # filled by the page from /luring/status/


def test_the_manifest_names_the_office_and_starts_at_luring(client_for):
    response = client_for("pendamping").get("/manifest.webmanifest")

    manifest = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert (manifest["start_url"], manifest["display"], manifest["scope"]) == ("/luring/", "standalone", "/")
    assert manifest["short_name"] == "UMKM Blitar"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_service_worker_is_served_for_the_whole_site_with_its_shell(client_for):
    response = client_for("pendamping").get("/sw.js")

    code = response.content.decode()
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    assert code.startswith('self.SHELL = ["/luring/", ')
    assert "/static/js/luring/app.js" in code
    # Only the page and static files: no endpoint with data is kept.
    shell = code.splitlines()[0]
    assert "bekal" not in shell and "kirim" not in shell and "status" not in shell


def test_the_csp_allows_the_worker_and_the_manifest_from_this_site_only(client_for):
    policy = client_for("pendamping").get(reverse("fieldwork:home"))["Content-Security-Policy"]

    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "script-src 'self';" in policy + ";"


def test_logging_out_clears_what_the_offline_page_stored(users):
    client = Client()
    client.force_login(users["pendamping"])

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_status_endpoint_gives_the_csrf_token_and_anonymous_a_json_401(client_for):
    assert len(client_for("staf").get(reverse("fieldwork:status")).json()["csrf_token"]) == 64
    response = Client().get(reverse("fieldwork:status"))
    assert response.status_code == 401
    assert "Masuk lagi" in response.json()["message"]


def test_pimpinan_get_neither_the_offline_page_nor_its_worker(client_for):
    client = client_for("pimpinan")

    for url in (reverse("fieldwork:home"), "/sw.js", "/manifest.webmanifest"):
        assert client.get(url).status_code == 403, url
