"""The access log: an entry for each path that shows a NIK whole or hands out personal data, none for
the masked ones, one query per request to write it, and no way to change or delete an entry."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.access import Kind, record
from privacy.models import AccessLogEntry
from registry.models import RegistryImport
from tests.factories import BusinessFactory, UserFactory
from tests.registry.form_data import business_post
from umkm_blitar.api.services import api_token_create

pytestmark = pytest.mark.django_db

NIK = "3505034105900001"


@pytest.fixture
def business():
    return BusinessFactory(name="Keripik Tempe Bu Sri", owner_nik=NIK, phone="081234567890")


def entries(kind=None):
    rows = AccessLogEntry.objects.all()
    return list(rows.filter(kind=kind) if kind else rows)


def inserts_into_the_log(queries) -> int:
    return sum('INSERT INTO "privacy_accesslogentry"' in query["sql"] for query in queries.captured_queries)


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staf", "admin"])
def test_a_business_page_showing_the_nik_whole_is_logged(role, business, client_for, users):
    response = client_for(role).get(reverse("registry:business_detail", args=[business.pk]))
    assert NIK in response.text
    [entry] = entries()
    assert (entry.kind, entry.user, entry.username) == (Kind.NIK_PAGE, users[role], users[role].username)
    assert entry.business_id_list == [business.pk]
    assert entry.address == "127.0.0.1"
    assert entry.path == reverse("registry:business_detail", args=[business.pk])
    assert timezone.now() - entry.at < datetime.timedelta(minutes=1)


@pytest.mark.parametrize("role", ["pendamping", "pimpinan"])
def test_a_business_page_with_the_nik_masked_is_not_logged(role, business, client_for):
    response = client_for(role).get(reverse("registry:business_detail", args=[business.pk]))
    assert response.status_code == 200 and NIK not in response.text
    assert entries() == []


def test_a_business_without_a_nik_is_not_logged(client_for):
    plain = BusinessFactory(owner_nik=None)
    client_for("staf").get(reverse("registry:business_detail", args=[plain.pk]))
    assert entries() == []


def test_the_edit_form_holding_the_nik_is_logged(business, client_for):
    client_for("staf").get(reverse("registry:business_edit", args=[business.pk]))
    assert [(e.kind, e.business_id_list) for e in entries()] == [(Kind.NIK_PAGE, [business.pk])]


def test_a_change_is_linked_to_its_history_row_and_written_with_the_page_in_one_query(business, client_for):
    post = business_post(owner_name="Sri Wahyuningsih", owner_nik=NIK, version=str(business.version))
    with CaptureQueriesContext(connection) as queries:
        response = client_for("staf").post(reverse("registry:business_edit", args=[business.pk]), post)
    assert response.status_code == 302
    change = entries(Kind.CHANGE)
    history = business.history.latest("history_id")
    assert [(e.business_id_list, e.note) for e in change] == [
        ([business.pk], f"Riwayat #{history.history_id} (Diubah)")
    ]
    assert len(entries(Kind.NIK_PAGE)) == 1
    assert inserts_into_the_log(queries) == 1  # both entries, one bulk insert at the end of the request


def test_an_answer_refused_writes_nothing(business, client_for):
    response = client_for("staf").get(reverse("registry:business_edit", args=[business.pk + 1000]))
    assert response.status_code == 404
    assert entries() == []


# --- the API --------------------------------------------------------------------------------------


def test_the_api_giving_out_whole_niks_is_logged_and_masked_answers_are_not(business):
    _, staf_key = api_token_create(name="Satu Data", role="staf")
    _, head_key = api_token_create(name="Pimpinan", role="pimpinan")
    url = reverse("api:business_detail", args=[business.pk])
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {head_key}").json()["owner_nik"] != NIK
    assert entries() == []
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {staf_key}").json()["owner_nik"] == NIK
    [entry] = entries()
    assert entry.kind == Kind.NIK_API and entry.business_id_list == [business.pk]
    assert entry.user is None and entry.username.startswith("token API Satu Data")
    assert inserts_into_the_log(queries) == 1
    Client().get(reverse("api:business_list"), HTTP_AUTHORIZATION=f"Bearer {staf_key}")
    assert len(entries(Kind.NIK_API)) == 2


# --- exports, the report, imports --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staf", "pimpinan"])  # names and phones, whether the NIK is masked or not
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_registry_export_is_logged_with_its_filter_and_rows(role, export_format, business, client_for):
    BusinessFactory(name="Kopi Bubuk Wonodadi")
    response = client_for(role).get(
        reverse("registry:business_export"), {"q": "Keripik", "format": export_format}
    )
    b"".join(response.streaming_content)  # a CSV writes its entry once the last row is sent
    [entry] = entries()
    assert (entry.kind, entry.filter, entry.rows) == (Kind.EXPORT, "q=Keripik", 1)


def test_the_cohort_export_and_the_quarterly_report_are_logged(new_world, users, client_for):
    world = new_world()
    world.enrol(business__owner_nik=NIK, pendamping=users["pendamping"])
    programme = world.programme
    response = client_for("staf").get(
        reverse("coaching:cohort_export", args=[programme.pk]), {"format": "xlsx"}
    )
    assert response.status_code == 200
    response = client_for("pimpinan").get(
        reverse("coaching:quarterly_report", args=[programme.pk]), {"triwulan": 2}
    )
    assert response.status_code == 200
    kinds = [(e.kind, e.username, e.rows) for e in AccessLogEntry.objects.order_by("pk")]
    assert kinds == [(Kind.EXPORT, "staf-uji", 1), (Kind.REPORT, "pimpinan-uji", None)]
    assert AccessLogEntry.objects.get(kind=Kind.REPORT).filter == f"program={programme.pk}&triwulan=2"


def test_confirming_an_import_is_logged(client_for, users, monkeypatch):
    monkeypatch.setattr("registry.services.registry_import_start", lambda registry_import: None)
    registry_import = RegistryImport.objects.create(
        file_name="registri.xlsx",
        status=RegistryImport.Status.READY,
        created_by=users["staf"],
        created_count=3,
        rows_total=3,
    )
    response = client_for("staf").post(reverse("registry:import_confirm", args=[registry_import.pk]))
    assert response.status_code == 302
    [entry] = entries()
    assert (entry.kind, entry.rows) == (Kind.IMPORT, 3)
    assert entry.note == f"Impor #{registry_import.pk} (registri.xlsx)"


def test_pages_without_personal_data_write_nothing(client_for):
    for name in ("home", "registry:business_list", "registry:dashboard"):
        assert client_for("staf").get(reverse(name)).status_code == 200
    assert entries() == []


# --- append-only ----------------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted_in_code(business, users):
    entry = record(users["staf"], Kind.NIK_PAGE, business_ids=[business.pk])
    entry.note = "diubah"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AccessLogEntry.objects.update(note="diubah")
    with pytest.raises(PermissionDenied):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().note == ""


def test_the_admin_reads_but_never_changes_or_deletes_an_entry(business, users, client_for):
    entry = record(users["staf"], Kind.NIK_PAGE, business_ids=[business.pk])
    admin = client_for("admin")
    change = reverse("admin:privacy_accesslogentry_change", args=[entry.pk])
    assert admin.get(change).status_code == 200
    assert admin.post(change, {"note": "diubah", "username": "lain"}).status_code == 403
    assert admin.get(reverse("admin:privacy_accesslogentry_delete", args=[entry.pk])).status_code == 403
    assert (
        admin.post(
            reverse("admin:privacy_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    changelist = reverse("admin:privacy_accesslogentry_changelist")
    bulk = admin.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    entry_again = AccessLogEntry.objects.get()
    assert (entry_again.note, entry_again.username) == ("", "staf-uji")


def test_the_admin_finds_the_entries_about_a_nik_and_exports_them(business, users, client_for):
    other = BusinessFactory(owner_nik="3505035506920002")
    record(users["staf"], Kind.NIK_PAGE, business_ids=[business.pk])
    record(users["staf"], Kind.NIK_PAGE, business_ids=[other.pk])
    record(users["admin"], Kind.NIK_API, business_ids=[other.pk, business.pk])
    record(users["staf"], Kind.NIK_PAGE, business_ids=[business.pk * 10 + 1])  # an id that only starts alike
    admin = client_for("admin")
    changelist = reverse("admin:privacy_accesslogentry_changelist")
    response = admin.get(changelist, {"q": NIK})
    assert response.context["cl"].result_count == 2
    found = sorted(response.context["cl"].result_list, key=lambda e: e.pk)
    export = admin.post(changelist, {"action": "export_csv", "_selected_action": [e.pk for e in found]})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ID,Waktu (WIB),Pengguna,Alamat,Jenis")
    assert len(lines) == 3
    assert NIK not in "".join(lines)  # the log names businesses, never NIKs
    xlsx = admin.post(changelist, {"action": "export_xlsx", "_selected_action": [found[0].pk]})
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].startswith("attachment;")


def test_prune_deletes_only_entries_past_the_retention(users, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    old = record(users["staf"], Kind.EXPORT, rows=5)
    kept = record(users["staf"], Kind.EXPORT, rows=6)
    # Make the first one old through the only door there is: a raw UPDATE, as a migration would.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_accesslogentry SET at = %s WHERE id = %s",
            [timezone.now() - datetime.timedelta(days=31), old.pk],
        )
    call_command("prune_access_log")
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_django_admins_business_page_is_logged_too(business, client_for, users):
    client_for("admin").get(reverse("admin:registry_business_change", args=[business.pk]))
    [entry] = entries()
    assert (entry.kind, entry.user, entry.business_id_list) == (Kind.NIK_PAGE, users["admin"], [business.pk])


def test_deleting_a_user_keeps_their_entries_under_their_name(business, users):
    leaver = UserFactory(username="pegawai-pindah", role="staf")
    record(leaver, Kind.NIK_PAGE, business_ids=[business.pk])
    leaver.delete()
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.username) == (None, "pegawai-pindah")
