"""axe-core finds no serious or critical WCAG 2.1 A/AA violation on the app's main pages.

Each test logs in through the form as one role, visits its pages with enough data for the tables,
charts, map, forms and messages to show, and fails listing every serious or critical violation (page,
rule, elements). The moderate and minor ones are printed per page (pytest -s or -rP), not failed.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import Association, Enrolment, EventParticipant, Expenditure, Topic
from registry import services as registry_services
from registry.models import Business, Desa, Kecamatan, Sector
from tests.browser.axe import Audit
from tests.factories import BusinessFactory
from tests.registry.fixtures import make_messy


@pytest.fixture
def audit():
    return Audit()


@pytest.fixture
def import_in_process(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def programme(new_world, staf, pendamping):
    """This year's programme with a plan everywhere, a cohort, sessions, an event, spending."""
    today = timezone.localdate()
    year_day = datetime.date(today.year, 1, 1)

    def day(offset):
        return min(year_day + datetime.timedelta(days=offset), today)

    world = new_world(
        year=today.year,
        name=f"Pembinaan UMKM {today.year}",
        starts_on=year_day,
        ends_on=datetime.date(today.year, 12, 31),
        naik_kelas_target=20,
    )
    world.plan(Kecamatan.objects.all(), planned_sessions=4)
    places = list(Desa.objects.filter(kecamatan__name__in=["Srengat", "Wonodadi", "Kademangan"])[:6])
    sectors = list(Sector.objects.all()[:4])
    businesses = [
        BusinessFactory(
            name=name,
            desa=places[number % len(places)],
            sector=sectors[number % len(sectors)],
            nib=f"9120000{number:06d}" if number % 2 else None,
        )
        for number, name in enumerate(
            ["Keripik Tempe Bu Sri", "Gerabah Pak Darmo", "Batik Tulis Kembang", "Sambal Pecel Mbok Jum"]
            + [f"Usaha Binaan {number}" for number in range(8)]
        )
    ]
    enrolments = [
        world.enrol(business, enrolled_on=year_day, pendamping=pendamping if number < 6 else None)
        for number, business in enumerate(businesses)
    ]
    # Baselines and follow-ups for most; the last three have none and appear in "data to fix".
    for number, enrolment in enumerate(enrolments[:-3]):
        world.assess(enrolment, staf, assessed_on=day(10), turnover=100_000_000, has_nib=False)
        world.assess(
            enrolment,
            staf,
            follow_up=True,
            assessed_on=day(40),
            turnover=130_000_000 if number % 2 else 105_000_000,
            has_nib=bool(number % 2),
        )
    verified = enrolments[0]
    verified.status = Enrolment.Status.NAIK_KELAS
    verified.verified_on = day(45)
    verified.verified_by = staf
    verified.save()
    withdrawn = enrolments[-1]
    withdrawn.status = Enrolment.Status.WITHDRAWN
    withdrawn.save()

    topics = list(Topic.objects.all()[:2])
    for week in range(3):
        session = world.hold_session(
            held_on=day(7 * week + 3),
            recorded_by=pendamping,
            pendamping=pendamping,
            venue="Balai Desa Karanggayam",
            topics=topics,
            attendees=enrolments[:5],
            attendance_by=staf,
        )
    event = world.hold_drive(held_on=day(30))
    for number, business in enumerate(businesses[:4]):
        world.register(event, business, outcome=list(EventParticipant.Outcome)[number % 3])
    world.found_association(name="Asosiasi Perajin Gerabah Blitar", members=businesses[:3], recorded_by=staf)
    sub_activity = world.add_sub_activity(output_target=170, output_realised=12)
    for line in (
        world.budget_line(sub_activity=sub_activity),
        world.budget_line(name="Narasumber kelas digital"),
    ):
        for number in range(3):
            world.spend(
                line,
                spent_on=day(5 + number * 20),
                recorded_by=staf,
                session=session if number == 0 else None,
                event=event if number == 1 else None,
            )
    return world.programme


def log_out(page):
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


def visit(page, audit, name, url):
    response = page.goto(url)
    assert response.ok, f"{name}: {url} memberi {response.status}"
    audit.check(page, name)


