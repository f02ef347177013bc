"""Field work without signal (issue 16), walked in Chromium on a phone: prepare, go offline, reload the
page from the service worker, record a session with attendance, an assessment and three walk-ins,
close and reopen, come back online with an expired login, log in again, sync; then send the same queue
again, and log out."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from coaching import services
from coaching.models import Assessment, Attendance, CoachingSession, EventParticipant, Topic
from fieldwork.models import OfflineRecord
from registry.models import Business
from tests.factories import (
    BusinessFactory,
    CoachingSessionFactory,
    EnrolmentFactory,
    EventFactory,
    ProgrammeFactory,
)

from .axe import BLOCKING, violations
from .conftest import DESKTOP, PASSWORD, PHONE

KNOWN_NIK = "3505034105900001"


@pytest.fixture
def field(pendamping):
    today = timezone.localdate()
    programme = ProgrammeFactory(
        year=today.year,
        name=f"Pembinaan UMKM {today.year}",
        starts_on=datetime.date(today.year, 1, 1),
        ends_on=datetime.date(today.year, 12, 31),
    )
    # In the registry already, and made first so that no business shares its id with an enrolment.
    BusinessFactory(name="Warung Bu Siti", owner_nik=KNOWN_NIK)
    own = [
        EnrolmentFactory(
            programme=programme,
            pendamping=pendamping,
            enrolled_on=programme.starts_on,
            business=BusinessFactory(name=name, owner_nik=nik),
        )
        for name, nik in [("Keripik Tempe Bu Sri", "3505034105900002"), ("Sambal Pecel Mbak Ani", None)]
    ]
    drive = EventFactory(programme=programme, held_on=today, name="Fasilitasi NIB Pondok Karanggayam")
    return {"programme": programme, "own": own, "drive": drive}


def queue_badge(page):
    return page.locator("#jumlah-antrean")


def walk_in(page, *, name, owner, nik, phone="081234567890"):
    form = page.locator("#form-pendaftaran")
    page.get_by_role("button", name="Pendaftaran di kegiatan").click()
    form.get_by_label("Kegiatan").select_option(
        label=f"Fasilitasi NIB Pondok Karanggayam ({tanggal_hari_ini()})"
    )
    form.get_by_label("Nama usaha").fill(name)
    form.get_by_label("Nama pemilik").fill(owner)
    form.get_by_label("NIK pemilik").fill(nik)
    form.get_by_label("Nomor HP").fill(phone)
    form.get_by_label("Sektor").select_option(label="Makanan")
    form.get_by_label("Desa/kelurahan").select_option(label="Karanggayam")
    form.get_by_label("Keperluan").select_option(label="Mengurus NIB")
    form.get_by_role("button", name="Simpan di perangkat").click()


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]  # fmt: skip


def tanggal_hari_ini() -> str:
    today = timezone.localdate()
    return f"{today.day} {MONTHS[today.month - 1]} {today.year}"


def test_a_pendamping_works_a_day_without_signal_and_nothing_is_lost_or_doubled(
    new_context, pendamping, staf, field, screenshot
):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/masuk/?next=/luring/")
    page.get_by_label("Nama pengguna").fill(pendamping.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/luring/")

    # Prepare while there is signal: the service worker keeps the page, IndexedDB the data.
    expect(page.locator("body[data-app-siap=ya]")).to_be_attached()
    page.get_by_role("button", name="Siapkan kerja luring").click()
    expect(page.locator("#isi-perangkat")).to_contain_text("Di perangkat ini: 2 usaha dampingan")
    expect(page.locator("#isi-perangkat")).to_contain_text("untuk Bagus")
    # Chrome finds the manifest (fetched with the login) and can install the app.
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest") and not manifest["errors"], manifest
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito windows, where Chrome installs nothing; no other objection.
    assert [error["errorId"] for error in errors] == ["in-incognito"]
    cdp.detach()
    bundle = page.evaluate("LuringDB.get('bekal', 'bekal')")
    assert bundle["businesses"][0]["owner_nik"] == "3505********0002"  # a pendamping sees it masked

    # Offline: the page comes from the service worker.
    context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    expect(page.locator("#jaringan")).to_have_text("Tanpa sinyal")
    expect(page.locator("#isi-perangkat")).to_contain_text("2 usaha dampingan")

    # A session with its attendance.
    page.get_by_role("button", name="Sesi & kehadiran").click()
    session_form = page.locator("#form-sesi")
    session_form.get_by_label("Jenis sesi").select_option(label="Kunjungan lapangan")
    session_form.get_by_label("Kecamatan").select_option(label="Srengat")
    session_form.get_by_label("Desa/kelurahan").select_option(label="Karanggayam")
    session_form.get_by_label("Tempat").fill("Pondok Karanggayam")
    session_form.get_by_role("button", name="Simpan di perangkat").click()
    expect(session_form.locator("[data-galat]")).to_have_text("Pilih paling sedikit satu topik.")
    session_form.get_by_label("Digitalisasi").check()
    session_form.get_by_label("Keripik Tempe Bu Sri", exact=False).check()
    session_form.get_by_label("Sambal Pecel Mbak Ani", exact=False).check()
    session_form.get_by_role("button", name="Simpan di perangkat").click()
    expect(queue_badge(page)).to_have_text("1 belum terkirim")

    # An assessment of an assigned business.
    page.get_by_role("button", name="Penilaian").click()
    assessment_form = page.locator("#form-penilaian")
    assessment_form.get_by_label("Usaha", exact=True).select_option(
        label="Keripik Tempe Bu Sri — Sri Wahyuni"
    )
    assessment_form.get_by_label("Omzet per tahun (Rp)").fill("150000000")
    assessment_form.get_by_label("Modal usaha (Rp)").fill("30.000.000")
    assessment_form.get_by_label("Jumlah tenaga kerja").fill("3")
    assessment_form.get_by_label("berjualan daring").check()
    assessment_form.get_by_role("button", name="Simpan di perangkat").click()
    expect(queue_badge(page)).to_have_text("2 belum terkirim")

    # Three walk-ins at the drive; a mistyped NIK is caught on the phone.
    walk_in(page, name="Kopi Santri", owner="Ahmad Fauzi", nik="3505031205")
    expect(page.locator("#form-pendaftaran [data-galat]")).to_have_text("NIK harus 16 digit angka.")
    page.locator("#form-pendaftaran").get_by_label("NIK pemilik").fill("3505031205900011")
    page.locator("#form-pendaftaran").get_by_role("button", name="Simpan di perangkat").click()
    # Each kept before the next is typed, as a person sees the count rise (on a busy machine the
    # next form was filled while the phone still stored the last one).
    expect(queue_badge(page)).to_have_text("3 belum terkirim")
    walk_in(page, name="Jamu Gendong Bu Nah", owner="Siti Nahdiyah", nik="3505035507880003")
    expect(queue_badge(page)).to_have_text("4 belum terkirim")
    walk_in(page, name="Warung Siti Baru", owner="Siti Aminah", nik=KNOWN_NIK)  # NIK already registered
    expect(queue_badge(page)).to_have_text("5 belum terkirim")
    screenshot(page, "luring-antrean-375")

    # Closed and opened again without signal: the queue is still there.
    page.close()
    page = context.new_page()
    page.goto("/luring/")
    expect(queue_badge(page)).to_have_text("5 belum terkirim")
    queue = page.evaluate("LuringDB.all('antrean')")
    assert len(queue) == 5
    assert Business.objects.filter(name="Kopi Santri").count() == 0

    # Back online, but the login expired meanwhile: the page asks to log in and keeps the queue.
    Session.objects.all().delete()
    context.set_offline(False)
    expect(page.locator("#perlu-masuk")).to_be_visible()
    expect(queue_badge(page)).to_have_text("5 belum terkirim")
    page.get_by_role("link", name="Masuk lagi").click()
    page.get_by_label("Nama pengguna").fill(pendamping.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/luring/")

    # Opening the page sends (its kept CSRF token is stale after the new login: it fetches a new one).
    expect(queue_badge(page)).to_have_text("0 belum terkirim")
    expect(page.locator("#pesan-kirim")).to_have_text(
        "Hasil kiriman: 4 diterima, 1 cocok dengan usaha yang ada (menunggu konfirmasi staf)."
    )
    assert page.evaluate("LuringDB.all('antrean')") == []

    # The rows are in the database once, with history naming the pendamping.
    session = CoachingSession.objects.get(venue="Pondok Karanggayam")
    assert set(Attendance.objects.filter(session=session).values_list("business__name", flat=True)) == {
        "Keripik Tempe Bu Sri",
        "Sambal Pecel Mbak Ani",
    }
    assert {record.history_user for record in session.history.all()} == {pendamping}
    assessment = Assessment.objects.get(enrolment=field["own"][0])
    assert (assessment.turnover, assessment.capital, assessment.sells_online) == (
        150_000_000,
        30_000_000,
        True,
    )
    for name in ("Kopi Santri", "Jamu Gendong Bu Nah"):
        business = Business.objects.get(name=name)
        assert business.history.get().history_user == pendamping
        assert EventParticipant.objects.filter(event=field["drive"], business=business).exists()
    assert not Business.objects.filter(name="Warung Siti Baru").exists()
    assert Business.objects.filter(owner_nik=KNOWN_NIK).count() == 1
    matched = OfflineRecord.objects.get(status=OfflineRecord.Status.MATCHED)
    assert matched.business.name == "Warung Bu Siti"
    counts = (CoachingSession.objects.count(), Assessment.objects.count(), Business.objects.count())

    # The same queue sent a second time (a second tab, a lost answer) creates nothing.
    page.evaluate("queue => Promise.all(queue.map(r => LuringDB.put('antrean', r)))", queue)
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("#pesan-kirim")).to_have_text("Hasil kiriman: 5 sudah diterima sebelumnya.")
    assert (CoachingSession.objects.count(), Assessment.objects.count(), Business.objects.count()) == counts
    assert OfflineRecord.objects.count() == 5

    page.set_viewport_size(DESKTOP)
    page.locator("#riwayat-kirim summary").click()
    screenshot(page, "luring-terkirim-1280")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Logging out clears the device.
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/masuk/")
    names = page.evaluate("indexedDB.databases().then(list => list.map(db => db.name))")
    assert "umkm-luring" not in names
    assert page.evaluate("caches.keys()") == []

    # At the office, staf confirm the walk-in matched to the business already in the registry.
    office = new_context(viewport=DESKTOP).new_page()
    office.goto("/masuk/?next=/luring/tinjau/")
    office.get_by_label("Nama pengguna").fill(staf.username)
    office.get_by_label("Kata sandi").fill(PASSWORD)
    office.get_by_role("button", name="Masuk").click()
    office.wait_for_url("**/luring/tinjau/")
    row = office.get_by_role("row").filter(has_text="Warung Siti Baru")
    expect(row).to_contain_text(f"NIK {KNOWN_NIK}")
    expect(row).to_contain_text("Warung Bu Siti")
    screenshot(office, "luring-tinjau-1280")
    office.set_viewport_size(PHONE)
    screenshot(office, "luring-tinjau-375")
    row.get_by_role("button", name="Usaha yang sama").click()
    expect(office.get_by_role("alert")).to_contain_text("Warung Bu Siti dikonfirmasi hadir di Fasilitasi NIB")
    expect(office.get_by_text("Tidak ada pendaftaran luring yang menunggu pemeriksaan.")).to_be_visible()
    known = Business.objects.get(owner_nik=KNOWN_NIK)
    assert EventParticipant.objects.filter(event=field["drive"], business=known).exists()


def test_a_refused_record_stays_on_the_phone_editable_until_it_is_accepted(
    new_context, pendamping, field, screenshot
):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/masuk/?next=/luring/")
    page.get_by_label("Nama pengguna").fill(pendamping.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/luring/")
    expect(page.locator("body[data-app-siap=ya]")).to_be_attached()
    page.get_by_role("button", name="Siapkan kerja luring").click()
    expect(page.locator("#isi-perangkat")).to_contain_text("2 usaha dampingan")
    # Someone records an assessment on the server after the download.
    Assessment.objects.create(
        enrolment=field["own"][0],
        kind="awal",
        assessed_on=field["programme"].starts_on,
        recorded_by=pendamping,
    )
    context.set_offline(True)
    page.get_by_role("button", name="Penilaian").click()
    form = page.locator("#form-penilaian")
    form.get_by_label("Usaha", exact=True).select_option(label="Keripik Tempe Bu Sri — Sri Wahyuni")
    form.get_by_label("Omzet per tahun (Rp)").fill("150000000")
    form.get_by_role("button", name="Simpan di perangkat").click()
    expect(queue_badge(page)).to_have_text("1 belum terkirim")

    context.set_offline(False)
    refused = page.locator("#daftar-antrean li")
    expect(refused).to_contain_text("Ditolak")
    expect(refused).to_contain_text("Sejak data diunduh, penilaian awal (baseline) Keripik Tempe Bu Sri")
    expect(queue_badge(page)).to_have_text("1 belum terkirim")
    screenshot(page, "luring-ditolak-375")

    refused.get_by_role("button", name="Ubah").click()
    expect(form.get_by_label("Omzet per tahun (Rp)")).to_have_value("150000000")
    # The page with a refused record open for correction passes axe's WCAG 2.1 A/AA rules.
    blocking = [v for v in violations(page) if v["impact"] in BLOCKING]
    assert not blocking, blocking
    form.get_by_role("button", name="Simpan di perangkat").click()

    expect(queue_badge(page)).to_have_text("0 belum terkirim")
    assert (
        Assessment.objects.filter(enrolment=field["own"][0], turnover=150_000_000, kind="lanjutan").count()
        == 1
    )


def test_attendance_on_a_downloaded_session_edited_since_is_refused_with_who_edited_it(
    new_context, pendamping, staf, field
):
    today = timezone.localdate()
    keripik, sambal = (enrolment.business for enrolment in field["own"])
    session = CoachingSessionFactory(
        programme=field["programme"],
        held_on=today - datetime.timedelta(days=2),
        pendamping=pendamping,
        recorded_by=pendamping,
        venue="Balai Desa Karanggayam",
        topics=[Topic.objects.get(slug="digital")],
    )
    Attendance.objects.create(session=session, business=keripik, recorded_by=pendamping)
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/masuk/?next=/luring/")
    page.get_by_label("Nama pengguna").fill(pendamping.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/luring/")
    page.get_by_role("button", name="Siapkan kerja luring").click()
    expect(page.locator("#isi-perangkat")).to_contain_text("1 sesi terakhir")

    context.set_offline(True)
    page.get_by_role("button", name="Sesi & kehadiran").click()
    form = page.locator("#form-sesi")
    form.get_by_label("Sesi", exact=True).select_option(label=str(session))
    expect(form.get_by_label("Keripik Tempe Bu Sri", exact=False)).to_be_disabled()  # present already
    form.get_by_label("Sambal Pecel Mbak Ani", exact=False).check()
    form.get_by_role("button", name="Simpan di perangkat").click()
    expect(queue_badge(page)).to_have_text("1 belum terkirim")
    # Meanwhile, at the office, staf correct the session's venue.
    services.session_update(
        session=session, user=staf, fields={"venue": "Pondok Karanggayam"}, topics=list(session.topics.all())
    )

    context.set_offline(False)
    refused = page.locator("#daftar-antrean li")
    expect(refused).to_contain_text("Sesi ini sudah diubah oleh Siti")
    assert not Attendance.objects.filter(session=session, business=sambal).exists()

    refused.get_by_role("button", name="Ubah").click()
    form.get_by_role("button", name="Simpan di perangkat").click()
    expect(queue_badge(page)).to_have_text("0 belum terkirim")
    assert Attendance.objects.filter(session=session, business=sambal, recorded_by=pendamping).exists()
    assert Attendance.objects.filter(session=session).count() == 2
