"""The sync endpoint: each record through the online services, idempotent on its device UUID."""

import json
import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching.models import Assessment, Attendance, CoachingSession, EventParticipant
from fieldwork import services as fieldwork_services
from fieldwork.models import OfflineRecord
from privacy.models import AccessLogEntry
from registry.models import Business, Desa, Sector
from registry.services import business_update
from tests.factories import BusinessFactory

from .conftest import nik, walk_in

pytestmark = pytest.mark.django_db
SYNC = reverse("fieldwork:sync")


def send(client, *records):
    response = client.post(SYNC, json.dumps({"records": list(records)}), content_type="application/json")
    assert response.status_code == 200, response.content
    return {answer["uuid"]: answer for answer in response.json()["results"]}


def session_record(field, *, attendees, **data) -> dict:
    today = timezone.localdate()
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "sesi",
        "device_time": timezone.now().isoformat(),
        "data": {
            "programme": field.programme.pk,
            "held_on": today.isoformat(),
            "kind": "kunjungan",
            "duration_minutes": "90",
            "kecamatan": field.drive.kecamatan_id,
            "desa": field.drive.desa_id,
            "venue": "Balai desa",
            "topics": [field.topic.pk],
            "attendees": [enrolment.business_id for enrolment in attendees],
            **data,
        },
    }


def assessment_record(enrolment, **data) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "penilaian",
        "device_time": timezone.now().isoformat(),
        "data": {
            "enrolment": enrolment.pk,
            "assessed_on": timezone.localdate().isoformat(),
            "turnover": "150000000",
            "capital": "30000000",
            "employees": "3",
            "has_nib": True,
            "sells_online": True,
            "latest_assessment": None,
            **data,
        },
    }


@pytest.fixture
def makanan():
    return Sector.objects.get(slug="makanan").pk


def test_a_session_with_attendance_is_recorded_once_with_history_naming_the_person(field, client_for):
    client = client_for("pendamping")
    record = session_record(field, attendees=field.own)

    first = send(client, record)
    again = send(client, record)

    assert first[record["uuid"]]["status"] == "diterima"
    assert again[record["uuid"]]["status"] == "sudah_diterima"
    assert "tidak dicatat dua kali" in again[record["uuid"]]["message"]
    session = CoachingSession.objects.get(venue="Balai desa")
    assert session.pendamping == field.users["pendamping"]
    assert set(session.attendances.values_list("business_id", flat=True)) == {
        e.business_id for e in field.own
    }
    assert {h.history_user for h in session.history.all()} == {field.users["pendamping"]}
    stored = OfflineRecord.objects.get(device_uuid=record["uuid"])
    assert (stored.session, stored.sent_by, stored.status) == (session, field.users["pendamping"], "diterima")


def test_a_pendamping_cannot_send_attendance_for_a_business_not_assigned_to_them(field, client_for):
    record = session_record(field, attendees=[field.own[0], field.other])

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "ditolak"
    assert "Batik Tulis Pak Eko" in answer["message"]
    assert not CoachingSession.objects.filter(venue="Balai desa").exists()
    assert not OfflineRecord.objects.exists()


def test_a_refused_record_can_be_corrected_and_sent_again_under_its_uuid(field, client_for):
    client = client_for("pendamping")
    record = session_record(field, attendees=field.own, topics=[])
    assert send(client, record)[record["uuid"]]["message"] == "Pilih paling sedikit satu topik."

    record["data"]["topics"] = [field.topic.pk]

    assert send(client, record)[record["uuid"]]["status"] == "diterima"
    assert CoachingSession.objects.filter(venue="Balai desa").count() == 1


def test_attendance_on_a_session_changed_on_the_server_since_the_download_is_refused_with_who_changed_it(
    field, client_for
):
    staf = field.users["staf"]
    session = field.session
    downloaded = session.version
    session.venue = "Pendopo kecamatan"
    session._history_user = staf
    session.save()
    record = session_record(field, attendees=[field.own[1]], session=session.pk, version=downloaded)

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "ditolak"
    assert "Sesi ini sudah diubah oleh Siti" in answer["message"]
    assert "Yang berubah: tempat: — → Pendopo kecamatan." in answer["message"]
    assert answer["current"] == {"version": downloaded + 1}
    assert not Attendance.objects.filter(session=session, business=field.own[1].business).exists()
    record["data"]["version"] = downloaded + 1
    assert send(client_for("pendamping"), record)[record["uuid"]]["status"] == "diterima"
    assert Attendance.objects.filter(session=session, business=field.own[1].business).exists()


def test_an_assessment_is_recorded_for_the_pendampings_own_business(field, client_for):
    record = assessment_record(field.own[0])

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "diterima", answer
    assessment = Assessment.objects.get(enrolment=field.own[0])
    assert (assessment.kind, assessment.turnover, assessment.has_nib) == ("awal", 150_000_000, True)
    assert {h.history_user for h in assessment.history.all()} == {field.users["pendamping"]}