def test_login_and_the_dashboards_of_pimpinan_and_pendamping(
    page, phone_page, pimpinan, pendamping, programme, audit, log_in
):
    page.goto("/masuk/")
    audit.check(page, "Masuk")
    page.get_by_label("Nama pengguna").fill(pimpinan.username)
    page.get_by_label("Kata sandi").fill("bukan-kata-sandinya")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_contain_text("Nama pengguna atau kata sandi salah")
    audit.check(page, "Masuk, kata sandi salah")

    log_in(page, pimpinan)
    expect(page.locator(".kecamatan-map path[data-kecamatan]")).to_have_count(22)
    assert page.evaluate("[...document.querySelectorAll('canvas[data-chart]')].every(c => c.chart)")
    audit.check(page, "Beranda (pimpinan)")
    visit(page, audit, "Cakupan", "/cakupan/")
    srengat = Kecamatan.objects.get(name="Srengat")
    visit(page, audit, "Kecamatan Srengat", f"/kecamatan/{srengat.pk}/?program={programme.pk}")
    visit(page, audit, "Ubah kata sandi", "/akun/kata-sandi/")
    log_out(page)

    log_in(page, pendamping)
    expect(page.get_by_role("heading", name=f"Usaha binaan saya · {programme.name}")).to_be_visible()
    audit.check(page, "Beranda (pendamping)")
    visit(page, audit, "Binaan saya (pendamping)", "/binaan-saya/")
    visit(page, audit, "Sesi saya (pendamping)", "/sesi-saya/")
    visit(page, audit, "Sesi baru (pendamping)", "/sesi/baru/")
    expect(page.locator('input[name="attendees"]')).to_have_count(6)

    log_in(phone_page, pimpinan)
    expect(phone_page.locator(".kecamatan-map path[data-kecamatan]")).to_have_count(22)
    audit.check(phone_page, "Beranda (pimpinan, ponsel 375 px)")

    audit.assert_clean()


def test_the_registry_pages_of_staf(page, staf, programme, audit, log_in, tmp_path, import_in_process):
    make_messy.create_existing()
    spreadsheet = tmp_path / "data-umkm-srengat.xlsx"
    make_messy.write_xlsx(spreadsheet, make_messy.messy_rows())
    registry_import = registry_services.registry_import_from_path(path=spreadsheet, user=staf)
    registry_services.registry_import_preview(registry_import=registry_import)
    business = Business.objects.get(name="Keripik Tempe Bu Sri")

    log_in(page, staf)
    page.goto("/registri/?kecamatan=&q=Usaha")
    page.locator("summary", has_text="Legalitas").click()
    expect(page.get_by_label("PIRT")).to_be_visible()
    audit.check(page, "Registri (saringan terbuka)")
    visit(page, audit, "Halaman usaha", business.get_absolute_url())
    visit(page, audit, "Daftarkan usaha", "/registri/baru/")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    audit.check(page, "Daftarkan usaha, gagal disimpan")
    visit(page, audit, "Dasbor registri", "/registri/dasbor/")
    visit(page, audit, "Impor: unggah", "/registri/impor/")
    visit(page, audit, "Impor: pratinjau", registry_import.get_absolute_url())

    audit.assert_clean()


def test_the_programme_pages_of_staf(page, staf, programme, audit, log_in):
    enrolment = programme.enrolments.get(business__name="Keripik Tempe Bu Sri")
    session = programme.sessions.order_by("held_on").last()
    event = programme.events.get()
    association = Association.objects.get()
    expenditure = Expenditure.objects.filter(budget_line__programme=programme).first()

    log_in(page, staf)
    pages = {
        "Program": "/program/",
        "Program: ringkasan": programme.get_absolute_url(),
        "Peserta": f"/program/{programme.pk}/peserta/",
        "Kandidat naik kelas": f"/program/{programme.pk}/kandidat/",
        "Peserta: rincian": enrolment.get_absolute_url(),
        "Penilaian baru": f"/peserta/{enrolment.pk}/penilaian/baru/",
        "Sesi": "/sesi/",
        "Sesi: rincian": session.get_absolute_url(),
        "Sesi baru": f"/program/{programme.pk}/sesi/baru/",
        "Kegiatan": "/kegiatan/",
        "Kegiatan: rincian": event.get_absolute_url(),
        "Asosiasi": "/asosiasi/",
        "Asosiasi: rincian": association.get_absolute_url(),
        "Anggaran": f"/program/{programme.pk}/anggaran/",
        "Belanja": f"/program/{programme.pk}/belanja/",
        "Belanja: rincian": f"/belanja/{expenditure.pk}/",
        "Belanja baru": f"/program/{programme.pk}/belanja/baru/",
        "Realisasi": f"/program/{programme.pk}/realisasi/",
        "Sub kegiatan": f"/program/{programme.pk}/sub-kegiatan/",
        "Sub kegiatan baru": f"/program/{programme.pk}/sub-kegiatan/baru/",
        "Sub kegiatan: ubah": f"/sub-kegiatan/{programme.sub_activities.get().pk}/ubah/",
        "Perbaikan data": f"/program/{programme.pk}/perbaikan-data/",
    }
    for name, url in pages.items():
        visit(page, audit, name, url)

    visit(page, audit, "Asosiasi baru", "/asosiasi/baru/")
    page.get_by_label("Nama asosiasi").fill("Asosiasi Perajin Bambu Blitar")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_contain_text("Asosiasi “Asosiasi Perajin Bambu Blitar” tercatat.")
    audit.check(page, "Asosiasi: rincian, dengan pesan")

    audit.assert_clean()
