"""The coaching app's writers (services) and the readers that show what they wrote (selectors)."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coaching import selectors, services
from coaching.indicators import INDICATORS
from coaching.models import (
    Assessment,
    Attendance,
    CoachingSession,
    Enrolment,
    EventParticipant,
    KecamatanPlan,
    Membership,
    Programme,
    Topic,
)
from registry.models import Business, Kecamatan
from registry.sizes import KECIL, MIKRO
from tests.factories import (
    AssessmentFactory,
    AssociationFactory,
    BusinessFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    EventFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MARCH_5 = datetime.date(2024, 3, 5)
NIB = "9120001234567"
OTHER_NIB = "9120007654321"


@pytest.fixture
def topics():
    return list(Topic.objects.all()[:2])


@pytest.fixture
def srengat():
    return Kecamatan.objects.get(name="Srengat")


def programme_fields(**changes) -> dict:
    fields = {
        "year": 2025,
        "name": "Pembinaan UMKM 2025",
        "budget_ceiling": 1_500_000_000,
        "naik_kelas_target": 200,
        "starts_on": datetime.date(2025, 1, 1),
        "ends_on": datetime.date(2025, 12, 31),
    }
    fields.update(changes)
    return fields


def session_fields(programme, **changes) -> dict:
    fields = {
        "programme": programme,
        "held_on": MARCH_5,
        "kecamatan": Kecamatan.objects.get(name="Srengat"),
        "duration_minutes": 120,
        "kind": CoachingSession.Kind.GROUP_CLASS,
        "venue": "Balai Desa Karanggayam",
    }
    fields.update(changes)
    return fields


# programme_create, even_plan, Programme.clean


def test_programme_create_spreads_planned_sessions_evenly_over_the_22_kecamatan(staf):
    programme = services.programme_create(user=staf, fields=programme_fields(), planned_sessions_total=50)

    plans = list(programme.kecamatan_plans.order_by("kecamatan__name"))
    assert len(plans) == 22
    assert Counter(plan.planned_sessions for plan in plans) == {3: 6, 2: 16}
    assert sum(plan.planned_sessions for plan in plans) == 50
    # The remainder goes to the first kecamatan by name.
    assert [plan.planned_sessions for plan in plans[:7]] == [3, 3, 3, 3, 3, 3, 2]
    assert programme.history.get().history_user == staf


@pytest.mark.parametrize(
    ("total", "expected"),
    [(8, [2, 2, 2, 2]), (10, [3, 3, 2, 2]), (3, [1, 1, 1, 0]), (0, [0, 0, 0, 0])],
    ids=["divides-evenly", "remainder-of-two", "fewer-than-kecamatan", "none"],
)
def test_even_plan_gives_the_remainder_one_each_to_the_first_kecamatan(total, expected):
    plan = services.even_plan(total, [11, 12, 13, 14])

    assert plan == dict(zip([11, 12, 13, 14], expected, strict=True))
    assert sum(plan.values()) == total


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ends_on": datetime.date(2024, 12, 31)},
            "ends_on",
            "Tanggal selesai tidak boleh sebelum tanggal mulai.",
        ),
        (
            {"starts_on": datetime.date(2024, 12, 1)},
            "starts_on",
            "Tanggal mulai harus di tahun anggaran 2025.",
        ),
    ],
    ids=["ends-before-it-starts", "starts-outside-its-year"],
)
def test_programme_create_refuses_dates_that_do_not_fit_and_saves_nothing(staf, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        services.programme_create(user=staf, fields=programme_fields(**changes), planned_sessions_total=22)

    assert caught.value.message_dict[field] == [message]
    assert Programme.objects.count() == 0
    assert KecamatanPlan.objects.count() == 0


# enrolment_create_many


def test_enrolment_create_many_enrols_every_business_with_its_pendamping(programme, staf, pendamping):
    businesses = BusinessFactory.create_batch(3)

    enrolments = services.enrolment_create_many(
        programme=programme,
        businesses=businesses,
        pendamping=pendamping,
        user=staf,
        enrolled_on=datetime.date(2024, 1, 20),
    )

    assert len(enrolments) == 3
    saved = Enrolment.objects.filter(programme=programme)
    assert {e.business for e in saved} == set(businesses)
    assert {(e.pendamping, e.status, e.enrolled_on) for e in saved} == {
        (pendamping, Enrolment.Status.ACTIVE, datetime.date(2024, 1, 20))
    }
    record = enrolments[0].history.get()
    assert record.history_user == staf
    assert record.history_change_reason == "Masuk kelompok binaan"


def test_enrolment_create_many_refuses_a_duplicate_and_enrols_none_of_the_batch(programme, staf):
    enrolled = EnrolmentFactory(programme=programme, business__name="Kopi Bubuk Pak Darto")
    newcomers = BusinessFactory.create_batch(2)

    with pytest.raises(ValidationError) as caught:
        services.enrolment_create_many(
            programme=programme,
            businesses=[*newcomers, enrolled.business],
            pendamping=None,
            user=staf,
            enrolled_on=MARCH_5,
        )

    assert caught.value.messages == [
        "Sudah terdaftar di Pembinaan UMKM 2024: Kopi Bubuk Pak Darto. Tidak ada yang ditambahkan."
    ]
    assert list(Enrolment.objects.all()) == [enrolled]


def test_enrolment_create_many_refuses_a_closed_business(programme, staf):
    closed = BusinessFactory(name="Gerabah Pak Slamet", status=Business.Status.CLOSED)

    with pytest.raises(ValidationError) as caught:
        services.enrolment_create_many(
            programme=programme,
            businesses=[BusinessFactory(), closed],
            pendamping=None,
            user=staf,
            enrolled_on=MARCH_5,
        )

    assert caught.value.messages == ["Usaha yang sudah tutup tidak bisa dibina: Gerabah Pak Slamet."]
    assert Enrolment.objects.count() == 0


@pytest.mark.parametrize("role", ["pimpinan", None], ids=["pimpinan", "no-role"])
def test_enrolment_create_many_refuses_a_pendamping_without_the_pendamping_rights(programme, staf, role):
    not_a_coach = UserFactory(username="bukan-pendamping", first_name="Joko", role=role)

    with pytest.raises(ValidationError) as caught:
        services.enrolment_create_many(
            programme=programme,
            businesses=[BusinessFactory()],
            pendamping=not_a_coach,
            user=staf,
            enrolled_on=MARCH_5,
        )

    assert caught.value.message_dict["pendamping"] == ["bukan-pendamping tidak berperan sebagai pendamping."]
    assert Enrolment.objects.count() == 0


def test_enrolment_create_many_refuses_a_date_outside_the_programme(programme, staf):
    with pytest.raises(ValidationError) as caught:
        services.enrolment_create_many(
            programme=programme,
            businesses=[BusinessFactory()],
            pendamping=None,
            user=staf,
            enrolled_on=datetime.date(2025, 1, 2),
        )

    assert caught.value.message_dict["enrolled_on"] == ["Tanggal masuk di luar masa program."]
    assert Enrolment.objects.count() == 0


def test_enrolment_create_many_refuses_a_date_in_the_future(staf):
    today = timezone.localdate()
    running = ProgrammeFactory(
        year=today.year, starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31)
    )
    tomorrow = today + datetime.timedelta(days=1)
    if not running.covers(tomorrow):  # on 31 December the programme's own end catches it first
        running.ends_on = tomorrow
        running.save()

    with pytest.raises(ValidationError) as caught:
        services.enrolment_create_many(
            programme=running,
            businesses=[BusinessFactory()],
            pendamping=None,
            user=staf,
            enrolled_on=tomorrow,
        )

    assert caught.value.message_dict["enrolled_on"] == ["Tanggal masuk tidak boleh di masa depan."]
    assert Enrolment.objects.count() == 0


# enrolment_withdraw


def test_enrolment_withdraw_needs_a_reason(programme, staf):
    enrolment = EnrolmentFactory(programme=programme)

    with pytest.raises(ValidationError) as caught:
        services.enrolment_withdraw(enrolment=enrolment, user=staf, reason="   ")

    assert caught.value.message_dict["reason"] == ["Tulis alasan mundur."]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_enrolment_withdraw_keeps_the_assessments_and_attendances(programme, staf):
    enrolment = EnrolmentFactory(programme=programme)
    AssessmentFactory(enrolment=enrolment, recorded_by=staf)
    session = CoachingSessionFactory(programme=programme, recorded_by=staf)
    Attendance.objects.create(
        session=session, business=enrolment.business, enrolment=enrolment, recorded_by=staf
    )

    services.enrolment_withdraw(enrolment=enrolment, user=staf, reason="Pindah ke luar kota")

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.withdrawal_reason == "Pindah ke luar kota"
    assert enrolment.assessments.count() == 1
    assert enrolment.attendances.count() == 1
    assert enrolment.history.first().history_change_reason == "Mundur dari program: Pindah ke luar kota"


# session_record, session_update, attendance_add


def test_a_pendamping_records_a_session_as_its_pendamping_whoever_is_named(
    programme, pendamping, other_pendamping, topics
):
    session = services.session_record(
        user=pendamping,
        fields=session_fields(programme, pendamping=other_pendamping),
        topics=topics,
    )

    session.refresh_from_db()
    assert session.pendamping == pendamping
    assert session.recorded_by == pendamping
    assert set(session.topics.all()) == set(topics)


def test_a_pendamping_records_attendance_of_their_own_cohort_and_of_guests(programme, pendamping, topics):
    own = EnrolmentFactory(programme=programme, pendamping=pendamping)
    guest = BusinessFactory()

    session = services.session_record(
        user=pendamping,
        fields=session_fields(programme),
        topics=topics,
        attendees=[own.business, guest],
    )

    enrolment_by_business = dict(session.attendances.values_list("business", "enrolment"))
    assert enrolment_by_business == {own.business.pk: own.pk, guest.pk: None}


def attendee_refused(programme, user, topics, business) -> str:
    """Try to record a session with one attendee; return the message and check nothing was saved."""
    sessions_before = CoachingSession.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.session_record(
            user=user, fields=session_fields(programme), topics=topics, attendees=[business]
        )
    assert CoachingSession.objects.count() == sessions_before
    assert Attendance.objects.count() == 0
    return caught.value.messages[0]


def test_a_pendamping_cannot_record_a_business_coached_by_another(
    programme, pendamping, other_pendamping, topics
):
    theirs = EnrolmentFactory(
        programme=programme, pendamping=other_pendamping, business__name="Batik Tulis Bu Endah"
    )

    message = attendee_refused(programme, pendamping, topics, theirs.business)

    assert message == "Kehadiran tidak bisa dicatat: Batik Tulis Bu Endah didampingi Dewi, bukan Anda."


def test_a_session_cannot_record_a_withdrawn_enrolment(programme, staf, topics):
    withdrawn = EnrolmentFactory(
        programme=programme, status=Enrolment.Status.WITHDRAWN, business__name="Jamu Mbok Sri"
    )

    message = attendee_refused(programme, staf, topics, withdrawn.business)

    assert message == "Kehadiran tidak bisa dicatat: Jamu Mbok Sri sudah mundur dari program."


def test_a_session_cannot_record_a_closed_business(programme, staf, topics):
    closed = BusinessFactory(name="Gerabah Pak Slamet", status=Business.Status.CLOSED)

    message = attendee_refused(programme, staf, topics, closed)

    assert message == "Kehadiran tidak bisa dicatat: Gerabah Pak Slamet sudah tutup."


def test_a_session_needs_at_least_one_topic(programme, staf):
    with pytest.raises(ValidationError) as caught:
        services.session_record(user=staf, fields=session_fields(programme), topics=[])

    assert caught.value.message_dict["topics"] == ["Pilih paling sedikit satu topik."]
    assert CoachingSession.objects.count() == 0


def test_a_session_cannot_be_dated_in_the_future(staf, topics):
    today = timezone.localdate()
    # A programme still running, so that only "in the future" is wrong with the date.
    running = ProgrammeFactory(
        year=today.year,
        starts_on=datetime.date(today.year, 1, 1),
        ends_on=datetime.date(today.year + 1, 12, 31),
    )

    with pytest.raises(ValidationError) as caught:
        services.session_record(
            user=staf,
            fields=session_fields(running, held_on=today + datetime.timedelta(days=1)),
            topics=topics,
        )

    assert caught.value.message_dict["held_on"] == ["Sesi yang dicatat tidak boleh bertanggal di masa depan."]
    assert CoachingSession.objects.count() == 0


def test_a_session_cannot_be_dated_outside_the_programme(programme, staf, topics):
    with pytest.raises(ValidationError) as caught:
        services.session_record(
            user=staf, fields=session_fields(programme, held_on=datetime.date(2025, 1, 10)), topics=topics
        )

    assert caught.value.message_dict["held_on"] == [
        "Tanggal di luar masa program (01-01-2024 s.d. 31-12-2024)."
    ]
    assert CoachingSession.objects.count() == 0


def test_staf_record_a_session_for_any_business_and_keep_the_pendamping_named(
    programme, staf, pendamping, other_pendamping, topics
):
    coached_by_one = EnrolmentFactory(programme=programme, pendamping=pendamping)
    coached_by_other = EnrolmentFactory(programme=programme, pendamping=other_pendamping)

    session = services.session_record(
        user=staf,
        fields=session_fields(programme, pendamping=pendamping),
        topics=topics,
        attendees=[coached_by_one.business, coached_by_other.business],
    )

    assert session.pendamping == pendamping
    assert session.recorded_by == staf
    assert set(session.attendances.values_list("enrolment", flat=True)) == {
        coached_by_one.pk,
        coached_by_other.pk,
    }


def test_attendance_add_skips_businesses_already_present(programme, staf, topics):
    present, newcomer = BusinessFactory.create_batch(2)
    session = services.session_record(
        user=staf, fields=session_fields(programme), topics=topics, attendees=[present]
    )

    added = services.attendance_add(session=session, businesses=[present, newcomer], user=staf)

    assert added == 1
    assert set(session.attendances.values_list("business", flat=True)) == {present.pk, newcomer.pk}


def test_a_pendamping_updates_their_own_session(programme, pendamping, topics):
    session = services.session_record(user=pendamping, fields=session_fields(programme), topics=topics)

    services.session_update(
        session=session, user=pendamping, fields={"duration_minutes": 90}, topics=topics[:1]
    )

    session.refresh_from_db()
    assert session.duration_minutes == 90
    assert list(session.topics.all()) == topics[:1]


def test_a_pendamping_cannot_update_another_pendamping_session(
    programme, pendamping, other_pendamping, topics
):
    session = services.session_record(user=pendamping, fields=session_fields(programme), topics=topics)

    with pytest.raises(PermissionDenied):
        services.session_update(
            session=session, user=other_pendamping, fields={"duration_minutes": 90}, topics=topics
        )

    session.refresh_from_db()
    assert session.duration_minutes == 120
    assert session.pendamping == pendamping


# assessment_record


def assessment_fields(**changes) -> dict:
    fields = {
        "assessed_on": datetime.date(2024, 2, 1),
        "turnover": 150_000_000,
        "capital": 30_000_000,
        "employees": 2,
    }
    fields.update(changes)
    return fields


def test_the_first_assessment_is_the_baseline_and_the_next_a_follow_up(programme, pendamping):
    enrolment = EnrolmentFactory(programme=programme, pendamping=pendamping)

    baseline = services.assessment_record(enrolment=enrolment, user=pendamping, fields=assessment_fields())
    follow_up = services.assessment_record(
        enrolment=enrolment,
        user=pendamping,
        fields=assessment_fields(assessed_on=datetime.date(2024, 10, 1), turnover=2_500_000_000),
    )

    baseline.refresh_from_db()
    follow_up.refresh_from_db()
    assert (baseline.kind, baseline.size_class) == (Assessment.Kind.BASELINE, MIKRO)
    assert (follow_up.kind, follow_up.size_class) == (Assessment.Kind.FOLLOW_UP, KECIL)
    assert follow_up.recorded_by == pendamping
    assert follow_up.history.get().history_change_reason == "Penilaian lanjutan"


def test_a_follow_up_dated_before_the_baseline_is_refused(programme, staf):
    enrolment = EnrolmentFactory(programme=programme)
    services.assessment_record(enrolment=enrolment, user=staf, fields=assessment_fields())

    with pytest.raises(ValidationError) as caught:
        services.assessment_record(
            enrolment=enrolment, user=staf, fields=assessment_fields(assessed_on=datetime.date(2024, 1, 31))
        )

    assert caught.value.message_dict["assessed_on"] == [
        "Penilaian lanjutan tidak boleh sebelum penilaian awal (1 Februari 2024)."
    ]
    assert enrolment.assessments.count() == 1


def test_an_assessment_outside_the_programme_is_refused(programme, staf):
    enrolment = EnrolmentFactory(programme=programme)

    with pytest.raises(ValidationError) as caught:
        services.assessment_record(
            enrolment=enrolment, user=staf, fields=assessment_fields(assessed_on=datetime.date(2023, 12, 30))
        )

    assert caught.value.message_dict["assessed_on"] == [
        "Tanggal penilaian harus di dalam masa program Pembinaan UMKM 2024."
    ]
    assert enrolment.assessments.count() == 0


@pytest.mark.parametrize("coached_by", ["other-pendamping", "nobody"])
def test_a_pendamping_cannot_assess_a_business_not_assigned_to_them(
    programme, pendamping, other_pendamping, coached_by
):
    enrolment = EnrolmentFactory(
        programme=programme, pendamping=other_pendamping if coached_by == "other-pendamping" else None
    )

    with pytest.raises(PermissionDenied):
        services.assessment_record(enrolment=enrolment, user=pendamping, fields=assessment_fields())

    assert Assessment.objects.count() == 0


def test_a_withdrawn_enrolment_cannot_be_assessed(programme, staf):
    enrolment = EnrolmentFactory(programme=programme, status=Enrolment.Status.WITHDRAWN)

    with pytest.raises(ValidationError) as caught:
        services.assessment_record(enrolment=enrolment, user=staf, fields=assessment_fields())

    assert caught.value.messages == ["Peserta ini sudah mundur; penilaian tidak bisa ditambahkan."]
    assert Assessment.objects.count() == 0


# enrolment_verify_naik_kelas, enrolment_withdraw_verification


def test_verification_is_refused_for_an_enrolment_that_is_not_a_candidate(programme, staf):
    enrolment = EnrolmentFactory(programme=programme)
    AssessmentFactory(enrolment=enrolment, recorded_by=staf)

    with pytest.raises(ValidationError) as caught:
        services.enrolment_verify_naik_kelas(enrolment=enrolment, user=staf, note="Sudah dicek di lapangan")

    assert caught.value.messages == [
        "Belum menjadi kandidat naik kelas. "
        "Belum ada penilaian lanjutan untuk dibandingkan dengan penilaian awal."
    ]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_verification_needs_a_note(programme, staf, make_candidate):
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment)

    with pytest.raises(ValidationError) as caught:
        services.enrolment_verify_naik_kelas(enrolment=enrolment, user=staf, note="  ")

    assert caught.value.message_dict["note"] == ["Tulis catatan verifikasi: apa yang diperiksa dan buktinya."]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


@pytest.mark.parametrize("role", ["pimpinan", "pendamping"])
def test_only_staf_verify_naik_kelas(programme, users, role, make_candidate):
    enrolment = EnrolmentFactory(programme=programme, pendamping=users["pendamping"])
    make_candidate(enrolment)

    with pytest.raises(PermissionDenied):
        services.enrolment_verify_naik_kelas(enrolment=enrolment, user=users[role], note="Sudah dicek")

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_staf_verify_a_candidate_with_what_the_rule_found(programme, staf, make_candidate):
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment)

    services.enrolment_verify_naik_kelas(
        enrolment=enrolment,
        user=staf,
        note="NIB dan toko daring dicek",
        verified_on=datetime.date(2024, 10, 15),
    )

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.NAIK_KELAS
    assert enrolment.verified_on == datetime.date(2024, 10, 15)
    assert enrolment.verified_by == staf
    assert enrolment.verification_note == "NIB dan toko daring dicek"
    assert enrolment.verified_criteria == "NIB baru; mulai berjualan daring"


def test_a_candidate_that_met_every_criterion_keeps_them_all_in_its_history(programme, staf, make_candidate):
    # Class up, all ten indicators and turnover growth: far longer than a short history column holds.
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment, turnover=3_000_000_000, **dict.fromkeys(INDICATORS, True))
    long_reason = "Omzet dan dokumen diragukan setelah kunjungan ulang ke tempat usaha. " * 3

    services.enrolment_verify_naik_kelas(enrolment=enrolment, user=staf, note="Semua bukti dicek")
    services.enrolment_withdraw_verification(enrolment=enrolment, user=staf, reason=long_reason)

    verification, withdrawal = enrolment.history.order_by("history_id")[1:]
    assert verification.history_change_reason.startswith(
        "Diverifikasi naik kelas: kelas naik dari mikro ke kecil;"
    )
    assert verification.history_change_reason.endswith("omzet naik 2400 %")  # 120 juta → 3 miliar
    assert withdrawal.history_change_reason == f"Verifikasi naik kelas dicabut: {long_reason.strip()}"


def test_an_enrolment_cannot_be_verified_twice(programme, staf, make_candidate):
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment)
    services.enrolment_verify_naik_kelas(enrolment=enrolment, user=staf, note="Sudah dicek")

    with pytest.raises(ValidationError) as caught:
        services.enrolment_verify_naik_kelas(enrolment=enrolment, user=staf, note="Dicek lagi")

    assert caught.value.messages == [
        "Peserta ini berstatus “Naik kelas (terverifikasi)”; tidak bisa diverifikasi."
    ]
    enrolment.refresh_from_db()
    assert enrolment.verification_note == "Sudah dicek"


def test_withdrawing_a_verification_needs_a_reason(programme, staf, make_candidate):
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment)
    services.enrolment_verify_naik_kelas(enrolment=enrolment, user=staf, note="Sudah dicek")

    with pytest.raises(ValidationError) as caught:
        services.enrolment_withdraw_verification(enrolment=enrolment, user=staf, reason="")

    assert caught.value.message_dict["reason"] == ["Tulis alasan verifikasi dicabut."]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.NAIK_KELAS


def test_withdrawing_a_verification_returns_the_enrolment_to_active_and_keeps_both_in_history(
    programme, staf, make_candidate
):
    enrolment = EnrolmentFactory(programme=programme)
    make_candidate(enrolment)
    services.enrolment_verify_naik_kelas(enrolment=enrolment, user=staf, note="Sudah dicek")

    services.enrolment_withdraw_verification(
        enrolment=enrolment, user=staf, reason="Bukti NIB milik usaha lain"
    )

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert (enrolment.verified_on, enrolment.verified_by, enrolment.verified_criteria) == (None, None, "")
    reasons = list(enrolment.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == [
        "Diverifikasi naik kelas: NIB baru; mulai berjualan daring",
        "Verifikasi naik kelas dicabut: Bukti NIB milik usaha lain",
    ]


# event_participant_set_outcome, event_funnel


@pytest.fixture
def nib_drive(programme):
    return EventFactory(programme=programme)


def participant_in(event, business, staf) -> EventParticipant:
    services.event_add_participants(event=event, businesses=[business], user=staf)
    return EventParticipant.objects.get(event=event, business=business)


def test_a_participant_moves_forward_from_registered_to_applied_to_issued(nib_drive, staf):
    participant = participant_in(nib_drive, BusinessFactory(), staf)
    assert participant.outcome == EventParticipant.Outcome.REGISTERED

    services.event_participant_set_outcome(participant=participant, outcome="diajukan", user=staf)
    services.event_participant_set_outcome(participant=participant, outcome="terbit", user=staf, nib=NIB)

    participant.refresh_from_db()
    assert participant.outcome == EventParticipant.Outcome.ISSUED


@pytest.mark.parametrize(
    ("kind", "flag", "reason"),
    [
        ("halal", "has_halal", "Sertifikat halal terbit pada Fasilitasi Halal"),
        ("pirt", "has_pirt", "PIRT terbit pada Fasilitasi Halal"),
    ],
    ids=["halal", "pirt"],
)
def test_a_certificate_issued_at_a_halal_or_pirt_drive_is_recorded_on_the_business(
    programme, staf, kind, flag, reason
):
    drive = EventFactory(programme=programme, kind=kind, name="Fasilitasi Halal")
    business = BusinessFactory()
    participant = participant_in(drive, business, staf)

    services.event_participant_set_outcome(participant=participant, outcome="diajukan", user=staf)
    business.refresh_from_db()
    assert getattr(business, flag) is False

    services.event_participant_set_outcome(participant=participant, outcome="terbit", user=staf)

    business.refresh_from_db()
    assert getattr(business, flag) is True
    assert business.history.first().history_change_reason == reason


@pytest.mark.parametrize(
    ("current", "backward"), [("diajukan", "terdaftar"), ("terbit", "diajukan")], ids=["applied", "issued"]
)
def test_a_participant_outcome_cannot_move_backward(nib_drive, staf, current, backward):
    participant = EventParticipant.objects.create(
        event=nib_drive, business=BusinessFactory(), outcome=current
    )

    with pytest.raises(ValidationError) as caught:
        services.event_participant_set_outcome(participant=participant, outcome=backward, user=staf)

    assert "tidak bisa mundur" in caught.value.message_dict["outcome"][0]
    participant.refresh_from_db()
    assert participant.outcome == current


@pytest.mark.parametrize(
    ("nib", "message"),
    [("", "Tulis NIB yang terbit (13 digit)."), ("912000123456", "NIB harus 13 digit angka.")],
    ids=["missing", "twelve-digits"],
)
def test_an_issued_nib_must_be_13_digits(nib_drive, staf, nib, message):
    participant = participant_in(nib_drive, BusinessFactory(), staf)

    with pytest.raises(ValidationError) as caught:
        services.event_participant_set_outcome(participant=participant, outcome="terbit", user=staf, nib=nib)

    assert caught.value.message_dict["nib"] == [message]
    participant.refresh_from_db()
    assert participant.outcome == EventParticipant.Outcome.REGISTERED


def test_an_issued_nib_is_written_onto_the_business_with_history(nib_drive, staf):
    business = BusinessFactory()
    participant = participant_in(nib_drive, business, staf)

    services.event_participant_set_outcome(
        participant=participant, outcome="terbit", user=staf, nib="9120 0012 34567"
    )

    business.refresh_from_db()
    assert business.nib == NIB
    latest = business.history.order_by("-history_id").first()
    assert latest.history_user == staf
    assert latest.history_change_reason == "NIB terbit pada Fasilitasi NIB Karanggayam"


def test_an_nib_already_used_by_another_business_is_refused(nib_drive, staf):
    BusinessFactory(nib=NIB)
    business = BusinessFactory()
    participant = participant_in(nib_drive, business, staf)

    with pytest.raises(ValidationError) as caught:
        services.event_participant_set_outcome(participant=participant, outcome="terbit", user=staf, nib=NIB)

    assert caught.value.message_dict["nib"] == ["NIB ini sudah dipakai oleh usaha lain di registri."]
    participant.refresh_from_db()
    assert participant.outcome == EventParticipant.Outcome.REGISTERED
    business.refresh_from_db()
    assert business.nib is None


def test_a_business_that_already_has_a_different_nib_is_refused(nib_drive, staf):
    business = BusinessFactory(name="Keripik Pisang Bu Ani", nib=NIB)
    participant = participant_in(nib_drive, business, staf)

    with pytest.raises(ValidationError) as caught:
        services.event_participant_set_outcome(
            participant=participant, outcome="terbit", user=staf, nib=OTHER_NIB
        )

    assert caught.value.message_dict["nib"] == [f"Keripik Pisang Bu Ani sudah punya NIB {NIB}."]
    participant.refresh_from_db()
    assert participant.outcome == EventParticipant.Outcome.REGISTERED
    business.refresh_from_db()
    assert business.nib == NIB


def test_event_funnel_counts_a_participant_in_every_step_it_reached(nib_drive):
    outcomes = ["terdaftar", "terdaftar", "diajukan", "terbit", "terbit"]
    for outcome in outcomes:
        EventParticipant.objects.create(event=nib_drive, business=BusinessFactory(), outcome=outcome)

    steps = selectors.event_funnel(nib_drive)

    assert [(step.outcome, step.count, step.percent) for step in steps] == [
        ("terdaftar", 5, 100),
        ("diajukan", 3, 60),
        ("terbit", 2, 40),
    ]


def test_event_funnel_of_an_event_without_participants_is_all_zero(nib_drive):
    steps = selectors.event_funnel(nib_drive)

    assert [(step.count, step.percent) for step in steps] == [(0, 0), (0, 0), (0, 0)]


# membership_add


def test_membership_add_refuses_a_business_already_in_the_association(staf):
    association = AssociationFactory(name="Asosiasi Pengrajin Srengat")
    business = BusinessFactory(name="Suvenir Mbak Rini")
    services.membership_add(
        association=association, business=business, joined_on=datetime.date(2024, 11, 1), user=staf
    )

    with pytest.raises(ValidationError) as caught:
        services.membership_add(
            association=association, business=business, joined_on=datetime.date(2024, 12, 1), user=staf
        )

    assert caught.value.messages == ["Suvenir Mbak Rini sudah menjadi anggota Asosiasi Pengrajin Srengat."]
    assert Membership.objects.get().joined_on == datetime.date(2024, 11, 1)


# selectors: candidates, programme_progress, coverage


def test_candidates_are_only_active_enrolments_the_rule_makes_candidates(programme, staf, make_candidate):
    candidate = EnrolmentFactory(programme=programme)
    make_candidate(candidate)
    not_yet = EnrolmentFactory(programme=programme)
    AssessmentFactory(enrolment=not_yet, recorded_by=staf)
    withdrawn = EnrolmentFactory(programme=programme, status=Enrolment.Status.WITHDRAWN)
    make_candidate(withdrawn)
    verified = EnrolmentFactory(
        programme=programme, status=Enrolment.Status.NAIK_KELAS, verified_on=datetime.date(2024, 10, 1)
    )
    make_candidate(verified)
    elsewhere = EnrolmentFactory(programme=ProgrammeFactory(year=2025, name="Pembinaan UMKM 2025"))
    make_candidate(elsewhere)

    found = selectors.candidates(programme)

    assert found == [candidate]
    assert found[0].verdict.criteria == ["NIB baru", "mulai berjualan daring"]


def test_programme_progress_figures(staf, srengat):
    programme = services.programme_create(
        user=staf,
        fields=programme_fields(
            year=2024,
            name="Pembinaan UMKM 2024",
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2024, 12, 31),
        ),
        planned_sessions_total=50,
    )
    active = EnrolmentFactory.create_batch(2, programme=programme)
    EnrolmentFactory(
        programme=programme, status=Enrolment.Status.NAIK_KELAS, verified_on=datetime.date(2024, 10, 1)
    )
    EnrolmentFactory(programme=programme, status=Enrolment.Status.WITHDRAWN)
    kanigoro = Kecamatan.objects.get(name="Kanigoro")
    first = CoachingSessionFactory(programme=programme, kecamatan=srengat, duration_minutes=120)
    CoachingSessionFactory(programme=programme, kecamatan=srengat, duration_minutes=90)
    CoachingSessionFactory(programme=programme, kecamatan=kanigoro, duration_minutes=60)
    for enrolment in active:
        Attendance.objects.create(
            session=first, business=enrolment.business, enrolment=enrolment, recorded_by=staf
        )
    # Another programme's session and cohort do not count.
    CoachingSessionFactory(
        programme=ProgrammeFactory(year=2025, name="Pembinaan UMKM 2025"),
        held_on=datetime.date(2024, 3, 5),
        kecamatan=Kecamatan.objects.get(name="Bakung"),
    )

    progress = selectors.programme_progress(programme)

    assert progress.cohort == 3
    assert progress.active == 2
    assert progress.verified == 1
    assert progress.withdrawn == 1
    assert progress.target == 200
    assert progress.sessions == 3
    assert progress.planned_sessions == 50
    assert progress.kecamatan_reached == 2
    assert progress.kecamatan_total == 22
    assert progress.attendances == 2
    assert progress.hours == 4.5
    assert progress.verified_percent == 0


def test_coverage_puts_the_worst_served_kecamatan_first(staf, srengat):
    programme = services.programme_create(user=staf, fields=programme_fields(), planned_sessions_total=44)
    bakung = Kecamatan.objects.get(name="Bakung")
    kanigoro = Kecamatan.objects.get(name="Kanigoro")
    services.programme_set_plan(programme=programme, user=staf, planned={bakung.pk: 5})
    held_on = datetime.date(2025, 3, 5)
    CoachingSessionFactory.create_batch(3, programme=programme, held_on=held_on, kecamatan=srengat)
    CoachingSessionFactory(programme=programme, held_on=held_on, kecamatan=kanigoro)
    # Sessions of another programme are not held for this one.
    CoachingSessionFactory.create_batch(6, kecamatan=bakung)

    rows = selectors.coverage(programme)

    assert len(rows) == 22
    assert (rows[0].kecamatan, rows[0].planned, rows[0].held) == (bakung, 5, 0)
    assert (rows[-2].kecamatan, rows[-2].held) == (kanigoro, 1)
    assert (rows[-1].kecamatan, rows[-1].held) == (srengat, 3)
    # The kecamatan equally behind (2 planned, none held) follow in name order.
    middle = [row.kecamatan.name for row in rows[1:-2]]
    assert middle == sorted(middle)
    assert {row.held for row in rows[1:-2]} == {0}
