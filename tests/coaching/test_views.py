"""Every coaching page for every role, and what each page does when a person uses it."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching import urls as coaching_urls
from coaching.models import (
    Assessment,
    Association,
    Attendance,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    KecamatanPlan,
    Membership,
    Programme,
    Topic,
)
from registry.models import Desa, Kecamatan, Sector
from tests.coaching.test_budget_views import ACCESS as BUDGET_ACCESS
from tests.coaching.test_monev import URL_NAMES as MONEV_URL_NAMES
from tests.factories import (
    AssociationFactory,
    BusinessFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    EventFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staf", "pendamping", "pimpinan"]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NIB = "9120001234567"
JATEN = "35.05.01.2001"  # a desa in Kecamatan Wonodadi


def text_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def srengat() -> Kecamatan:
    return Kecamatan.objects.get(name="Srengat")


def karanggayam() -> Desa:
    return Desa.objects.get(code="35.05.03.2001")


def attend(session, enrolment_or_business, user):
    """Record a business as present at a session (with its enrolment when it is a cohort member)."""
    if isinstance(enrolment_or_business, Enrolment):
        enrolment, business = enrolment_or_business, enrolment_or_business.business
    else:
        enrolment, business = None, enrolment_or_business
    return Attendance.objects.create(
        session=session, business=business, enrolment=enrolment, recorded_by=user
    )


# --- who may open what -------------------------------------------------------------------------


@pytest.fixture
def world(programme, staf, pendamping, other_pendamping, make_candidate, media_root):
    """One of everything the coaching pages show, with a business for each pendamping."""
    mine = EnrolmentFactory(programme=programme, pendamping=pendamping, business__name="Keripik Tempe Bu Sri")
    theirs = EnrolmentFactory(
        programme=programme, pendamping=other_pendamping, business__name="Kopi Bubuk Pak Budi"
    )
    candidate = EnrolmentFactory(programme=programme, business__name="Sambal Pecel Bu Ratna")
    make_candidate(candidate)
    verified = EnrolmentFactory(
        programme=programme,
        business__name="Gula Kelapa Pak Darto",
        status=Enrolment.Status.NAIK_KELAS,
        verified_on=datetime.date(2024, 7, 1),
        verified_by=staf,
        verified_criteria="NIB baru; mulai berjualan daring",
    )
    verified.evidence.save("bukti.pdf", ContentFile(PDF), save=True)
    my_session = CoachingSessionFactory(
        programme=programme, pendamping=pendamping, recorded_by=pendamping, topics=[topic("digital")]
    )
    attend(my_session, mine, pendamping)
    their_session = CoachingSessionFactory(
        programme=programme,
        pendamping=other_pendamping,
        recorded_by=other_pendamping,
        topics=[topic("keuangan")],
    )
    attend(their_session, theirs, other_pendamping)
    event = EventFactory(programme=programme)
    participant = EventParticipant.objects.create(
        event=event, business=mine.business, outcome_on=datetime.date(2024, 6, 10)
    )
    return {
        "programme": programme,
        "mine": mine,
        "theirs": theirs,
        "candidate": candidate,
        "verified": verified,
        "my_session": my_session,
        "their_session": their_session,
        "event": event,
        "participant": participant,
        "association": AssociationFactory(name="Asosiasi Keripik Blitar"),
        "other_pendamping": other_pendamping,
    }


# What each URL is opened on: "mine" is the pendamping's own enrolment or session, "theirs" another
# pendamping's.
TARGETS = {
    "data_to_fix": "programme",
    "cohort_export": "programme",
    "programme_detail": "programme",
    "programme_edit": "programme",
    "programme_plan": "programme",
    "cohort": "programme",
    "enrol": "programme",
    "candidate_list": "programme",
    "session_create": "programme",
    "enrolment_detail": "mine",
    "enrolment_pendamping": "mine",
    "enrolment_withdraw": "mine",
    "enrolment_verify": "candidate",
    "enrolment_unverify": "verified",
    "enrolment_evidence": "verified",
    "enrolment_membership": "verified",
    "event_detail": "event",
    "event_edit": "event",
    "event_add_participants": "event",
    "event_outcome": "participant",
    "association_detail": "association",
    "association_add_members": "association",
}


SESSIONS = {"mine": "my_session", "theirs": "their_session"}


def url_for(url_name: str, whose: str, world) -> str:
    if url_name == "session_remove_attendee":
        session = world[SESSIONS[whose]]
        return reverse(f"coaching:{url_name}", args=[session.pk, session.attendances.get().business_id])
    if url_name.startswith("session_") and whose:
        return reverse(f"coaching:{url_name}", args=[world[SESSIONS[whose]].pk])
    if url_name == "assessment_create":
        return reverse(f"coaching:{url_name}", args=[world[whose].pk])
    if url_name in TARGETS:
        return reverse(f"coaching:{url_name}", args=[world[TARGETS[url_name]].pk])
    return reverse(f"coaching:{url_name}")


# POST-only views: valid data, and the row a successful POST changes.
POSTS = {
    "enrolment_pendamping": (
        lambda w: {"pendamping": w["other_pendamping"].pk},
        lambda w: Enrolment.objects.get(pk=w["mine"].pk).pendamping_id,
    ),
    "enrolment_withdraw": (
        lambda w: {"reason": "Pindah usaha ke luar kabupaten"},
        lambda w: Enrolment.objects.get(pk=w["mine"].pk).status,
    ),
    "enrolment_verify": (
        lambda w: {"note": "Dokumen NIB dan toko daring diperiksa", "verified_on": "2024-07-01"},
        lambda w: Enrolment.objects.get(pk=w["candidate"].pk).status,
    ),
    "enrolment_unverify": (
        lambda w: {"reason": "Omzet salah catat"},
        lambda w: Enrolment.objects.get(pk=w["verified"].pk).status,
    ),
    "enrolment_membership": (
        lambda w: {"association": w["association"].pk, "joined_on": "2024-08-01"},
        lambda w: Membership.objects.count(),
    ),
    "session_remove_attendee": (
        lambda w: {},
        lambda w: Attendance.objects.count(),
    ),
    "event_outcome": (
        lambda w: {"outcome": "diajukan", "outcome_on": "2024-06-12"},
        lambda w: EventParticipant.objects.get(pk=w["participant"].pk).outcome,
    ),
}

# 302 is "sent to log in" for anonymous; for a signed-in person it is "done, back to the page" on a
# POST, and the redirect of my_businesses, my_sessions and session_create_current. 405: a GET of a
# form's action.
ACCESS = [
    # url name,                whose,   method, anonymous, admin, staf, pendamping, pimpinan
    ("programme_list",          "",      "get",  302, 200, 200, 200, 200),
    ("programme_create",        "",      "get",  302, 200, 200, 403, 403),
    ("programme_detail",        "",      "get",  302, 200, 200, 200, 200),
    ("programme_edit",          "",      "get",  302, 200, 200, 403, 403),
    ("programme_plan",          "",      "get",  302, 200, 200, 403, 403),
    ("cohort",                  "",      "get",  302, 200, 200, 200, 200),
    ("enrol",                   "",      "get",  302, 200, 200, 403, 403),
    ("candidate_list",          "",      "get",  302, 200, 200, 200, 200),
    ("session_create",          "",      "get",  302, 200, 200, 200, 403),
    ("my_businesses",           "",      "get",  302, 302, 302, 302, 302),
    ("enrolment_detail",        "",      "get",  302, 200, 200, 200, 200),
    ("enrolment_pendamping",    "",      "post", 302, 302, 302, 403, 403),
    ("enrolment_pendamping",    "",      "get",  302, 405, 405, 405, 405),
    ("enrolment_withdraw",      "",      "post", 302, 302, 302, 403, 403),
    ("enrolment_withdraw",      "",      "get",  302, 405, 405, 405, 405),
    ("assessment_create",       "mine",  "get",  302, 200, 200, 200, 403),
    ("assessment_create",       "theirs", "get", 302, 200, 200, 403, 403),
    ("enrolment_verify",        "",      "post", 302, 302, 302, 403, 403),
    ("enrolment_verify",        "",      "get",  302, 405, 405, 405, 405),
    ("enrolment_unverify",      "",      "post", 302, 302, 302, 403, 403),
    ("enrolment_unverify",      "",      "get",  302, 405, 405, 405, 405),
    # evidence may hold personal data: only those who record for the enrolment (not its pendamping here)
    ("enrolment_evidence",      "",      "get",  302, 200, 200, 403, 403),
    ("enrolment_membership",    "",      "post", 302, 302, 302, 403, 403),
    ("enrolment_membership",    "",      "get",  302, 405, 405, 405, 405),
    ("session_list",            "",      "get",  302, 200, 200, 200, 200),
    ("session_create_current",  "",      "get",  302, 302, 302, 302, 403),
    ("my_sessions",             "",      "get",  302, 302, 302, 302, 302),
    ("session_detail",          "mine",  "get",  302, 200, 200, 200, 200),
    ("session_edit",            "mine",  "get",  302, 200, 200, 200, 403),
    ("session_edit",            "theirs", "get", 302, 200, 200, 403, 403),
    ("session_add_attendees",   "mine",  "get",  302, 200, 200, 200, 403),
    ("session_add_attendees",   "theirs", "get", 302, 200, 200, 403, 403),
    ("session_remove_attendee", "mine",  "post", 302, 302, 302, 302, 403),
    ("session_remove_attendee", "theirs", "post", 302, 302, 302, 403, 403),
    ("session_remove_attendee", "mine",  "get",  302, 405, 405, 405, 405),
    ("event_list",              "",      "get",  302, 200, 200, 200, 200),
    ("event_create",            "",      "get",  302, 200, 200, 403, 403),
    ("event_detail",            "",      "get",  302, 200, 200, 200, 200),
    ("event_edit",              "",      "get",  302, 200, 200, 403, 403),
    ("event_add_participants",  "",      "get",  302, 200, 200, 403, 403),
    ("event_outcome",           "",      "post", 302, 302, 302, 403, 403),
    ("event_outcome",           "",      "get",  302, 405, 405, 405, 405),
    ("association_list",        "",      "get",  302, 200, 200, 200, 200),
    ("association_create",      "",      "get",  302, 200, 200, 403, 403),
    ("association_detail",      "",      "get",  302, 200, 200, 200, 200),
    ("association_add_members", "",      "get",  302, 200, 200, 403, 403),
    ("data_to_fix",             "",      "get",  302, 200, 200, 403, 403),
    ("cohort_export",           "",      "get",  302, 200, 200, 200, 200),
    ("session_export",          "",      "get",  302, 200, 200, 200, 200),
]  # fmt: skip
# A download answers with a file, not a page.
DOWNLOAD = "attachment"
TEMPLATES = {
    "data_to_fix": "coaching/data_to_fix.html",
    "cohort_export": DOWNLOAD,
    "session_export": DOWNLOAD,
    "programme_list": "coaching/programme_list.html",
    "programme_create": "coaching/programme_form.html",
    "programme_detail": "coaching/programme_detail.html",
    "programme_edit": "coaching/programme_form.html",
    "programme_plan": "coaching/programme_plan.html",
    "cohort": "coaching/cohort.html",
    "enrol": "coaching/enrol.html",
    "candidate_list": "coaching/candidate_list.html",
    "session_create": "coaching/session_form.html",
    "enrolment_detail": "coaching/enrolment_detail.html",
    "assessment_create": "coaching/assessment_form.html",
    "session_list": "coaching/session_list.html",
    "session_detail": "coaching/session_detail.html",
    "session_edit": "coaching/session_form.html",
    "session_add_attendees": "coaching/pick_businesses.html",
    "event_list": "coaching/event_list.html",
    "event_create": "coaching/event_form.html",
    "event_detail": "coaching/event_detail.html",
    "event_edit": "coaching/event_form.html",
    "event_add_participants": "coaching/pick_businesses.html",
    "association_list": "coaching/association_list.html",
    "association_create": "coaching/association_form.html",
    "association_detail": "coaching/association_detail.html",
    "association_add_members": "coaching/pick_businesses.html",
}
# Where the signed-in GET redirects lead.
REDIRECTS = {
    "my_businesses": lambda w, user: (
        f"{reverse('coaching:cohort', args=[w['programme'].pk])}?pendamping={user.pk}"
    ),
    "my_sessions": lambda w, user: f"{reverse('coaching:session_list')}?pendamping={user.pk}",
    "session_create_current": lambda w, user: reverse("coaching:session_create", args=[w["programme"].pk]),
}


def test_the_access_tables_cover_every_coaching_url():
    # The budget pages have their own table, in test_budget_views; the sub-kegiatan pages theirs in
    # test_monev.
    tables = {row[0] for row in ACCESS} | {row[0] for row in BUDGET_ACCESS} | MONEV_URL_NAMES
    assert {pattern.name for pattern in coaching_urls.urlpatterns} == tables


def access_cases():
    for url_name, whose, method, *statuses in ACCESS:
        for role, status in zip(["anonymous", *ROLES], statuses, strict=True):
            label = f"{role}-{method}-{url_name}{'-' + whose if whose else ''}"
            yield pytest.param(url_name, whose, method, role, status, id=label)


@pytest.mark.parametrize(("url_name", "whose", "method", "role", "status"), list(access_cases()))
def test_each_role_gets_what_the_access_table_says(
    client_for, users, world, url_name, whose, method, role, status
):
    client = Client() if role == "anonymous" else client_for(role)
    url = url_for(url_name, whose, world)
    data, effect = POSTS.get(url_name, (lambda w: None, lambda w: None))
    before = effect(world)

    response = getattr(client, method)(url, data(world) if method == "post" else None)

    assert response.status_code == status
    if role == "anonymous":
        assert response.url == f"/masuk/?next={url}"
    elif status == 200 and url_name == "enrolment_evidence":
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF
    elif status == 200 and TEMPLATES[url_name] == DOWNLOAD:
        assert response["Content-Disposition"].startswith("attachment;")
    elif status == 200:
        assert TEMPLATES[url_name] in [template.name for template in response.templates]
    elif status == 403:
        assert "Akses ditolak" in text_of(response)
    elif status == 302 and method == "get":
        assert response.url == REDIRECTS[url_name](world, users[role])
    changed = method == "post" and status == 302 and role != "anonymous"
    assert (effect(world) != before) is changed


# --- programmes --------------------------------------------------------------------------------


def programme_post(**changes) -> dict:
    data = {
        "year": "2026",
        "name": "Pembinaan UMKM 2026",
        "budget_ceiling": "Rp 1.300.000.000",
        "naik_kelas_target": "180",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "min_new_indicators": "2",
        "turnover_growth_percent": "20",
        "planned_sessions_total": "90",
    }
    data.update(changes)
    return data


def test_staf_creates_a_programme_with_its_sessions_spread_over_the_22_kecamatan(client_for, staf):
    response = client_for("staf").post(reverse("coaching:programme_create"), programme_post())

    programme = Programme.objects.get(name="Pembinaan UMKM 2026")
    assert response.status_code == 302
    assert response.url == reverse("coaching:programme_plan", args=[programme.pk])
    assert programme.budget_ceiling == 1_300_000_000
    assert programme.naik_kelas_target == 180
    plans = KecamatanPlan.objects.filter(programme=programme)
    assert plans.count() == 22
    # 90 over 22 is 4 each, and the first two kecamatan by name take the 2 left over.
    assert sorted(plans.values_list("planned_sessions", flat=True)) == [4] * 20 + [5] * 2
    assert programme.history.get().history_user == staf


def test_a_programme_starting_outside_its_year_is_refused_and_nothing_is_saved(client_for):
    response = client_for("staf").post(
        reverse("coaching:programme_create"), programme_post(starts_on="2025-12-01")
    )

    assert response.status_code == 200
    assert "Tanggal mulai harus di tahun anggaran 2026." in text_of(response)
    assert not Programme.objects.exists()
    assert not KecamatanPlan.objects.exists()


def test_staf_edits_a_programme(client_for, programme):
    data = programme_post(
        year="2024", name="Pembinaan UMKM Naik Kelas 2024", starts_on="2024-01-01", ends_on="2024-12-31"
    )
    data["naik_kelas_target"] = "200"

    response = client_for("staf").post(reverse("coaching:programme_edit", args=[programme.pk]), data)

    assert response.status_code == 302
    assert response.url == programme.get_absolute_url()
    programme.refresh_from_db()
    assert programme.name == "Pembinaan UMKM Naik Kelas 2024"
    assert programme.naik_kelas_target == 200
    assert programme.history.latest().history_change_reason == "Data program diubah"


def test_staf_changes_the_plan_of_one_kecamatan(client_for, staf):
    programme = services.programme_create(
        user=staf,
        fields={
            "year": 2024,
            "name": "Pembinaan UMKM 2024",
            "budget_ceiling": 1_200_000_000,
            "naik_kelas_target": 170,
            "starts_on": datetime.date(2024, 1, 1),
            "ends_on": datetime.date(2024, 12, 31),
        },
        planned_sessions_total=88,
    )
    data = {
        f"kecamatan_{plan.kecamatan_id}": plan.planned_sessions for plan in programme.kecamatan_plans.all()
    }
    data[f"kecamatan_{srengat().pk}"] = 6
    client = client_for("staf")

    form_page = client.get(reverse("coaching:programme_plan", args=[programme.pk]))
    response = client.post(reverse("coaching:programme_plan", args=[programme.pk]), data, follow=True)

    assert 'name="kecamatan_' in text_of(form_page)
    assert len(form_page.context["form"].fields) == 22
    assert response.redirect_chain == [(programme.get_absolute_url(), 302)]
    assert programme.kecamatan_plans.get(kecamatan=srengat()).planned_sessions == 6
    assert "Rencana 90 sesi di 22 kecamatan tersimpan." in messages_of(response)


# --- cohort ------------------------------------------------------------------------------------


def test_staf_enrols_several_businesses_at_once_with_one_pendamping(client_for, programme, pendamping):
    businesses = BusinessFactory.create_batch(3)

    response = client_for("staf").post(
        reverse("coaching:enrol", args=[programme.pk]),
        {"business": [b.pk for b in businesses], "pendamping": pendamping.pk, "enrolled_on": "2024-02-01"},
        follow=True,
    )

    enrolments = Enrolment.objects.filter(programme=programme)
    assert {e.business_id for e in enrolments} == {b.pk for b in businesses}
    assert {(e.pendamping, e.enrolled_on, e.status) for e in enrolments} == {
        (pendamping, datetime.date(2024, 2, 1), Enrolment.Status.ACTIVE)
    }
    assert "3 usaha masuk kelompok binaan Pembinaan UMKM 2024." in messages_of(response)


def test_enrolling_a_business_already_in_the_cohort_refuses_them_all(client_for, programme):
    already = EnrolmentFactory(programme=programme, business__name="Kopi Bubuk Pak Budi").business
    new = BusinessFactory(name="Keripik Tempe Bu Sri")

    response = client_for("staf").post(
        reverse("coaching:enrol", args=[programme.pk]),
        {"business": [new.pk, already.pk], "pendamping": "", "enrolled_on": "2024-02-01"},
    )

    assert response.status_code == 200
    assert (
        "Sudah terdaftar di Pembinaan UMKM 2024: Kopi Bubuk Pak Budi. Tidak ada yang ditambahkan."
        in text_of(response)
    )
    assert list(Enrolment.objects.values_list("business_id", flat=True)) == [already.pk]


def test_the_enrol_search_leaves_out_businesses_already_in_the_cohort(client_for, programme):
    EnrolmentFactory(programme=programme, business__name="Keripik Tempe Bu Sri")
    free = BusinessFactory(name="Keripik Singkong Pak Slamet")

    response = client_for("staf").get(reverse("coaching:enrol", args=[programme.pk]), {"q": "Keripik"})

    assert response.context["results"] == [free]
    assert f'name="business" value="{free.pk}"' in text_of(response)
    assert "Keripik Tempe Bu Sri" not in text_of(response)


@pytest.fixture
def cohort_of_three(programme, pendamping, other_pendamping):
    jaten = Desa.objects.get(code=JATEN)
    minuman = Sector.objects.get(slug="minuman")
    return {
        "tempe": EnrolmentFactory(
            programme=programme, pendamping=pendamping, business__name="Keripik Tempe Bu Sri"
        ),
        "kopi": EnrolmentFactory(
            programme=programme,
            pendamping=other_pendamping,
            business__name="Kopi Bubuk Pak Budi",
            business__desa=jaten,
            business__sector=minuman,
        ),
        "sambal": EnrolmentFactory(
            programme=programme,
            pendamping=pendamping,
            business__name="Sambal Pecel Bu Ratna",
            business__desa=jaten,
            status=Enrolment.Status.WITHDRAWN,
            withdrawal_reason="Pindah",
        ),
    }


COHORT_FILTERS = {
    "kecamatan": (lambda users: {"kecamatan": Kecamatan.objects.get(name="Wonodadi").pk}, ["kopi", "sambal"]),
    "sector": (lambda users: {"sector": Sector.objects.get(slug="minuman").pk}, ["kopi"]),
    "pendamping": (lambda users: {"pendamping": users["pendamping"].pk}, ["tempe", "sambal"]),
    "status": (lambda users: {"status": "mundur"}, ["sambal"]),
}


@pytest.mark.parametrize("filter_name", list(COHORT_FILTERS))
def test_cohort_filters_narrow_the_rows_and_the_count(
    client_for, users, programme, cohort_of_three, filter_name
):
    params, expected = COHORT_FILTERS[filter_name]

    response = client_for("pimpinan").get(reverse("coaching:cohort", args=[programme.pk]), params(users))

    rows = list(response.context["page"].object_list)
    assert rows == [cohort_of_three[key] for key in expected]
    html = text_of(response)
    assert f"<strong>{len(expected)}</strong> peserta cocok dengan saringan" in html
    for key, enrolment in cohort_of_three.items():
        assert (enrolment.business.name in html) is (key in expected)


def test_the_unfiltered_cohort_shows_everyone(client_for, programme, cohort_of_three):
    response = client_for("pimpinan").get(reverse("coaching:cohort", args=[programme.pk]))

    assert len(response.context["page"].object_list) == 3
    assert "<strong>3</strong> peserta cocok dengan saringan" in text_of(response)


def test_binaan_saya_takes_a_pendamping_to_their_own_part_of_the_cohort(
    client_for, programme, pendamping, cohort_of_three
):
    response = client_for("pendamping").get(reverse("coaching:my_businesses"), follow=True)

    assert [row.business.name for row in response.context["page"].object_list] == [
        "Keripik Tempe Bu Sri",
        "Sambal Pecel Bu Ratna",
    ]


def test_the_candidate_list_shows_only_candidates_with_their_criteria(
    client_for, programme, staf, make_candidate
):
    candidate = EnrolmentFactory(programme=programme, business__name="Sambal Pecel Bu Ratna")
    make_candidate(candidate)
    only_baseline = EnrolmentFactory(programme=programme, business__name="Kopi Bubuk Pak Budi")
    make_candidate(only_baseline, has_nib=False, sells_online=False)
    EnrolmentFactory(programme=programme, business__name="Keripik Tempe Bu Sri")  # not assessed yet

    response = client_for("pimpinan").get(reverse("coaching:candidate_list", args=[programme.pk]))

    assert response.context["candidates"] == [candidate]
    html = text_of(response)
    assert "Sambal Pecel Bu Ratna" in html
    assert "<td>NIB baru; mulai berjualan daring</td>" in html
    assert "Kopi Bubuk Pak Budi" not in html
    assert "Keripik Tempe Bu Sri" not in html


def test_the_enrolment_page_shows_the_verdict_and_its_criteria(client_for, programme, make_candidate):
    candidate = EnrolmentFactory(programme=programme)
    make_candidate(candidate, turnover=150_000_000)

    response = client_for("staf").get(candidate.get_absolute_url())

    assert response.context["verdict"].is_candidate
    html = text_of(response)
    assert "Kandidat naik kelas." in html
    assert "3 indikator baru (syarat paling sedikit 2)." in html
    criteria = "<li>NIB baru</li><li>Mulai berjualan daring</li><li>Omzet naik 25 %</li>"
    assert f'<ul class="mb-2" id="kriteria">{criteria}</ul>' in html
    assert reverse("coaching:enrolment_verify", args=[candidate.pk]) in html


def test_an_enrolment_without_a_follow_up_says_why_it_is_not_a_candidate(
    client_for, programme, make_candidate
):
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment, has_nib=False, sells_online=False)

    html = text_of(client_for("staf").get(enrolment.get_absolute_url()))

    assert "Belum kandidat." in html
    assert "Belum memenuhi: kelas usaha tetap dan 0 indikator baru (syarat paling sedikit 2)." in html
    assert reverse("coaching:enrolment_verify", args=[enrolment.pk]) not in html


# --- assessments -------------------------------------------------------------------------------


def assessment_post(**changes) -> dict:
    data = {
        "assessed_on": "2024-02-01",
        "turnover": "Rp 150.000.000",
        "capital": "25.000.000",
        "employees": "3",
        "has_pirt": "on",
        "notes": "Kunjungan pertama",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_first_assessment_is_a_baseline_filled_in_from_the_registry(client_for, programme, pendamping):
    enrolment = EnrolmentFactory(
        programme=programme, pendamping=pendamping, business__nib=NIB, business__has_halal=True
    )
    client = client_for("pendamping")
    url = reverse("coaching:assessment_create", args=[enrolment.pk])

    form_page = client.get(url)
    response = client.post(url, assessment_post())

    initial = form_page.context["form"].initial
    assert (initial["turnover"], initial["capital"], initial["employees"]) == (120_000_000, 25_000_000, 2)
    assert (initial["has_nib"], initial["has_halal"], initial["has_pirt"]) == (True, True, False)
    assert "Penilaian awal (baseline)" in text_of(form_page)
    assert 'value="120.000.000"' in text_of(form_page)
    assert response.status_code == 302
    assert response.url == enrolment.get_absolute_url()
    assessment = enrolment.assessments.get()
    assert assessment.kind == Assessment.Kind.BASELINE
    assert (assessment.turnover, assessment.employees, assessment.has_pirt) == (150_000_000, 3, True)
    assert assessment.recorded_by == pendamping


def test_the_second_assessment_is_a_follow_up_filled_in_from_the_latest(
    client_for, programme, pendamping, staf
):
    enrolment = EnrolmentFactory(programme=programme, pendamping=pendamping)
    services.assessment_record(
        enrolment=enrolment,
        user=staf,
        fields={
            "assessed_on": datetime.date(2024, 2, 1),
            "turnover": 150_000_000,
            "capital": 30_000_000,
            "employees": 3,
            "has_pirt": True,
            "notes": "Kunjungan pertama",
        },
    )
    client = client_for("pendamping")
    url = reverse("coaching:assessment_create", args=[enrolment.pk])

    form_page = client.get(url)
    response = client.post(
        url,
        assessment_post(assessed_on="2024-06-01", has_nib="on", sells_online="on", notes="Sudah jual daring"),
        follow=True,
    )

    initial = form_page.context["form"].initial
    assert (initial["turnover"], initial["capital"], initial["has_pirt"]) == (150_000_000, 30_000_000, True)
    assert initial["notes"] == ""
    assert "Isian awal diambil dari penilaian terakhir (1 Februari 2024)" in text_of(form_page)
    latest = enrolment.assessments.order_by("assessed_on").last()
    assert latest.kind == Assessment.Kind.FOLLOW_UP
    assert (latest.has_nib, latest.sells_online) == (True, True)
    assert "Penilaian lanjutan tersimpan. Usaha ini kini kandidat naik kelas." in messages_of(response)


# --- verification, withdrawal, pendamping -----------------------------------------------------


@pytest.fixture
def candidate(programme, make_candidate):
    enrolment = EnrolmentFactory(programme=programme, business__name="Sambal Pecel Bu Ratna")
    make_candidate(enrolment)
    return enrolment


def test_staf_verifies_a_candidate_with_a_pdf_as_evidence(client_for, staf, candidate, media_root):
    evidence = SimpleUploadedFile("bukti-nib.pdf", PDF, content_type="application/pdf")

    response = client_for("staf").post(
        reverse("coaching:enrolment_verify", args=[candidate.pk]),
        {"note": "NIB dan toko daring diperiksa", "verified_on": "2024-07-01", "evidence": evidence},
        follow=True,
    )

    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.NAIK_KELAS
    assert candidate.verified_on == datetime.date(2024, 7, 1)
    assert candidate.verified_by == staf
    assert candidate.verified_criteria == "NIB baru; mulai berjualan daring"
    assert candidate.evidence.name.startswith("bukti-naik-kelas/")
    assert "Sambal Pecel Bu Ratna terverifikasi naik kelas dan dihitung ke target." in messages_of(response)
    html = text_of(response)
    assert "Terverifikasi naik kelas" in html
    assert reverse("coaching:enrolment_evidence", args=[candidate.pk]) in html

    download = client_for("staf").get(reverse("coaching:enrolment_evidence", args=[candidate.pk]))

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="bukti-nib.pdf"'
    assert b"".join(download.streaming_content) == PDF


def test_a_program_file_renamed_to_pdf_is_refused_by_its_content(client_for, candidate, media_root):
    evidence = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")

    response = client_for("staf").post(
        reverse("coaching:enrolment_verify", args=[candidate.pk]),
        {"note": "Diperiksa", "verified_on": "2024-07-01", "evidence": evidence},
        follow=True,
    )

    assert "Isi berkas bukan PDF, JPG atau PNG yang sah." in messages_of(response)
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.ACTIVE
    assert not list(media_root.rglob("*.pdf"))


def test_a_program_file_as_evidence_is_refused_in_indonesian(client_for, candidate, media_root):
    evidence = SimpleUploadedFile("bukti.exe", b"MZ\x90\x00", content_type="application/octet-stream")

    response = client_for("staf").post(
        reverse("coaching:enrolment_verify", args=[candidate.pk]),
        {"note": "Diperiksa", "verified_on": "2024-07-01", "evidence": evidence},
        follow=True,
    )

    assert "Bukti harus berkas PDF, JPG atau PNG." in messages_of(response)
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.ACTIVE
    assert not candidate.evidence
    assert not list(media_root.rglob("*.exe"))


def test_an_enrolment_without_evidence_has_no_download(client_for, candidate):
    response = client_for("staf").get(reverse("coaching:enrolment_evidence", args=[candidate.pk]))

    assert response.status_code == 404


def test_staf_withdraws_a_verification_with_a_reason(client_for, staf, candidate):
    services.enrolment_verify_naik_kelas(
        enrolment=candidate, user=staf, note="Diperiksa", verified_on=datetime.date(2024, 7, 1)
    )

    response = client_for("staf").post(
        reverse("coaching:enrolment_unverify", args=[candidate.pk]),
        {"reason": "Omzet salah catat"},
        follow=True,
    )

    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.ACTIVE
    assert (candidate.verified_on, candidate.verified_by, candidate.verified_criteria) == (None, None, "")
    assert (
        candidate.history.latest().history_change_reason == "Verifikasi naik kelas dicabut: Omzet salah catat"
    )
    assert "Verifikasi naik kelas dicabut; tidak lagi dihitung ke target." in messages_of(response)


def test_withdrawing_a_verification_needs_a_reason(client_for, staf, candidate):
    services.enrolment_verify_naik_kelas(
        enrolment=candidate, user=staf, note="Diperiksa", verified_on=datetime.date(2024, 7, 1)
    )

    response = client_for("staf").post(
        reverse("coaching:enrolment_unverify", args=[candidate.pk]), {"reason": ""}, follow=True
    )

    assert "Bidang ini tidak boleh kosong." in messages_of(response)
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.NAIK_KELAS


def test_a_business_that_is_not_a_candidate_cannot_be_verified(client_for, programme, make_candidate):
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment, has_nib=False, sells_online=False)

    response = client_for("staf").post(
        reverse("coaching:enrolment_verify", args=[enrolment.pk]),
        {"note": "Diperiksa", "verified_on": "2024-07-01"},
        follow=True,
    )

    assert response.redirect_chain == [(enrolment.get_absolute_url(), 302)]
    assert messages_of(response) == [
        "Belum menjadi kandidat naik kelas. "
        "Belum memenuhi: kelas usaha tetap dan 0 indikator baru (syarat paling sedikit 2)."
    ]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.verified_on is None


def test_staf_withdraws_a_business_from_the_programme_with_a_reason(client_for, programme):
    enrolment = EnrolmentFactory(programme=programme, business__name="Kopi Bubuk Pak Budi")

    response = client_for("staf").post(
        reverse("coaching:enrolment_withdraw", args=[enrolment.pk]),
        {"reason": "Pindah usaha ke luar kabupaten"},
        follow=True,
    )

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.withdrawal_reason == "Pindah usaha ke luar kabupaten"
    assert "Kopi Bubuk Pak Budi dinyatakan mundur dari program; riwayatnya tetap tersimpan." in messages_of(
        response
    )
    assert "Mundur dari program: Pindah usaha ke luar kabupaten" in text_of(response)


def test_staf_assigns_a_pendamping(client_for, programme, pendamping):
    enrolment = EnrolmentFactory(programme=programme)

    response = client_for("staf").post(
        reverse("coaching:enrolment_pendamping", args=[enrolment.pk]),
        {"pendamping": pendamping.pk},
        follow=True,
    )

    enrolment.refresh_from_db()
    assert enrolment.pendamping == pendamping
    assert enrolment.history.latest().history_change_reason == "Pendamping diganti: Bagus"
    assert "Pendamping tersimpan." in messages_of(response)
    assert "Pendamping: <strong>Bagus</strong>" in text_of(response)


def test_a_pimpinan_cannot_be_made_a_pendamping(client_for, programme, pimpinan):
    enrolment = EnrolmentFactory(programme=programme)

    response = client_for("staf").post(
        reverse("coaching:enrolment_pendamping", args=[enrolment.pk]),
        {"pendamping": pimpinan.pk},
        follow=True,
    )

    assert messages_of(response) == [
        "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang tersedia."
    ]
    enrolment.refresh_from_db()
    assert enrolment.pendamping is None


# --- sessions ----------------------------------------------------------------------------------


@pytest.fixture
def coached(programme, pendamping, other_pendamping):
    """Three businesses coached by the pendamping, one by another pendamping."""
    mine = [
        EnrolmentFactory(programme=programme, pendamping=pendamping, business__name=name)
        for name in ("Keripik Tempe Bu Sri", "Sambal Pecel Bu Ratna", "Gula Kelapa Pak Darto")
    ]
    theirs = EnrolmentFactory(
        programme=programme, pendamping=other_pendamping, business__name="Kopi Bubuk Pak Budi"
    )
    return mine, theirs


def session_post(**changes) -> dict:
    data = {
        "held_on": "2024-03-05",
        "hours": "1.5",
        "kind": "kelas",
        "topics": [topic("kualitas-produk").pk, topic("pemasaran-merek").pk],
        "kecamatan": srengat().pk,
        "desa": karanggayam().pk,
        "venue": "Balai Desa Karanggayam",
        "speaker": "Dosen Universitas Brawijaya",
        "notes": "Kemasan dan label",
        "attendees": [],
        "version": "1",  # what an edit form carries for a session saved once
    }
    data.update(changes)
    return data


def test_a_pendamping_records_a_session_with_three_attendees(client_for, programme, pendamping, coached):
    mine, _ = coached

    response = client_for("pendamping").post(
        reverse("coaching:session_create", args=[programme.pk]),
        session_post(attendees=[e.business_id for e in mine]),
        follow=True,
    )

    session = CoachingSession.objects.get()
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert session.pendamping == pendamping
    assert session.recorded_by == pendamping
    assert session.duration_minutes == 90
    assert (session.venue, session.desa, session.speaker) == (
        "Balai Desa Karanggayam",
        karanggayam(),
        "Dosen Universitas Brawijaya",
    )
    assert set(session.topics.values_list("slug", flat=True)) == {"kualitas-produk", "pemasaran-merek"}
    attendances = session.attendances.all()
    assert {(a.business_id, a.enrolment_id, a.recorded_by_id) for a in attendances} == {
        (e.business_id, e.pk, pendamping.pk) for e in mine
    }
    assert "Sesi tersimpan dengan 3 peserta hadir." in messages_of(response)


def test_mentoring_recorded_from_an_enrolment_page_starts_filled_in_for_that_business(
    client_for, programme, coached
):
    visited = coached[0][1]
    business = visited.business
    enrolment_page = client_for("pendamping").get(visited.get_absolute_url())
    shortcut = f"{reverse('coaching:session_create', args=[programme.pk])}?usaha={business.pk}"
    assert shortcut in enrolment_page.content.decode()

    response = client_for("pendamping").get(shortcut)

    form = response.context["form"]
    assert form["kind"].value() == CoachingSession.Kind.MENTORING
    assert (form["kecamatan"].value(), form["desa"].value()) == (business.kecamatan_id, business.desa_id)
    assert form["venue"].value() == f"Tempat usaha {business.name}"
    html = text_of(response)
    assert f'value="{business.pk}" id="hadir-{business.pk}" checked' in html
    assert html.count(" checked") == 1


def test_the_mentoring_shortcut_fills_in_nothing_for_another_pendamping_s_business(
    client_for, programme, coached
):
    _, theirs = coached

    response = client_for("pendamping").get(
        f"{reverse('coaching:session_create', args=[programme.pk])}?usaha={theirs.business_id}"
    )

    form = response.context["form"]
    assert form["kind"].value() == CoachingSession.Kind.GROUP_CLASS
    assert form["venue"].value() in (None, "")
    assert f'name="attendees" value="{theirs.business_id}"' not in text_of(response)


def test_a_pendamping_only_sees_their_own_businesses_to_tick(client_for, programme, coached):
    mine, theirs = coached

    response = client_for("pendamping").get(reverse("coaching:session_create", args=[programme.pk]))

    html = text_of(response)
    for enrolment in mine:
        assert f'name="attendees" value="{enrolment.business_id}"' in html
    assert f'name="attendees" value="{theirs.business_id}"' not in html
    assert "Kopi Bubuk Pak Budi" not in html
    assert 'name="pendamping"' not in html  # the session is theirs; they do not pick a pendamping


def test_staf_see_every_cohort_member_to_tick(client_for, programme, coached):
    mine, theirs = coached

    html = text_of(client_for("staf").get(reverse("coaching:session_create", args=[programme.pk])))

    for enrolment in [*mine, theirs]:
        assert f'name="attendees" value="{enrolment.business_id}"' in html


def test_a_pendamping_cannot_record_another_pendamping_s_business_as_present(client_for, programme, coached):
    mine, theirs = coached

    response = client_for("pendamping").post(
        reverse("coaching:session_create", args=[programme.pk]),
        session_post(attendees=[mine[0].business_id, theirs.business_id]),
    )

    assert response.status_code == 200
    assert (
        f"Masukkan pilihan yang valid. {theirs.business_id} bukan salah satu dari pilihan yang tersedia."
        in text_of(response)
    )
    assert not CoachingSession.objects.exists()
    assert not Attendance.objects.exists()


def test_a_session_without_a_topic_is_shown_again(client_for, programme, coached):
    response = client_for("pendamping").post(
        reverse("coaching:session_create", args=[programme.pk]), session_post(topics=[])
    )

    assert response.status_code == 200
    assert "Pilih paling sedikit satu topik." in text_of(response)
    assert 'value="Balai Desa Karanggayam"' in text_of(response)
    assert not CoachingSession.objects.exists()


def test_a_session_in_the_future_is_refused(client_for, programme, coached):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client_for("staf").post(
        reverse("coaching:session_create", args=[programme.pk]), session_post(held_on=tomorrow.isoformat())
    )

    assert response.status_code == 200
    assert "Sesi yang dicatat tidak boleh bertanggal di masa depan." in text_of(response)
    assert not CoachingSession.objects.exists()


def test_a_pendamping_edits_their_own_session(client_for, programme, pendamping):
    session = CoachingSessionFactory(
        programme=programme, pendamping=pendamping, recorded_by=pendamping, topics=[topic("digital")]
    )

    response = client_for("pendamping").post(
        reverse("coaching:session_edit", args=[session.pk]),
        session_post(hours="3", kind="mentoring", topics=[topic("keuangan").pk], venue="Rumah produksi"),
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.duration_minutes, session.kind, session.venue) == (180, "mentoring", "Rumah produksi")
    assert list(session.topics.values_list("slug", flat=True)) == ["keuangan"]
    assert session.pendamping == pendamping


@pytest.fixture
def three_sessions(programme, staf, pendamping, other_pendamping):
    wonodadi = Kecamatan.objects.get(name="Wonodadi")
    return {
        "march": CoachingSessionFactory(
            programme=programme,
            held_on=datetime.date(2024, 3, 5),
            kind="kelas",
            pendamping=pendamping,
            recorded_by=pendamping,
            topics=[topic("kualitas-produk")],
        ),
        "may": CoachingSessionFactory(
            programme=programme,
            held_on=datetime.date(2024, 5, 10),
            kecamatan=wonodadi,
            kind="mentoring",
            pendamping=other_pendamping,
            recorded_by=other_pendamping,
            topics=[topic("digital")],
        ),
        "august": CoachingSessionFactory(
            programme=programme,
            held_on=datetime.date(2024, 8, 20),
            kind="kunjungan",
            pendamping=other_pendamping,
            recorded_by=staf,
            topics=[topic("keuangan"), topic("digital")],
        ),
    }


SESSION_FILTERS = {
    "date range": (lambda users: {"held_from": "2024-04-01", "held_to": "2024-06-30"}, ["may"]),
    "kecamatan": (lambda users: {"kecamatan": srengat().pk}, ["august", "march"]),
    "kind": (lambda users: {"kind": "mentoring"}, ["may"]),
    "topic": (lambda users: {"topic": topic("digital").pk}, ["august", "may"]),
    "pendamping": (lambda users: {"pendamping": users["pendamping"].pk}, ["march"]),
}


@pytest.mark.parametrize("filter_name", list(SESSION_FILTERS))
def test_session_list_filters_narrow_the_rows_and_the_count(client_for, users, three_sessions, filter_name):
    params, expected = SESSION_FILTERS[filter_name]

    response = client_for("pimpinan").get(reverse("coaching:session_list"), params(users))

    assert list(response.context["page"].object_list) == [three_sessions[key] for key in expected]
    html = text_of(response)
    assert f"<strong>{len(expected)}</strong> sesi cocok dengan saringan" in html
    for key, session in three_sessions.items():
        assert (session.get_absolute_url() in html) is (key in expected)


def test_a_session_staf_recorded_without_a_pendamping_is_listed_and_shown(client_for, programme, staf):
    # Both pages once crashed on it: a template filter argument looked a name up on a missing user.
    session = CoachingSessionFactory(programme=programme, pendamping=None, recorded_by=staf)

    listed = client_for("pimpinan").get(reverse("coaching:session_list"))
    shown = client_for("pimpinan").get(session.get_absolute_url())

    assert list(listed.context["page"].object_list) == [session]
    assert 'Pendamping</dt><dd class="col-sm-7">—</dd>' in text_of(shown)


def test_a_guest_from_outside_the_cohort_is_added_from_the_session_page(client_for, programme, pendamping):
    session = CoachingSessionFactory(programme=programme, pendamping=pendamping, recorded_by=pendamping)
    guest = BusinessFactory(name="Batik Tulis Bu Lastri")
    client = client_for("pendamping")
    url = reverse("coaching:session_add_attendees", args=[session.pk])

    search = client.get(url, {"q": "Batik"})
    response = client.post(url, {"business": [guest.pk]}, follow=True)

    assert search.context["results"] == [guest]
    attendance = session.attendances.get()
    assert (attendance.business, attendance.enrolment, attendance.recorded_by) == (guest, None, pendamping)
    assert "1 peserta ditambahkan ke daftar hadir." in messages_of(response)
    assert "Tamu" in text_of(response)


def test_a_pendamping_removes_an_attendee(client_for, programme, pendamping):
    enrolment = EnrolmentFactory(
        programme=programme, pendamping=pendamping, business__name="Keripik Tempe Bu Sri"
    )
    session = CoachingSessionFactory(programme=programme, pendamping=pendamping, recorded_by=pendamping)
    attend(session, enrolment, pendamping)
    stays = attend(session, BusinessFactory(name="Batik Tulis Bu Lastri"), pendamping)

    response = client_for("pendamping").post(
        reverse("coaching:session_remove_attendee", args=[session.pk, enrolment.business_id]), follow=True
    )

    assert list(session.attendances.all()) == [stays]
    assert "Keripik Tempe Bu Sri dihapus dari daftar hadir." in messages_of(response)


# --- facilitation drives -----------------------------------------------------------------------


def test_staf_records_a_drive(client_for, programme):
    data = {
        "programme": programme.pk,
        "kind": "nib",
        "name": "Fasilitasi NIB Srengat",
        "held_on": "2024-06-10",
        "kecamatan": srengat().pk,
        "desa": karanggayam().pk,
        "venue": "Kantor Kecamatan Srengat",
        "partner": "DPMPTSP Kabupaten Blitar",
        "notes": "",
    }

    response = client_for("staf").post(reverse("coaching:event_create"), data)

    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == event.get_absolute_url()
    assert (event.name, event.kind, event.held_on) == (
        "Fasilitasi NIB Srengat",
        "nib",
        datetime.date(2024, 6, 10),
    )
    assert (event.desa, event.partner) == (karanggayam(), "DPMPTSP Kabupaten Blitar")


def test_staf_add_participants_to_a_drive(client_for, programme):
    event = EventFactory(programme=programme)
    businesses = BusinessFactory.create_batch(2)

    response = client_for("staf").post(
        reverse("coaching:event_add_participants", args=[event.pk]),
        {"business": [b.pk for b in businesses]},
        follow=True,
    )

    participants = event.participants.all()
    assert {p.business_id for p in participants} == {b.pk for b in businesses}
    assert {(p.outcome, p.outcome_on) for p in participants} == {("terdaftar", event.held_on)}
    assert "2 peserta terdaftar di Fasilitasi NIB Karanggayam." in messages_of(response)
    assert "Peserta (2)" in text_of(response)


@pytest.fixture
def registered(programme, staf):
    """A business without a NIB, registered at the NIB drive."""
    event = EventFactory(programme=programme)
    business = BusinessFactory(name="Kopi Bubuk Pak Budi", nib=None)
    services.event_add_participants(event=event, businesses=[business], user=staf)
    return event.participants.get()


def test_an_issued_nib_goes_onto_the_business_and_its_timeline(client_for, registered):
    response = client_for("staf").post(
        reverse("coaching:event_outcome", args=[registered.pk]),
        {"outcome": "terbit", "nib": "9120 0012 34567", "outcome_on": "2024-06-12"},
        follow=True,
    )

    registered.refresh_from_db()
    registered.business.refresh_from_db()
    assert (registered.outcome, registered.outcome_on) == ("terbit", datetime.date(2024, 6, 12))
    assert registered.business.nib == NIB
    assert "Kopi Bubuk Pak Budi: Terbit." in messages_of(response)
    assert response.context["funnel"][-1].count == 1

    business_page = client_for("pimpinan").get(registered.business.get_absolute_url())

    html = text_of(business_page)
    assert "Fasilitasi NIB Karanggayam: Terbit" in html
    assert "NIB terbit pada Fasilitasi NIB Karanggayam" in html
    assert f"<strong>{NIB}</strong>" in html


def test_an_invalid_nib_is_refused_with_a_message_and_changes_nothing(client_for, registered):
    response = client_for("staf").post(
        reverse("coaching:event_outcome", args=[registered.pk]),
        {"outcome": "terbit", "nib": "12345", "outcome_on": "2024-06-12"},
        follow=True,
    )

    assert messages_of(response) == ["Kopi Bubuk Pak Budi: NIB harus 13 digit angka."]
    registered.refresh_from_db()
    registered.business.refresh_from_db()
    assert registered.outcome == "terdaftar"
    assert registered.business.nib is None
    assert registered.history.count() == 1


# --- associations ------------------------------------------------------------------------------


def test_staf_creates_an_association(client_for):
    makanan = Sector.objects.get(slug="makanan")

    response = client_for("staf").post(
        reverse("coaching:association_create"),
        {
            "name": "Asosiasi Keripik Blitar",
            "sector": makanan.pk,
            "contact": "Bu Sri, 0812 3456 7890",
            "notes": "",
        },
    )

    association = Association.objects.get()
    assert response.status_code == 302
    assert response.url == association.get_absolute_url()
    assert (association.name, association.sector, association.contact) == (
        "Asosiasi Keripik Blitar",
        makanan,
        "Bu Sri, 0812 3456 7890",
    )


def test_staf_add_members_to_an_association(client_for, staf):
    association = AssociationFactory()
    businesses = BusinessFactory.create_batch(2)

    response = client_for("staf").post(
        reverse("coaching:association_add_members", args=[association.pk]),
        {"business": [b.pk for b in businesses]},
        follow=True,
    )

    memberships = association.memberships.all()
    assert {m.business_id for m in memberships} == {b.pk for b in businesses}
    assert {(m.joined_on, m.recorded_by) for m in memberships} == {(timezone.localdate(), staf)}
    assert "Anggota baru tercatat." in messages_of(response)
    assert "Anggota (2)" in text_of(response)


def test_staf_record_a_membership_from_the_enrolment_page(client_for, programme, staf):
    enrolment = EnrolmentFactory(
        programme=programme,
        status=Enrolment.Status.NAIK_KELAS,
        verified_on=datetime.date(2024, 7, 1),
        verified_by=staf,
    )
    association = AssociationFactory(name="Asosiasi Keripik Blitar")
    client = client_for("staf")

    form_page = client.get(enrolment.get_absolute_url())
    response = client.post(
        reverse("coaching:enrolment_membership", args=[enrolment.pk]),
        {"association": association.pk, "joined_on": "2024-08-01"},
        follow=True,
    )

    assert reverse("coaching:enrolment_membership", args=[enrolment.pk]) in text_of(form_page)
    membership = Membership.objects.get()
    assert (membership.association, membership.business) == (association, enrolment.business)
    assert membership.joined_on == datetime.date(2024, 8, 1)
    assert "Keanggotaan asosiasi tercatat." in messages_of(response)
    assert "Asosiasi Keripik Blitar</a> · sejak 1 Agustus 2024" in text_of(response)


# --- the business page and the home page -------------------------------------------------------


@pytest.fixture
def coached_business(programme, staf, pendamping, make_candidate):
    """A business through the whole programme, recorded through the services as people would."""
    business = BusinessFactory(name="Sambal Pecel Bu Ratna", nib=None)
    [enrolment] = services.enrolment_create_many(
        programme=programme,
        businesses=[business],
        pendamping=pendamping,
        user=staf,
        enrolled_on=datetime.date(2024, 1, 15),
    )
    services.assessment_record(
        enrolment=enrolment,
        user=pendamping,
        fields={"assessed_on": datetime.date(2024, 2, 1), "turnover": 120_000_000},
    )
    for held_on, minutes in [(datetime.date(2024, 3, 5), 120), (datetime.date(2024, 4, 10), 90)]:
        services.session_record(
            user=pendamping,
            fields={
                "programme": programme,
                "held_on": held_on,
                "duration_minutes": minutes,
                "kecamatan": srengat(),
            },
            topics=[topic("pemasaran-merek")],
            attendees=[business],
        )
    services.assessment_record(
        enrolment=enrolment,
        user=pendamping,
        fields={
            "assessed_on": datetime.date(2024, 6, 1),
            "turnover": 130_000_000,
            "has_nib": True,
            "sells_online": True,
        },
    )
    event = EventFactory(programme=programme)
    services.event_add_participants(event=event, businesses=[business], user=staf)
    services.event_participant_set_outcome(
        participant=event.participants.get(),
        outcome="terbit",
        nib=NIB,
        outcome_on=datetime.date(2024, 6, 12),
        user=staf,
    )
    services.enrolment_verify_naik_kelas(
        enrolment=enrolment, user=staf, note="Diperiksa", verified_on=datetime.date(2024, 7, 1)
    )
    services.membership_add(
        association=AssociationFactory(name="Asosiasi Sambal Blitar"),
        business=business,
        joined_on=datetime.date(2024, 8, 1),
        user=staf,
    )
    return business


def test_the_business_page_shows_the_sessions_attended_and_their_hours(client_for, coached_business):
    response = client_for("pimpinan").get(coached_business.get_absolute_url())

    assert len(response.context["attendances"]) == 2
    assert response.context["hours"] == 3.5
    html = text_of(response)
    assert "Sesi yang diikuti: 2 sesi, 3,5 jam" in html
    assert "10 April 2024 · Kelas kelompok" in html
    assert "Pembinaan UMKM 2024</a> · Naik kelas (terverifikasi) · pendamping Bagus" in html


def test_the_business_page_timeline_shows_the_programme_newest_first(client_for, coached_business):
    response = client_for("pimpinan").get(coached_business.get_absolute_url())

    coaching = [
        (entry.when, entry.kind, entry.title)
        for entry in response.context["timeline"]
        if entry.kind in {"enrolment", "session", "assessment", "event", "association"}
    ]
    assert coaching == [
        (datetime.date(2024, 8, 1), "association", "Bergabung dengan Asosiasi Sambal Blitar"),
        (
            datetime.date(2024, 7, 1),
            "enrolment",
            "Diverifikasi naik kelas: NIB baru; mulai berjualan daring",
        ),
        (datetime.date(2024, 6, 12), "event", "Fasilitasi NIB Karanggayam: Terbit"),
        (datetime.date(2024, 6, 10), "event", "Fasilitasi NIB Karanggayam: Terdaftar"),
        (datetime.date(2024, 6, 1), "assessment", "Penilaian lanjutan"),
        (datetime.date(2024, 4, 10), "session", "Hadir di sesi: Kelas kelompok (1.5 jam)"),
        (datetime.date(2024, 3, 5), "session", "Hadir di sesi: Kelas kelompok (2 jam)"),
        (datetime.date(2024, 2, 1), "assessment", "Penilaian awal (baseline)"),
        (datetime.date(2024, 1, 15), "enrolment", "Masuk kelompok binaan"),
    ]
    html = text_of(response)
    titles = [title for _, _, title in coaching]
    assert all(title in html for title in titles)
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)


def test_the_home_page_lists_a_pendamping_s_own_businesses(client_for, programme, coached):
    mine, theirs = coached

    response = client_for("pendamping").get(reverse("home"))

    assert list(response.context["my_enrolments"]) == sorted(mine, key=lambda e: e.business.name)
    html = text_of(response)
    assert "Usaha binaan saya · Pembinaan UMKM 2024" in html
    for enrolment in mine:
        assert enrolment.get_absolute_url() in html
    assert "Kopi Bubuk Pak Budi" not in html


def test_the_home_page_lists_a_pendamping_s_latest_sessions_newest_first(client_for, programme, pendamping):
    held = [
        datetime.date(2024, month, day) for month, day in [(2, 5), (9, 1), (4, 3), (11, 20), (6, 7), (1, 9)]
    ]
    for day in held:
        CoachingSessionFactory(programme=programme, pendamping=pendamping, held_on=day)

    response = client_for("pendamping").get(reverse("home"))

    shown = [session.held_on for session in response.context["my_sessions"]]
    assert shown == sorted(held, reverse=True)[:5]


def test_the_home_page_of_staf_has_no_list_of_own_businesses(client_for, programme, coached):
    response = client_for("staf").get(reverse("home"))

    assert "my_enrolments" not in response.context
    assert "Usaha binaan saya" not in text_of(response)
    assert response.context["totals"].cohort == 4


# --- pimpinan reads, and changes nothing -------------------------------------------------------

# Pages, and texts only a person who may change things sees on them.
WRITE_CONTROLS = {
    "programme_detail": ["Catat sesi", "Tambah peserta", "Ubah program", "Ubah rencana"],
    "cohort": ["Tambah peserta"],
    "candidate_enrolment": ["Verifikasi", "Simpan pendamping", "Nyatakan mundur", "Penilaian lanjutan"],
    "verified_enrolment": ["Cabut verifikasi", "Catat keanggotaan"],
    "session_list": ["Catat sesi"],
    "session_detail": ["Ubah sesi", "Tambah peserta", "Hapus"],
    "event_detail": ["Tambah peserta", "NIB bila terbit", ">Simpan</button>"],
    "association_detail": ["Tambah anggota"],
}


def write_page_url(page_name: str, world) -> str:
    if page_name == "candidate_enrolment":
        return world["candidate"].get_absolute_url()
    if page_name == "verified_enrolment":
        return world["verified"].get_absolute_url()
    if page_name == "session_detail":
        return world["my_session"].get_absolute_url()
    return url_for(page_name, "", world)


@pytest.mark.parametrize("page_name", list(WRITE_CONTROLS))
def test_pimpinan_sees_the_page_without_its_buttons_that_staf_see(client_for, world, page_name):
    url = write_page_url(page_name, world)

    for_staf = client_for("staf").get(url)
    for_pimpinan = client_for("pimpinan").get(url)

    assert for_pimpinan.status_code == 200
    for text in WRITE_CONTROLS[page_name]:
        assert text in text_of(for_staf)
        assert text not in text_of(for_pimpinan)