def test_an_assessment_for_another_pendampings_business_is_refused(field, client_for):
    record = assessment_record(field.other)

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert (answer["status"], answer["message"]) == ("ditolak", "Anda tidak berhak mencatat ini.")
    assert not Assessment.objects.exists()


def test_an_assessment_is_refused_when_another_was_recorded_since_the_download(field, client_for):
    staf_record = assessment_record(field.own[0])
    send(client_for("staf"), staf_record)
    latest = Assessment.objects.get()
    record = assessment_record(
        field.own[0], latest_assessment=None, assessed_on=latest.assessed_on.isoformat()
    )

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "ditolak"
    assert "sudah dicatat oleh Siti" in answer["message"]
    assert answer["current"] == {"latest_assessment": latest.pk}
    assert Assessment.objects.count() == 1


def test_a_walk_in_is_registered_and_attends_the_drive(field, client_for, makanan):
    record = walk_in(uuid.uuid4(), field.drive, 1, sector=makanan, nib="9120301234567")

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "diterima", answer
    business = Business.objects.get(owner_nik=nik(1))
    assert (business.name, business.phone, business.desa, business.nib) == (
        "Warung Pondok 1",
        "081234567890",
        field.drive.desa,
        "9120301234567",
    )
    assert EventParticipant.objects.filter(event=field.drive, business=business).exists()
    assert {h.history_user for h in business.history.all()} == {field.users["pendamping"]}
    assert OfflineRecord.objects.get().payload == {}  # nothing personal kept once accepted


def test_a_walk_in_whose_nik_exists_is_matched_for_staf_to_confirm(field, client_for, makanan):
    known = field.own[0].business
    record = walk_in(uuid.uuid4(), field.drive, 2, sector=makanan, owner_nik=known.owner_nik)

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "cocok"
    assert "Cocok dengan usaha yang ada: Keripik Tempe Bu Sri" in answer["message"]
    assert Business.objects.filter(owner_nik=known.owner_nik).count() == 1
    assert not Business.objects.filter(name="Warung Pondok 2").exists()
    matched = OfflineRecord.objects.get()
    assert (matched.status, matched.business) == ("cocok", known)

    staf = client_for("staf")
    page = staf.get(reverse("fieldwork:review_list"))
    assert "Warung Pondok 2" in page.content.decode()
    response = staf.post(reverse("fieldwork:review", args=[matched.pk]), {"same": "ya"})

    assert response.status_code == 302
    matched.refresh_from_db()
    assert (matched.status, matched.reviewed_by, matched.payload) == ("dikonfirmasi", field.users["staf"], {})
    assert EventParticipant.objects.filter(event=field.drive, business=known).exists()
    assert "Warung Pondok 2" not in staf.get(reverse("fieldwork:review_list")).content.decode()


def test_a_walk_in_with_a_malformed_nik_is_refused_in_indonesian(field, client_for, makanan):
    record = walk_in(uuid.uuid4(), field.drive, 3, sector=makanan, owner_nik="35050312")

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert (answer["status"], answer["message"]) == ("ditolak", "NIK harus 16 digit angka.")
    assert not Business.objects.filter(name="Warung Pondok 3").exists()


def test_a_walk_in_whose_desa_is_not_in_the_kecamatan_is_refused(field, client_for, makanan):
    elsewhere = Desa.objects.exclude(kecamatan=field.drive.kecamatan).first()
    record = walk_in(uuid.uuid4(), field.drive, 4, sector=makanan, desa=elsewhere.pk)

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "ditolak"
    assert f"Desa {elsewhere.name} tidak terletak" in answer["message"]


def test_a_batch_gets_one_answer_per_record_in_order(field, client_for, makanan):
    records = [walk_in(uuid.uuid4(), field.drive, n, sector=makanan) for n in (5, 6)]
    records.insert(1, {"uuid": "bukan-uuid", "kind": "pendaftaran", "device_time": "x", "data": {}})

    response = client_for("staf").post(
        SYNC, json.dumps({"records": records}), content_type="application/json"
    )

    statuses = [answer["status"] for answer in response.json()["results"]]
    assert statuses == ["diterima", "ditolak", "diterima"]


def test_the_staf_review_refuses_a_record_already_reviewed(field, client_for, makanan):
    record = walk_in(uuid.uuid4(), field.drive, 7, sector=makanan, owner_nik=field.own[1].business.owner_nik)
    send(client_for("staf"), record)
    matched = OfflineRecord.objects.get()
    staf = client_for("staf")
    staf.post(reverse("fieldwork:review", args=[matched.pk]), {"same": "bukan"})

    response = staf.post(reverse("fieldwork:review", args=[matched.pk]), {"same": "ya"}, follow=True)

    assert "Catatan ini sudah ditinjau." in response.content.decode()
    matched.refresh_from_db()
    assert matched.status == "bukan"
    assert not EventParticipant.objects.filter(event=field.drive, business=field.own[1].business).exists()


