"""The budget's writers and readers: lines within the ceiling, spending within lines, realisation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coaching import selectors, services
from coaching.models import BudgetLine, Expenditure, Programme
from coaching.periods import quarter_bounds, quarter_of
from registry.models import Kecamatan
from tests.factories import (
    BudgetLineFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    EventFactory,
    ExpenditureFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def line_fields(**changes) -> dict:
    fields = {
        "category": BudgetLine.Category.SPEAKER_FEES,
        "name": "Honorarium narasumber",
        "allocation": 400_000_000,
        "plan_q1": 40_000_000,
        "plan_q2": 120_000_000,
        "plan_q3": 120_000_000,
        "plan_q4": 120_000_000,
    }
    fields.update(changes)
    return fields


def spend(line, user, amount, **changes) -> Expenditure:
    fields = {
        "budget_line": line,
        "spent_on": datetime.date(2024, 5, 2),
        "amount": amount,
        "description": "Honor narasumber kelas pemasaran",
        "receipt_number": "SPJ/0001/DKUKM/2024",
        "session": None,
        "event": None,
    }
    fields.update(changes)
    return services.expenditure_add(user=user, fields=fields)


def the_error(caught, field="amount") -> str:
    return " ".join(caught.value.message_dict[field])


# --- budget lines --------------------------------------------------------------------------------


def test_lines_may_add_up_to_exactly_the_ceiling(programme, staf):
    services.budget_line_create(programme=programme, user=staf, fields=line_fields())
    services.budget_line_create(
        programme=programme,
        user=staf,
        fields=line_fields(name="Konsumsi", allocation=800_000_000, plan_q1=200_000_000,
                           plan_q2=200_000_000, plan_q3=200_000_000, plan_q4=200_000_000),
    )  # fmt: skip

    assert sum(programme.budget_lines.values_list("allocation", flat=True)) == 1_200_000_000


def test_a_line_one_rupiah_past_the_ceiling_is_refused_with_the_excess(programme, staf):
    BudgetLineFactory(programme=programme, allocation=800_000_000, plan_q1=800_000_000, plan_q2=0,
                      plan_q3=0, plan_q4=0)  # fmt: skip

    with pytest.raises(ValidationError) as caught:
        services.budget_line_create(
            programme=programme,
            user=staf,
            fields=line_fields(plan_q4=120_000_001, allocation=400_000_001),
        )

    assert the_error(caught, "allocation") == (
        "Jumlah pagu mata anggaran menjadi Rp 1.200.000.001, melebihi pagu program Rp 1.200.000.000 "
        "sebesar Rp 1."
    )
    assert programme.budget_lines.count() == 1


def test_a_quarter_plan_that_does_not_add_up_to_the_allocation_is_refused(programme, staf):
    with pytest.raises(ValidationError) as caught:
        services.budget_line_create(programme=programme, user=staf, fields=line_fields(plan_q4=100_000_000))

    assert the_error(caught, "allocation") == (
        "Rencana empat triwulan (Rp 380.000.000) harus sama dengan pagu (Rp 400.000.000): "
        "kurang Rp 20.000.000."
    )
    assert not BudgetLine.objects.exists()


def test_a_line_name_is_used_once_per_programme(programme, staf):
    services.budget_line_create(programme=programme, user=staf, fields=line_fields(allocation=0, plan_q1=0,
                                plan_q2=0, plan_q3=0, plan_q4=0))  # fmt: skip

    with pytest.raises(ValidationError):
        services.budget_line_create(programme=programme, user=staf, fields=line_fields())
    assert programme.budget_lines.count() == 1


def test_an_allocation_cannot_drop_below_what_the_line_has_spent(programme, staf):
    line = services.budget_line_create(programme=programme, user=staf, fields=line_fields())
    spend(line, staf, 50_000_000)

    with pytest.raises(ValidationError) as caught:
        services.budget_line_update(
            line=line, user=staf, fields=line_fields(allocation=49_999_999, plan_q1=49_999_999, plan_q2=0,
                                                     plan_q3=0, plan_q4=0)
        )  # fmt: skip

    assert "sudah dibelanjakan Rp 50.000.000" in the_error(caught, "allocation")
    line.refresh_from_db()
    assert line.allocation == 400_000_000


def test_a_line_update_is_kept_in_its_history(programme, staf):
    line = services.budget_line_create(programme=programme, user=staf, fields=line_fields())

    services.budget_line_update(line=line, user=staf, fields={"name": "Honor narasumber dan moderator"})

    assert [r.history_change_reason for r in line.history.order_by("history_date")] == [
        "Mata anggaran dibuat",
        "Mata anggaran diubah",
    ]


def test_the_ceiling_cannot_be_lowered_below_the_lines(programme, staf):
    services.budget_line_create(programme=programme, user=staf, fields=line_fields())

    with pytest.raises(ValidationError) as caught:
        services.programme_update(programme=programme, user=staf, fields={"budget_ceiling": 399_999_999})
    services.programme_update(programme=programme, user=staf, fields={"budget_ceiling": 400_000_000})

    assert "Rp 400.000.000" in the_error(caught, "budget_ceiling")
    programme.refresh_from_db()
    assert programme.budget_ceiling == 400_000_000


# --- spending ------------------------------------------------------------------------------------


@pytest.fixture
def line(programme, staf):
    return services.budget_line_create(programme=programme, user=staf, fields=line_fields())


def test_spending_exactly_the_line_allocation_is_allowed(line, staf):
    spend(line, staf, 399_000_000)
    spend(line, staf, 1_000_000)

    assert sum(line.expenditures.values_list("amount", flat=True)) == 400_000_000


def test_one_rupiah_past_the_line_is_refused_with_the_remaining_amount(line, staf):
    spend(line, staf, 399_000_000)

    with pytest.raises(ValidationError) as caught:
        spend(line, staf, 1_000_001)

    assert the_error(caught) == (
        "Melebihi sisa mata anggaran “Honorarium narasumber”: sisa Rp 1.000.000, belanja ini Rp 1.000.001 "
        "(lebih Rp 1)."
    )
    assert line.expenditures.count() == 1


def test_spending_exactly_at_the_ceiling_is_allowed_and_one_rupiah_more_is_refused(programme, staf):
    first = services.budget_line_create(programme=programme, user=staf, fields=line_fields())
    second = services.budget_line_create(
        programme=programme,
        user=staf,
        fields=line_fields(name="Konsumsi", allocation=800_000_000, plan_q1=800_000_000, plan_q2=0,
                           plan_q3=0, plan_q4=0),
    )  # fmt: skip
    spend(first, staf, 400_000_000)
    spend(second, staf, 800_000_000)

    with pytest.raises(ValidationError) as caught:
        spend(second, staf, 1)

    assert "sisa Rp 0" in the_error(caught)
    assert selectors.programme_spent(programme) == programme.budget_ceiling == 1_200_000_000


def test_spending_past_the_ceiling_is_refused_even_when_the_line_has_room(staf):
    # Lines written before the ceiling was cut (straight to the table; the services would refuse
    # it): the line still has room, the programme does not.
    programme = ProgrammeFactory(budget_ceiling=150_000_000)
    roomy = BudgetLineFactory(programme=programme)
    other = BudgetLineFactory(programme=programme)
    ExpenditureFactory(budget_line=other, amount=100_000_000)

    with pytest.raises(ValidationError) as caught:
        spend(roomy, staf, 50_000_001)
    spend(roomy, staf, 50_000_000)

    assert the_error(caught) == (
        "Melebihi sisa pagu program: sisa Rp 50.000.000, belanja ini Rp 50.000.001 (lebih Rp 1)."
    )
    assert selectors.programme_spent(programme) == 150_000_000


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2023, 12, 31), "Tanggal di luar masa program (1 Januari 2024 s.d. 31 Desember 2024)."),
        (datetime.date(2025, 1, 1), "Tanggal di luar masa program (1 Januari 2024 s.d. 31 Desember 2024)."),
    ],
    ids=["before-the-programme", "after-the-programme"],
)
def test_spending_dated_outside_the_programme_is_refused(line, staf, day, message):
    with pytest.raises(ValidationError) as caught:
        spend(line, staf, 1_000_000, spent_on=day)

    assert the_error(caught, "spent_on") == message
    assert not Expenditure.objects.exists()


def test_spending_dated_in_the_future_is_refused(staf):
    today = timezone.localdate()
    programme = ProgrammeFactory(
        year=today.year, starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31)
    )
    line = BudgetLineFactory(programme=programme)

    with pytest.raises(ValidationError) as caught:
        spend(line, staf, 1_000_000, spent_on=today + datetime.timedelta(days=1))

    assert the_error(caught, "spent_on") == "Belanja yang dicatat tidak boleh bertanggal di masa depan."


def test_spending_may_pay_for_a_session_or_a_drive_of_its_own_programme(line, staf, programme):
    session = CoachingSessionFactory(programme=programme)
    event = EventFactory(programme=programme)

    for_session = spend(line, staf, 1_000_000, session=session)
    for_event = spend(line, staf, 2_000_000, event=event)

    assert selectors.spending_on(session) == ([for_session], 1_000_000)
    assert selectors.spending_on(event) == ([for_event], 2_000_000)


def test_spending_for_another_programmes_session_or_for_both_is_refused(line, staf, programme):
    other = ProgrammeFactory(year=2025, name="Pembinaan UMKM 2025", starts_on=datetime.date(2025, 1, 1),
                             ends_on=datetime.date(2025, 12, 31))  # fmt: skip
    foreign = CoachingSessionFactory(programme=other, held_on=datetime.date(2025, 3, 1))

    with pytest.raises(ValidationError) as foreign_session:
        spend(line, staf, 1_000_000, session=foreign)
    with pytest.raises(ValidationError) as both:
        spend(line, staf, 1_000_000, session=CoachingSessionFactory(programme=programme),
              event=EventFactory(programme=programme))  # fmt: skip

    assert "bukan bagian dari Pembinaan UMKM 2024" in the_error(foreign_session, "session")
    assert the_error(both, "event") == "Pilih sesi atau kegiatan, tidak keduanya."
    assert not Expenditure.objects.exists()


def test_a_correction_is_checked_without_counting_the_entry_itself(line, staf):
    entry = spend(line, staf, 400_000_000)

    services.expenditure_update(expenditure=entry, user=staf, fields={"amount": 400_000_000}, reason="Cek")
    with pytest.raises(ValidationError) as caught:
        services.expenditure_update(
            expenditure=entry, user=staf, fields={"amount": 400_000_001}, reason="Typo"
        )

    assert "lebih Rp 1" in the_error(caught)
    entry.refresh_from_db()
    assert entry.amount == 400_000_000


def test_a_correction_keeps_the_old_values_and_the_reason_in_history(line, staf):
    entry = spend(line, staf, 1_500_000)

    services.expenditure_update(
        expenditure=entry, user=staf, fields={"amount": 1_350_000}, reason="Salah ketik di kuitansi"
    )

    history = selectors.expenditure_history(entry)
    assert [h.title for h in history] == ["Dikoreksi", "Dicatat"]
    assert history[0].reason == "Koreksi: Salah ketik di kuitansi"
    assert [(c.label, c.old, c.new) for c in history[0].changes] == [
        ("jumlah (Rp)", "Rp 1.500.000", "Rp 1.350.000")
    ]
    assert history[0].who == "Siti"


def test_a_correction_needs_a_reason(line, staf):
    entry = spend(line, staf, 1_500_000)

    with pytest.raises(ValidationError) as caught:
        services.expenditure_update(expenditure=entry, user=staf, fields={"amount": 1}, reason="  ")

    assert the_error(caught, "reason") == "Tulis alasan koreksi."
    entry.refresh_from_db()
    assert entry.amount == 1_500_000


def test_moving_an_entry_to_another_line_checks_that_line(programme, line, staf):
    small = services.budget_line_create(
        programme=programme,
        user=staf,
        fields=line_fields(name="Publikasi", allocation=1_000_000, plan_q1=1_000_000, plan_q2=0, plan_q3=0,
                           plan_q4=0),
    )  # fmt: skip
    entry = spend(line, staf, 1_500_000)

    with pytest.raises(ValidationError) as caught:
        services.expenditure_update(
            expenditure=entry, user=staf, fields={"budget_line": small}, reason="Salah"
        )

    assert "sisa Rp 1.000.000" in the_error(caught)
    entry.refresh_from_db()
    assert entry.budget_line == line


def test_only_an_admin_deletes_spending_and_the_entry_stays_in_history(line, staf, admin_user):
    entry = spend(line, staf, 1_500_000)

    with pytest.raises(PermissionDenied):
        services.expenditure_delete(expenditure=entry, user=staf, reason="Dobel")
    assert Expenditure.objects.filter(pk=entry.pk).exists()

    services.expenditure_delete(expenditure=entry, user=admin_user, reason="Tercatat dua kali")

    assert not Expenditure.objects.filter(pk=entry.pk).exists()
    deleted = Expenditure.history.filter(id=entry.pk, history_type="-").get()
    assert deleted.history_change_reason == "Dihapus: Tercatat dua kali"
    assert deleted.history_user == admin_user
    assert deleted.amount == 1_500_000


# --- quarters in Asia/Jakarta --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (datetime.date(2024, 1, 1), 1),
        (datetime.date(2024, 3, 31), 1),
        (datetime.date(2024, 4, 1), 2),
        (datetime.date(2024, 6, 30), 2),
        (datetime.date(2024, 7, 1), 3),
        (datetime.date(2024, 9, 30), 3),
        (datetime.date(2024, 10, 1), 4),
        (datetime.date(2024, 12, 31), 4),
    ],
)
def test_a_date_falls_in_its_calendar_quarter(day, quarter):
    assert quarter_of(day) == quarter
    start, end = quarter_bounds(2024, quarter)
    assert start <= day <= end


@pytest.mark.parametrize(
    ("utc", "day", "quarter"),
    [
        # 23.59 WIB on 31 March is still the first quarter…
        (datetime.datetime(2024, 3, 31, 16, 59, tzinfo=datetime.UTC), datetime.date(2024, 3, 31), 1),
        # …and 00.30 WIB on 1 April, still 31 March in UTC, is already the second.
        (datetime.datetime(2024, 3, 31, 17, 30, tzinfo=datetime.UTC), datetime.date(2024, 4, 1), 2),
        # New Year's Eve at 17.00 UTC is 1 January 2025 in Blitar: outside the 2024 programme.
        (datetime.datetime(2024, 12, 31, 17, 0, tzinfo=datetime.UTC), datetime.date(2025, 1, 1), 1),
    ],
    ids=["last-minute-of-q1", "first-minutes-of-q2", "new-year-in-jakarta"],
)
def test_spending_recorded_at_a_quarter_edge_takes_the_date_in_jakarta(monkeypatch, utc, day, quarter):
    monkeypatch.setattr(timezone, "now", lambda: utc)

    entry = Expenditure()

    assert entry.spent_on == day
    assert entry.quarter == quarter


def test_realisation_counts_spending_on_either_side_of_a_quarter_edge_in_its_own_quarter(line, staf):
    spend(line, staf, 3_000_000, spent_on=datetime.date(2024, 3, 31))
    spend(line, staf, 5_000_000, spent_on=datetime.date(2024, 4, 1))

    first = selectors.realisation(line.programme, 1, today=datetime.date(2024, 12, 31))
    second = selectors.realisation(line.programme, 2, today=datetime.date(2024, 12, 31))

    assert (first.total.spent_quarter, first.total.spent_to_date) == (3_000_000, 3_000_000)
    assert (second.total.spent_quarter, second.total.spent_to_date) == (5_000_000, 8_000_000)
    assert [q.spent for q in second.quarters] == [3_000_000, 5_000_000, 0, 0]


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (datetime.date(2023, 11, 1), 1),  # before the programme: its first quarter
        (datetime.date(2024, 4, 1), 2),
        (datetime.date(2024, 9, 30), 3),
        (datetime.date(2025, 2, 1), 4),  # after it: its last
    ],
)
def test_the_realisation_page_opens_on_the_quarter_of_today(programme, today, quarter):
    assert selectors.default_quarter(programme, today) == quarter


# --- realisation ---------------------------------------------------------------------------------


def test_realisation_of_a_quarter_shows_plan_spent_remaining_and_percent_per_line(programme, line, staf):
    meals = services.budget_line_create(
        programme=programme,
        user=staf,
        fields=line_fields(category=BudgetLine.Category.MEALS, name="Konsumsi", allocation=200_000_000,
                           plan_q1=50_000_000, plan_q2=50_000_000, plan_q3=50_000_000, plan_q4=50_000_000),
    )  # fmt: skip
    spend(line, staf, 30_000_000, spent_on=datetime.date(2024, 2, 1))
    spend(line, staf, 60_000_000, spent_on=datetime.date(2024, 5, 1))
    spend(meals, staf, 45_000_000, spent_on=datetime.date(2024, 6, 30))
    spend(meals, staf, 10_000_000, spent_on=datetime.date(2024, 7, 1))  # the next quarter

    realisation = selectors.realisation(programme, 2, today=datetime.date(2024, 12, 31))

    by_name = {row.name: row for row in realisation.lines}
    speaker = by_name["Honorarium narasumber"]
    assert (speaker.allocation, speaker.plan_quarter, speaker.plan_to_date) == (
        400_000_000, 120_000_000, 160_000_000,
    )  # fmt: skip
    assert (speaker.spent_quarter, speaker.spent_to_date, speaker.remaining) == (
        60_000_000, 90_000_000, 310_000_000,
    )  # fmt: skip
    assert speaker.quarter_percent == Decimal("50.0")
    assert speaker.percent == Decimal("22.5")
    assert by_name["Konsumsi"].spent_to_date == 45_000_000
    total = realisation.total
    assert (total.allocation, total.plan_quarter, total.spent_quarter, total.spent_to_date) == (
        600_000_000, 170_000_000, 105_000_000, 135_000_000,
    )  # fmt: skip
    assert realisation.unallocated == 600_000_000
    assert realisation.ceiling_remaining == 1_200_000_000 - 135_000_000
    assert [(q.plan, q.spent) for q in realisation.quarters] == [
        (90_000_000, 30_000_000), (170_000_000, 105_000_000), (170_000_000, 10_000_000), (170_000_000, 0),
    ]  # fmt: skip


def test_a_programme_75_percent_through_its_year_with_40_percent_spent_is_behind(programme, staf):
    line = services.budget_line_create(
        programme=programme,
        user=staf,
        fields=line_fields(allocation=1_200_000_000, plan_q1=300_000_000, plan_q2=300_000_000,
                           plan_q3=300_000_000, plan_q4=300_000_000),
    )  # fmt: skip
    spend(line, staf, 480_000_000, spent_on=datetime.date(2024, 9, 1))

    realisation = selectors.realisation(programme, 4, today=datetime.date(2024, 10, 1))

    assert realisation.pace.elapsed_percent == Decimal("75.1")  # 275 of 366 days
    assert realisation.pace.spent_percent == Decimal("40.0")
    assert realisation.pace.status == "tertinggal"
    assert realisation.pace.label == "Tertinggal dari waktu"


@pytest.mark.parametrize(
    ("spent", "status"),
    [(792_000_000, "sejalan"), (1_044_000_000, "mendahului"), (780_000_000, "tertinggal")],
)
def test_spending_within_ten_points_of_the_time_elapsed_is_on_track(programme, staf, spent, status):
    line = services.budget_line_create(
        programme=programme,
        user=staf,
        fields=line_fields(allocation=1_200_000_000, plan_q1=1_200_000_000, plan_q2=0, plan_q3=0, plan_q4=0),
    )
    spend(line, staf, spent)

    # 1 October 2024 is 75,1 % of the year: 66,0 % spent (9,1 points behind) is on track, 65,0 %
    # (10,1 points) is behind, 87,0 % (11,9 points ahead) is ahead.
    assert selectors.realisation(programme, 4, today=datetime.date(2024, 10, 1)).pace.status == status


def test_physical_realisation_counts_what_happened_by_the_end_of_the_quarter(programme, line, staf):
    programme.kecamatan_plans.create(kecamatan=Kecamatan.objects.get(name="Srengat"), planned_sessions=3)
    programme.kecamatan_plans.create(kecamatan=Kecamatan.objects.get(name="Wlingi"), planned_sessions=1)
    CoachingSessionFactory(programme=programme, held_on=datetime.date(2024, 2, 1))
    CoachingSessionFactory(programme=programme, held_on=datetime.date(2024, 3, 31))
    CoachingSessionFactory(
        programme=programme, held_on=datetime.date(2024, 4, 1), kecamatan=Kecamatan.objects.get(name="Wlingi")
    )
    EnrolmentFactory(programme=programme, status="naik_kelas", verified_on=datetime.date(2024, 3, 30))
    EnrolmentFactory(programme=programme, status="naik_kelas", verified_on=datetime.date(2024, 4, 2))
    spend(line, staf, 10_000_000, spent_on=datetime.date(2024, 3, 1))

    first = selectors.realisation(programme, 1, today=datetime.date(2024, 12, 31))
    second = selectors.realisation(programme, 2, today=datetime.date(2024, 12, 31))

    assert (first.physical.sessions, first.physical.kecamatan_reached, first.physical.verified) == (2, 1, 1)
    assert (second.physical.sessions, second.physical.kecamatan_reached, second.physical.verified) == (
        3,
        2,
        2,
    )
    assert (second.physical.planned_sessions, second.physical.kecamatan_total) == (4, 2)
    assert first.cost_per_session == 5_000_000
    assert first.cost_per_verified == 10_000_000
    # Sessions 3 of 4 (75 %), kecamatan 2 of 2 (100 %), verified 2 of 170 (1,1 %): averaged 58,7 %.
    assert second.physical.average_percent == Decimal("58.7")


def test_realisation_of_a_programme_without_lines_or_spending_is_all_zero(programme):
    realisation = selectors.realisation(programme, 1, today=datetime.date(2024, 2, 1))

    assert realisation.lines == []
    assert realisation.total.spent_to_date == 0
    assert realisation.cost_per_session is None
    assert realisation.cost_per_verified is None
    assert realisation.unallocated == programme.budget_ceiling


def test_the_programme_ends_in_its_budget_year(staf):
    with pytest.raises(ValidationError) as caught:
        Programme(
            year=2024, name="X", budget_ceiling=1, naik_kelas_target=1,
            starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2025, 1, 31),
        ).full_clean()  # fmt: skip

    assert caught.value.message_dict["ends_on"] == ["Tanggal selesai harus di tahun anggaran 2024."]
