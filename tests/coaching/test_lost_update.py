"""No lost update: two people editing one coaching session; the second save stops and shows the first.

The session form carries, hidden, the version of the session it showed (see tests/registry/
test_lost_update.py for the business form and the race between two threads).
"""

import pytest
from django.urls import reverse

from coaching import selectors, services
from coaching.models import Attendance, CoachingSession, Topic
from registry.formatting import tanggal_jam
from registry.services import StaleEdit
from tests.factories import BusinessFactory, CoachingSessionFactory
from tests.registry.test_lost_update import form_on_page, text_of, version_on_page

pytestmark = pytest.mark.django_db

STALE = (
    "Sesi ini sudah diubah oleh {who} pada {when} setelah Anda membukanya. Perubahan Anda belum "
    "disimpan. Periksa perubahan mereka di bawah, lalu simpan lagi."
)


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


@pytest.fixture
def session(programme, pendamping):
    """Bagus's class in Srengat on digital marketing."""
    return CoachingSessionFactory(
        programme=programme,
        pendamping=pendamping,
        recorded_by=pendamping,
        venue="Balai Desa Karanggayam",
        notes="",
        topics=[topic("digital")],
    )


def edit_url(session) -> str:
    return reverse("coaching:session_edit", args=[session.pk])


def test_the_session_form_carries_the_version_it_showed(client_for, session):
    client = client_for("pendamping")
    page = client.get(edit_url(session))
    assert version_on_page(page) == page.context["form"].initial["version"] == 1

    assert client.post(edit_url(session), form_on_page(page, notes="Kemasan")).status_code == 302

    assert version_on_page(client.get(edit_url(session))) == 2


def test_the_second_of_two_people_saving_a_session_is_stopped_and_shown_the_first_ones_change(
    client_for, session
):
    siti, bagus = client_for("staf"), client_for("pendamping")
    page_siti = siti.get(edit_url(session))
    page_bagus = bagus.get(edit_url(session))

    first = siti.post(
        edit_url(session),
        form_on_page(page_siti, venue="Rumah produksi Bu Sri", topics=[str(topic("produktivitas").pk)]),
    )
    second = bagus.post(edit_url(session), form_on_page(page_bagus, notes="Label kemasan", hours="3"))

    assert first.status_code == 302
    assert second.status_code == 200
    html = text_of(second)
    by_siti = session.history.filter(version=2).latest("history_id")
    assert STALE.format(who="Siti", when=tanggal_jam(by_siti.history_date)) in html
    assert "Tempat: Balai Desa Karanggayam → <strong>Rumah produksi Bu Sri</strong>" in html
    assert "Topik: Digitalisasi → <strong>Produktivitas</strong>" in html
    assert f'href="{session.get_absolute_url()}"' in html
    assert f"/admin/coaching/coachingsession/{session.pk}/history/" not in html  # no admin for Bagus
    # Nothing of Bagus's was saved; the version moved once for Siti's save and her new topics.
    session.refresh_from_db()
    assert (session.venue, session.notes, session.duration_minutes, session.version) == (
        "Rumah produksi Bu Sri",
        "",
        120,
        2,
    )
    assert list(session.topics.values_list("slug", flat=True)) == ["produktivitas"]
    # Bagus's form still holds all he typed, and the version he has just seen.
    form = second.context["form"]
    assert (form["notes"].value(), form["hours"].value(), form["venue"].value()) == (
        "Label kemasan",
        "3",
        "Balai Desa Karanggayam",
    )
    assert version_on_page(second) == 2


def test_after_seeing_the_other_change_the_person_saves_again_and_it_goes_through(client_for, session):
    siti, bagus = client_for("staf"), client_for("pendamping")
    page_bagus = bagus.get(edit_url(session))
    siti.post(edit_url(session), form_on_page(siti.get(edit_url(session)), venue="Rumah produksi Bu Sri"))
    refused = bagus.post(edit_url(session), form_on_page(page_bagus, notes="Label kemasan"))
    assert refused.status_code == 200

    again = bagus.post(edit_url(session), form_on_page(refused, venue="Rumah produksi Bu Sri"))

    assert again.status_code == 302
    session.refresh_from_db()
    assert (session.venue, session.notes, session.version) == ("Rumah produksi Bu Sri", "Label kemasan", 3)


def test_an_admin_refused_as_stale_is_offered_the_sessions_history_in_the_admin(client_for, session):
    admin, siti = client_for("admin"), client_for("staf")
    page_admin = admin.get(edit_url(session))
    siti.post(edit_url(session), form_on_page(siti.get(edit_url(session)), speaker="Dosen Unisba"))

    response = admin.post(edit_url(session), form_on_page(page_admin, notes="Kemasan"))

    html = text_of(response)
    assert "Narasumber luar: — → <strong>Dosen Unisba</strong>" in html
    assert f'href="/admin/coaching/coachingsession/{session.pk}/history/"' in html
    assert admin.get(f"/admin/coaching/coachingsession/{session.pk}/history/").status_code == 200


def test_the_changes_are_listed_in_the_order_of_the_form(session, staf):
    services.session_update(
        session=session,
        user=staf,
        fields={"held_on": session.held_on.replace(day=6), "kind": "mentoring", "notes": "Kemasan"},
        topics=[topic("digital"), topic("keuangan")],
        expected_version=1,
    )

    (entry,) = selectors.session_changes_since(session, 1)

    assert [(change.label, change.old, change.new) for change in entry.changes] == [
        ("tanggal", "5 Maret 2024", "6 Maret 2024"),
        ("jenis sesi", "Kelas kelompok", "Pendampingan satu-satu"),
        ("catatan", "—", "Kemasan"),
        ("topik", "Digitalisasi", "Digitalisasi, Keuangan & pembukuan"),
    ]
    assert (entry.who, entry.reason) == ("Siti", "Sesi diubah")


def test_of_two_updates_from_the_same_version_exactly_one_is_saved(session, staf, pendamping):
    # Two people's saves, one after the other, each from the version both of them loaded.
    services.session_update(
        session=session, user=staf, fields={"venue": "Pendopo"}, topics=[topic("digital")], expected_version=1
    )
    with pytest.raises(StaleEdit) as refused:
        services.session_update(
            session=session,
            user=pendamping,
            fields={"notes": "Kemasan"},
            topics=[topic("digital")],
            expected_version=1,
        )

    assert str(refused.value).startswith("Sesi ini sudah diubah oleh Siti pada ")
    session.refresh_from_db()
    assert (session.venue, session.notes, session.version) == ("Pendopo", "", 2)


def test_adding_an_attendee_does_not_stop_an_edit_of_the_session_opened_before(
    client_for, session, pendamping
):
    """Attendance is kept apart from the session's own fields, which are all the form edits."""
    client = client_for("pendamping")
    page = client.get(edit_url(session))
    services.attendance_add(session=session, businesses=[BusinessFactory()], user=pendamping)

    response = client.post(edit_url(session), form_on_page(page, notes="Kemasan"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.notes, session.version) == ("Kemasan", 2)
    assert Attendance.objects.filter(session=session).count() == 1


def test_every_save_of_a_session_raises_its_version(session):
    session.venue = "Pendopo"
    session.save()
    session.notes = "Kemasan"
    session.save(update_fields=["notes"])

    assert CoachingSession.objects.get(pk=session.pk).version == 3
    assert session.history.filter(version=3).exists()