def test_the_review_list_keeps_its_query_count_as_matches_grow(
    field, client_for, makanan, django_assert_max_num_queries
):
    staf = client_for("staf")
    for number in range(30):
        known = BusinessFactory(owner_nik=nik(5000 + number))
        send(
            staf, walk_in(uuid.uuid4(), field.drive, 100 + number, sector=makanan, owner_nik=known.owner_nik)
        )
    assert OfflineRecord.objects.filter(status="cocok").count() == 30

    # session, user, its permissions (2), count, page of records with their joins, the access log's entry
    with django_assert_max_num_queries(9):
        response = staf.get(reverse("fieldwork:review_list"))

    assert response.content.decode().count("Usaha yang sama") == 30


def test_the_review_list_shows_nik_whole_and_says_so_in_the_access_log(field, client_for, makanan):
    known = BusinessFactory(owner_nik=nik(6001))
    staf = client_for("staf")
    send(staf, walk_in(uuid.uuid4(), field.drive, 200, sector=makanan, owner_nik=known.owner_nik))

    response = staf.get(reverse("fieldwork:review_list"))

    assert known.owner_nik in response.content.decode()
    logged = AccessLogEntry.objects.get(kind=AccessLogEntry.Kind.NIK_PAGE)
    assert (logged.user, logged.business_ids) == (field.users["staf"], f",{known.pk},")


def test_an_empty_review_list_logs_nothing(field, client_for):
    client_for("staf").get(reverse("fieldwork:review_list"))

    assert not AccessLogEntry.objects.exists()


def test_business_update_raises_the_version_the_sync_compares(field):
    """The optimistic locking the sync relies on: a business saved on the server moves its version."""
    business = field.own[0].business
    before = business.version
    business_update(business=business, user=field.users["staf"], fields={"employees": 9})
    business.refresh_from_db()
    assert business.version == before + 1


def test_a_role_without_fieldwork_rights_gets_json_403_and_nothing_changes(field, client_for, makanan):
    record = walk_in(uuid.uuid4(), field.drive, 8, sector=makanan)

    response = client_for("pimpinan").post(
        SYNC, json.dumps({"records": [record]}), content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert not Business.objects.filter(name="Warung Pondok 8").exists()


def test_an_expired_login_gets_json_401_with_the_way_back(field, makanan):
    record = walk_in(uuid.uuid4(), field.drive, 9, sector=makanan)

    response = Client().post(SYNC, json.dumps({"records": [record]}), content_type="application/json")

    assert response.status_code == 401
    assert response.json()["login_url"] == "/masuk/?next=/luring/"
    assert not Business.objects.filter(name="Warung Pondok 9").exists()


def test_the_sync_needs_the_csrf_token_the_status_endpoint_gives(field, users, makanan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["pendamping"])
    record = walk_in(uuid.uuid4(), field.drive, 10, sector=makanan)
    body = json.dumps({"records": [record]})

    refused = client.post(SYNC, body, content_type="application/json")
    token = client.get(reverse("fieldwork:status")).json()["csrf_token"]
    accepted = client.post(SYNC, body, content_type="application/json", headers={"X-CSRFToken": token})

    assert refused.status_code == 403
    assert not refused["Content-Type"].startswith("application/json")  # the page tells the two 403s apart
    assert accepted.json()["results"][0]["status"] == "diterima"


def test_an_unreadable_batch_is_refused_whole(client_for):
    client = client_for("pendamping")

    assert client.post(SYNC, "bukan json", content_type="application/json").status_code == 400
    response = client.post(SYNC, json.dumps({"records": "x"}), content_type="application/json")
    assert response.json()["message"] == "Kiriman harus berisi daftar catatan."


def test_walk_ins_need_the_fieldwork_right_which_the_role_table_gives_pendamping_and_staf():
    holders = {g.name for g in Group.objects.filter(permissions__codename="add_offlinerecord")}
    assert holders == {"admin", "staf", "pendamping"}


def test_a_walk_in_registered_by_another_phone_just_after_the_look_up_is_a_match(
    field, client_for, makanan, monkeypatch
):
    """Another phone's record committed between this one's look-up and its save: a match, not a refusal."""
    known = field.own[0].business
    look_ups = iter([None])
    real = fieldwork_services._known_business
    monkeypatch.setattr(
        fieldwork_services, "_known_business", lambda nik, nib: next(look_ups, real(nik, nib))
    )
    record = walk_in(uuid.uuid4(), field.drive, 11, sector=makanan, owner_nik=known.owner_nik)

    answer = send(client_for("pendamping"), record)[record["uuid"]]

    assert answer["status"] == "cocok", answer
    assert OfflineRecord.objects.get().business == known
    assert Business.objects.filter(owner_nik=known.owner_nik).count() == 1
