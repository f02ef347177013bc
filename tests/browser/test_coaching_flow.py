"""What people do with the coaching programme in a browser: record a session, verify, log a NIB."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching import services
from coaching.models import Assessment, Attendance, CoachingSession, Enrolment, EventParticipant
from registry.formatting import tanggal
from registry.models import Business, Desa
from tests.factories import (
    AssessmentFactory,
    BusinessFactory,
    EnrolmentFactory,
    EventFactory,
    ProgrammeFactory,
    UserFactory,
)


def main_nav(page):
    return page.get_by_role("navigation", name="Navigasi utama")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shown_attendees(page) -> list[str]:
    """Names of the businesses the attendee list shows (its rows that are not hidden)."""
    return page.locator("[data-attendees] .form-check[data-kecamatan]").evaluate_all(
        "rows => rows.filter(row => !row.hidden)"
        "  .map(row => row.querySelector('label').firstChild.textContent.trim())"
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def programme(today):
    """This year's programme, running today."""
    return ProgrammeFactory(
        year=today.year,
        name=f"Pembinaan UMKM {today.year}",
        starts_on=datetime.date(today.year, 1, 1),
        ends_on=datetime.date(today.year, 12, 31),
    )


def test_a_pendamping_on_a_phone_records_a_session_with_three_of_their_businesses(
    phone_page, pendamping, programme, today, log_in, screenshot
):
    karanggayam = Desa.objects.get(code="35.05.03.2001")  # Kec. Srengat
    togogan = Desa.objects.get(name="Togogan")  # also Kec. Srengat
    jaten = Desa.objects.get(name="Jaten")  # Kec. Wonodadi
    own = {
        name: EnrolmentFactory(
            programme=programme,
            pendamping=pendamping,
            enrolled_on=programme.starts_on,
            business=BusinessFactory(name=name, desa=desa),
        ).business
        for name, desa in [
            ("Keripik Tempe Bu Sri", karanggayam),
            ("Gerabah Pak Darmo", karanggayam),
            ("Batik Tulis Kembang", togogan),
            ("Anyaman Bambu Sumber Rejeki", togogan),
            ("Sambal Pecel Mbok Jum", jaten),
        ]
    }
    colleague = UserFactory(username="pendamping-lain", first_name="Wahyu", role="pendamping")
    EnrolmentFactory(
        programme=programme,
        pendamping=colleague,
        enrolled_on=programme.starts_on,
        business=BusinessFactory(name="Madu Klanceng Pak Harto", desa=karanggayam),
    )
    page = phone_page

    log_in(page, pendamping)
    mine = page.get_by_role("region", name=re.compile("Usaha binaan saya"))
    expect(mine.get_by_role("heading", name=f"Usaha binaan saya · {programme.name}")).to_be_visible()
    expect(mine.locator(".list-group-item")).to_have_count(5)
    expect(mine).not_to_contain_text("Madu Klanceng Pak Harto")
    screenshot(page, "20-hp-beranda-pendamping")

    mine.get_by_role("link", name="+ Catat sesi").click()
    expect(page.get_by_role("heading", name="Catat sesi pendampingan")).to_be_visible()
    # The date stays today and the kecamatan is the one most of the pendamping's businesses are in.
    expect(page.get_by_label("Tanggal")).to_have_value(today.isoformat())
    kecamatan = page.get_by_role("combobox", name="Kecamatan")
    expect(kecamatan.locator("option:checked")).to_have_text("Srengat")

    # Only their own businesses are offered, and first only those of the chosen kecamatan.
    attendees = page.locator('input[name="attendees"]')
    expect(attendees).to_have_count(5)
    expect(page.get_by_label("Madu Klanceng Pak Harto")).to_have_count(0)
    assert sorted(shown_attendees(page)) == sorted(set(own) - {"Sambal Pecel Mbok Jum"})
    page.get_by_label("Tampilkan juga peserta dari kecamatan lain").check()
    assert sorted(shown_attendees(page)) == sorted(own)
    page.get_by_label("Tampilkan juga peserta dari kecamatan lain").uncheck()
    expect(page.get_by_label("Sambal Pecel Mbok Jum")).to_be_hidden()

    page.get_by_label("Jenis sesi").select_option(label="Klinik UMKM")
    page.get_by_label("Pemasaran & merek").check()
    page.get_by_label("Digitalisasi").check()
    page.get_by_label("Desa/kelurahan").select_option(label="Karanggayam (Desa)")
    page.get_by_label("Tempat", exact=True).fill("Pondok Pesantren Al-Hikmah Karanggayam")
    for name in ("Keripik Tempe Bu Sri", "Gerabah Pak Darmo", "Batik Tulis Kembang"):
        page.get_by_label(name).check()
    screenshot(page, "21-hp-form-sesi-terisi")
    assert fits_the_screen(page)

    page.get_by_role("button", name="Simpan sesi").click()

    expect(page).to_have_url(re.compile(r"/sesi/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text("Sesi tersimpan dengan 3 peserta hadir.")
    attendance = page.get_by_role("region", name=re.compile("Daftar hadir"))
    expect(attendance.get_by_role("heading")).to_have_text("Daftar hadir (3)")
    expect(attendance.locator("tbody tr")).to_have_count(3)
    for name in ("Batik Tulis Kembang", "Gerabah Pak Darmo", "Keripik Tempe Bu Sri"):
        expect(attendance.get_by_role("link", name=name)).to_be_visible()
    expect(
        page.get_by_text("Pondok Pesantren Al-Hikmah Karanggayam, Desa Karanggayam, Kec. Srengat")
    ).to_be_visible()
    screenshot(page, "22-hp-sesi-tersimpan")
    assert fits_the_screen(page)
    # The table must fit too: scrolled sideways inside its box, it hid the Hapus buttons off screen.
    assert attendance.locator(".table-responsive").evaluate("box => box.scrollWidth <= box.clientWidth")
    expect(attendance.get_by_role("button", name="Hapus Gerabah Pak Darmo dari daftar hadir")).to_be_visible()

    session = CoachingSession.objects.get()
    assert page.url.endswith(session.get_absolute_url())
    assert (session.pendamping, session.recorded_by, session.programme) == (pendamping, pendamping, programme)
    assert (session.held_on, session.kind, session.duration_minutes) == (today, "klinik", 120)
    assert (session.kecamatan.name, session.desa, session.venue) == (
        "Srengat",
        karanggayam,
        "Pondok Pesantren Al-Hikmah Karanggayam",
    )
    assert set(session.topics.values_list("slug", flat=True)) == {"pemasaran-merek", "digital"}
    attended = Attendance.objects.filter(session=session)
    assert attended.count() == 3
    assert set(attended.values_list("business__name", flat=True)) == {
        "Keripik Tempe Bu Sri",
        "Gerabah Pak Darmo",
        "Batik Tulis Kembang",
    }
    # Each attendance is tied to the business's enrolment, so it counts for the programme.
    assert not attended.filter(enrolment__isnull=True).exists()

    # Back home through the folded menu, the session is the pendamping's latest.
    page.get_by_role("button", name="Buka menu").click()
    main_nav(page).get_by_role("link", name="Beranda").click()
    latest = page.get_by_role("link", name=re.compile(r"· Klinik UMKM$"))
    expect(latest).to_have_attribute("href", session.get_absolute_url())
    expect(page.get_by_text("Kec. Srengat · 3 hadir")).to_be_visible()


def test_staf_verifies_a_candidate_from_the_candidate_list(page, staf, programme, today, log_in, screenshot):
    enrolment = EnrolmentFactory(
        programme=programme,
        enrolled_on=programme.starts_on,
        business=BusinessFactory(name="Keripik Tempe Bu Sri"),
    )
    AssessmentFactory(
        enrolment=enrolment, assessed_on=datetime.date(today.year, 2, 1), turnover=100_000_000, has_nib=False
    )
    AssessmentFactory(
        enrolment=enrolment,
        kind=Assessment.Kind.FOLLOW_UP,
        assessed_on=datetime.date(today.year, 10, 1),
        turnover=125_000_000,
        has_nib=True,
    )
    # Turnover up 10 % and nothing new: coached, but not a candidate.
    unchanged = EnrolmentFactory(
        programme=programme,
        enrolled_on=programme.starts_on,
        business=BusinessFactory(name="Gerabah Pak Darmo"),
    )
    AssessmentFactory(enrolment=unchanged, assessed_on=datetime.date(today.year, 2, 1), turnover=100_000_000)
    AssessmentFactory(
        enrolment=unchanged,
        kind=Assessment.Kind.FOLLOW_UP,
        assessed_on=datetime.date(today.year, 10, 1),
        turnover=110_000_000,
    )

    log_in(page, staf)
    main_nav(page).get_by_role("link", name="Program").click()
    page.get_by_role("link", name=programme.name).click()
    candidates_card = page.get_by_role("link", name=re.compile("Kandidat menunggu verifikasi"))
    expect(candidates_card).to_contain_text("1")
    candidates_card.click()

    expect(page.get_by_role("heading", name="Kandidat naik kelas")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("NIB baru; omzet naik 25 %")
    rows.get_by_role("link", name="Keripik Tempe Bu Sri").click()

    expect(page.get_by_role("heading", name="Keripik Tempe Bu Sri")).to_be_visible()
    expect(page.get_by_text("Kandidat naik kelas.")).to_be_visible()
    expect(page.locator("#kriteria li")).to_have_text(["NIB baru", "Omzet naik 25 %"])
    expect(page.get_by_label("Tanggal naik kelas")).to_have_value(today.isoformat())
    page.get_by_label("Catatan verifikasi").fill("NIB diperiksa di OSS; buku kas Januari–Oktober dilihat.")
    screenshot(page, "23-verifikasi-kandidat")
    page.get_by_role("button", name="Verifikasi naik kelas").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Keripik Tempe Bu Sri terverifikasi naik kelas dan dihitung ke target."
    )
    verified = page.get_by_role("region", name="Naik kelas")
    expect(verified.get_by_text("Terverifikasi naik kelas")).to_be_visible()
    expect(verified).to_contain_text("oleh Siti")
    expect(verified).to_contain_text("Kriteria: NIB baru; omzet naik 25 %")
    expect(page.get_by_role("button", name="Verifikasi naik kelas")).to_have_count(0)
    screenshot(page, "24-terverifikasi-naik-kelas")

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.verified_by, enrolment.verified_on) == (
        Enrolment.Status.NAIK_KELAS,
        staf,
        today,
    )
    assert enrolment.verification_note == "NIB diperiksa di OSS; buku kas Januari–Oktober dilihat."
    assert enrolment.verified_criteria == "NIB baru; omzet naik 25 %"
    unchanged.refresh_from_db()
    assert unchanged.status == Enrolment.Status.ACTIVE

    # The programme now counts it toward the target, and no candidate is left waiting.
    page.get_by_role("link", name=programme.name).first.click()
    expect(page.get_by_role("link", name="Naik kelas terverifikasi / target")).to_contain_text(
        f"1 / {programme.naik_kelas_target}"
    )
    expect(page.get_by_role("link", name=re.compile("Kandidat menunggu verifikasi"))).to_contain_text("0")


def test_staf_records_an_issued_nib_on_a_drive_and_the_business_page_shows_it(
    page, staf, programme, today, log_in, screenshot
):
    business = BusinessFactory(name="Keripik Tempe Bu Sri")
    other = BusinessFactory(name="Gerabah Pak Darmo")
    event = EventFactory(programme=programme, held_on=today)
    services.event_add_participants(event=event, businesses=[business, other], user=staf)

    log_in(page, staf)
    main_nav(page).get_by_role("link", name="Kegiatan").click()
    page.get_by_role("link", name="Fasilitasi NIB Karanggayam").click()
    expect(page.get_by_role("heading", name="Peserta (2)")).to_be_visible()
    expect(page.get_by_text("Fasilitasi NIB · ")).to_contain_text(
        f"Fasilitasi NIB · {tanggal(today)} · Desa Karanggayam, Kec. Srengat · bersama DPMPTSP"
    )

    page.get_by_label("Hasil Keripik Tempe Bu Sri").select_option(label="Terbit")
    page.get_by_label("NIB Keripik Tempe Bu Sri").fill("9120 0012 3456 7")
    row = page.locator("tbody tr", has_text="Keripik Tempe Bu Sri")
    row.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert")).to_contain_text("Keripik Tempe Bu Sri: Terbit.")
    row = page.locator("tbody tr", has_text="Keripik Tempe Bu Sri")
    expect(row).to_contain_text("Terbit")
    expect(row).to_contain_text("9120001234567")
    expect(row.get_by_role("button", name="Simpan")).to_have_count(0)  # an issued NIB is final
    expect(page.locator('[data-step="terbit"]')).to_have_text("1 usaha (50 %)")
    screenshot(page, "25-kegiatan-nib-terbit")

    business.refresh_from_db()
    assert business.nib == "9120001234567"
    participant = EventParticipant.objects.get(event=event, business=business)
    assert (participant.outcome, participant.outcome_on) == (EventParticipant.Outcome.ISSUED, today)
    assert Business.objects.get(pk=other.pk).nib is None

    row.get_by_role("link", name="Keripik Tempe Bu Sri").click()
    expect(page.get_by_role("heading", name="Keripik Tempe Bu Sri")).to_be_visible()
    expect(page.locator("dl").get_by_text("9120001234567")).to_be_visible()
    timeline = page.locator(".timeline-entry")
    expect(timeline.filter(has_text="Fasilitasi NIB Karanggayam: Terbit")).to_have_count(1)
    nib_change = timeline.filter(has_text="NIB terbit pada Fasilitasi NIB Karanggayam")
    expect(nib_change).to_contain_text("— → 9120001234567")
    expect(nib_change).to_contain_text("Siti")
    screenshot(page, "26-detail-usaha-nib-terbit")


def test_a_second_tap_while_saving_does_not_send_the_form_again(page, pendamping, programme, log_in):
    business = EnrolmentFactory(
        programme=programme, pendamping=pendamping, enrolled_on=programme.starts_on
    ).business
    log_in(page, pendamping)
    page.goto(f"/program/{programme.pk}/sesi/baru/")
    page.get_by_label("Kualitas produk").check()
    page.get_by_label(business.name).check()
    save = page.get_by_role("button", name="Simpan sesi")
    # Count the submissions that would leave the page, and keep them here: a slow connection, where
    # the first request is still on its way when the second tap comes.
    save.evaluate(
        """button => {
            window.sent = 0;
            button.form.addEventListener("submit", event => {
                if (!event.defaultPrevented) window.sent += 1;
                event.preventDefault();
            });
        }"""
    )

    save.click()
    save.evaluate("button => button.form.requestSubmit(button)")  # what the disabled look cannot stop

    assert page.evaluate("window.sent") == 1
    expect(save).to_have_class(re.compile("disabled"))
    expect(save).to_have_attribute("aria-disabled", "true")
