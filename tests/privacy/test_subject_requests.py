"""People's requests about their data: the deadline, what is overdue, the access export holding every row
about the person and nothing about anyone else, and a restriction taking the businesses out of exports."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from privacy import services
from privacy.access import Kind, record
from privacy.models import AccessLogEntry, SubjectRequest
from tests.factories import BusinessFactory
from umkm_blitar.api.services import api_token_create

pytestmark = pytest.mark.django_db

NIK = "3505036112870004"
OTHER_NIK = "3505031204800003"
LIST = "privacy:subject_request_list"


def cells(workbook) -> dict[str, list[list]]:
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def text_of(sheets) -> str:
    return "\n".join(
        str(value) for rows in sheets.values() for row in rows for value in row if value is not None
    )


def test_a_request_recorded_today_shows_its_deadline(client_for, users):
    received = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    response = client_for("staf").post(
        reverse(LIST),
        {
            "nik": NIK,
            "kind": "akses",
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "note": "Datang ke kantor",
        },
    )
    assert response.status_code == 302
    subject_request = SubjectRequest.objects.get()
    assert (subject_request.nik, subject_request.recorded_by) == (NIK, users["staf"])
    assert subject_request.deadline == received + datetime.timedelta(hours=72)
    page = client_for("staf").get(reverse(LIST))
    deadline = received + datetime.timedelta(hours=72)
    assert f"{deadline.day} " in page.text and deadline.strftime("%H.%M") in page.text
    assert "Belum dijawab" in page.text and "Lewat batas" not in page.text
    assert NIK in page.text  # staf see it whole, and that is logged
    assert AccessLogEntry.objects.filter(kind=Kind.NIK_PAGE, username="staf-uji").count() == 1


def test_a_request_past_three_days_unanswered_is_overdue(client_for, users):
    SubjectRequest.objects.create(
        nik=NIK,
        kind="penghapusan",
        received_at=timezone.now() - datetime.timedelta(hours=73),
        recorded_by=users["staf"],
    )
    SubjectRequest.objects.create(
        nik=OTHER_NIK,
        kind="akses",
        received_at=timezone.now() - datetime.timedelta(hours=71),
        recorded_by=users["staf"],
    )
    page = client_for("staf").get(reverse(LIST))
    assert page.text.count("Lewat batas") == 1
    overdue = [row for row, late in page.context["rows"] if late]
    assert [row.nik for row in overdue] == [NIK]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "3505٠٣٦١١٢٨٧٠٠٠٤", "NIK harus 16 digit angka."),
        ("nik", "123", "NIK harus 16 digit angka."),
        ("kind", "hapus-semua", "Masukkan pilihan yang valid."),
        ("received_at", "2999-01-01T10:00", "Waktu diterima tidak boleh di masa depan."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(client_for, field, value, message):
    data = {"nik": NIK, "kind": "akses", "received_at": "2024-05-02T10:00", field: value}
    response = client_for("staf").post(reverse(LIST), data)
    assert response.status_code == 200
    assert message in response.text
    assert not SubjectRequest.objects.exists()


def test_answering_a_request_marks_it_once(client_for, users):
    subject_request = SubjectRequest.objects.create(
        nik=NIK, kind="perbaikan", received_at=timezone.now(), recorded_by=users["staf"]
    )
    url = reverse("privacy:subject_request_answer", args=[subject_request.pk])
    assert client_for("staf").post(url, {"answer": "Nomor HP diperbaiki"}).status_code == 302
    subject_request.refresh_from_db()
    assert subject_request.answered_by == users["staf"] and subject_request.answer == "Nomor HP diperbaiki"
    response = client_for("admin").post(url, {"answer": "lagi"}, follow=True)
    assert "Permintaan ini sudah dijawab." in response.text
    subject_request.refresh_from_db()
    assert subject_request.answer == "Nomor HP diperbaiki"


def test_the_list_costs_the_same_queries_for_many_requests(client_for, users, django_assert_max_num_queries):
    for number in range(30):
        SubjectRequest.objects.create(
            nik=f"35050361128700{number:02d}",
            kind="akses",
            received_at=timezone.now(),
            recorded_by=users["staf"],
        )
    client = client_for("staf")
    client.get(reverse(LIST))
    # session, user, permissions (2), the count and the page of requests with both users joined, the
    # access log's one insert
    with django_assert_max_num_queries(8):
        client.get(reverse(LIST))


@pytest.fixture
def two_people(new_world, users):
    """The person (a business enrolled, assessed and present at a session), a business of the same name
    without a NIK (not provably theirs, so left out), and a neighbour in the same session and programme."""
    world = new_world()
    first = BusinessFactory(
        name="Rengginang Bu Wiwik", owner_name="Wiwik Setyaningrum", owner_nik=NIK, phone="085855512399"
    )
    second = BusinessFactory(name="Keripik Talas Wiwik", owner_name="Wiwik Setyaningrum", owner_nik=None)
    neighbour = BusinessFactory(
        name="Sale Pisang Pak Darto", owner_name="Darto Sumarno", owner_nik=OTHER_NIK, phone="081299900011"
    )
    mine = world.enrol(first, pendamping=users["pendamping"])
    theirs = world.enrol(neighbour, pendamping=users["pendamping"])
    for enrolment in (mine, theirs):
        world.assess(enrolment, users["pendamping"])
    world.hold_session(attendees=[mine, theirs], recorded_by=users["pendamping"])
    record(users["staf"], Kind.NIK_API, business_ids=[neighbour.pk, first.pk])
    record(users["staf"], Kind.NIK_PAGE, business_ids=[neighbour.pk])
    SubjectRequest.objects.create(
        nik=NIK, kind="akses", received_at=timezone.now(), recorded_by=users["staf"]
    )
    return first, second, neighbour


def test_the_access_export_holds_every_row_about_the_person_and_nothing_about_anyone_else(
    two_people, client_for
):
    first, second, neighbour = two_people
    subject_request = SubjectRequest.objects.get()
    response = client_for("staf").get(reverse("privacy:subject_request_export", args=[subject_request.pk]))
    assert response.status_code == 200
    sheets = cells(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))))
    counts = {name: len(rows) - 1 for name, rows in sheets.items()}
    assert counts == {
        "Usaha": 1,
        "Riwayat usaha": 1,
        "Peserta program": 1,
        "Riwayat peserta": 1,
        "Penilaian": 1,
        "Kehadiran": 1,
        "Kegiatan fasilitasi": 0,
        "Asosiasi": 0,
        "Catatan akses": 1,
        "Permintaan": 1,
    }
    text = text_of(sheets)
    for value in (NIK, "Rengginang Bu Wiwik", "085855512399"):
        assert value in text
    for value in (OTHER_NIK, "Darto Sumarno", "Sale Pisang", "081299900011", "Keripik Talas"):
        assert value not in text
    [access_row] = sheets["Catatan akses"][1:]
    assert access_row[3] == str(first.pk)  # the neighbour's id in the same entry is left out
    export = AccessLogEntry.objects.get(kind=Kind.SUBJECT_EXPORT)
    assert export.business_id_list == [first.pk]


def test_the_command_writes_the_same_workbook(two_people, tmp_path):
    output = tmp_path / "data.xlsx"
    call_command("personal_data_export", NIK, keluaran=str(output))
    sheets = cells(openpyxl.load_workbook(output))
    assert len(sheets["Usaha"]) == 2 and OTHER_NIK not in text_of(sheets)
    assert AccessLogEntry.objects.filter(kind=Kind.SUBJECT_EXPORT, user=None).count() == 1


def test_a_restriction_takes_the_businesses_out_of_exports_and_the_api_but_not_the_counts(
    two_people, users, client_for
):
    first, second, neighbour = two_people
    home_before = client_for("staf").get(reverse("registry:dashboard")).context["overview"].total
    services.subject_request_record(
        user=users["staf"], nik=NIK, kind="pembatasan", received_at=timezone.now()
    )
    first.refresh_from_db()
    assert first.processing_restricted and first.history.latest(
        "history_id"
    ).history_change_reason.startswith("Pemrosesan dibatasi")
    csv = client_for("staf").get(reverse("registry:business_export"), {"format": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Sale Pisang" in body and "Keripik Talas" in body and "Rengginang" not in body
    _, key = api_token_create(name="Satu Data", role="staf")
    api = Client()
    assert (
        api.get(
            reverse("api:business_detail", args=[first.pk]), HTTP_AUTHORIZATION=f"Bearer {key}"
        ).status_code
        == 404
    )
    assert (
        api.get(
            reverse("api:business_detail", args=[neighbour.pk]), HTTP_AUTHORIZATION=f"Bearer {key}"
        ).status_code
        == 200
    )
    assert client_for("staf").get(reverse("registry:dashboard")).context["overview"].total == home_before


@pytest.mark.parametrize("role", ["admin", "staf", "pendamping", "pimpinan"])
def test_the_privacy_page_is_linked_from_every_page_and_names_the_contact(role, client_for, settings):
    settings.PRIVACY_CONTACT = "PPID Dinkop-UKM, ppid@contoh.go.id"
    client = client_for(role)
    pages = [reverse("home"), reverse("registry:business_list")]
    if role != "pimpinan":
        pages.append(reverse("fieldwork:home"))  # the offline page, a template of its own
    for page in pages:
        assert f'href="{reverse("privacy:notice")}"' in client.get(page).text
    notice = client.get(reverse("privacy:notice"))
    assert "PPID Dinkop-UKM, ppid@contoh.go.id" in notice.text
    assert "tugas pemerintahan" in notice.text and "5 tahun" in notice.text
    assert (f'href="{reverse(LIST)}"' in notice.text) is (role in ("admin", "staf"))


def test_the_login_page_links_the_privacy_page_too():
    assert f'href="{reverse("privacy:notice")}"' in Client().get(reverse("login")).text
