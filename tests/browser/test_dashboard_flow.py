"""What the head of the office does on the dashboard: read the figures, open a kecamatan from the map."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import Attendance, Enrolment, KecamatanPlan
from registry.models import Kecamatan
from tests.factories import BudgetLineFactory, CoachingSessionFactory, EnrolmentFactory, ProgrammeFactory

SRENGAT = "35.05.03"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def programme(staf):
    """This year's programme with a plan in every kecamatan, three sessions in Srengat and one verified."""
    today = timezone.localdate()
    programme = ProgrammeFactory(
        year=today.year,
        name=f"Pembinaan UMKM {today.year}",
        starts_on=datetime.date(today.year, 1, 1),
        ends_on=datetime.date(today.year, 12, 31),
        naik_kelas_target=20,
    )
    KecamatanPlan.objects.bulk_create(
        KecamatanPlan(programme=programme, kecamatan=kecamatan, planned_sessions=4)
        for kecamatan in Kecamatan.objects.all()
    )
    members = [
        EnrolmentFactory(programme=programme, enrolled_on=today.replace(month=1, day=2)) for _ in range(2)
    ]
    members[0].status = Enrolment.Status.NAIK_KELAS
    members[0].verified_on = today.replace(day=1)
    members[0].save()
    for week in range(3):
        session = CoachingSessionFactory(
            programme=programme, held_on=today.replace(month=1, day=5 + 7 * week), recorded_by=staf
        )
        Attendance.objects.bulk_create(
            Attendance(session=session, business=member.business, enrolment=member, recorded_by=staf)
            for member in members
        )
    BudgetLineFactory(programme=programme)
    return programme


def test_pimpinan_opens_the_dashboard_and_a_kecamatan_from_the_map(
    page, pimpinan, programme, log_in, screenshot
):
    log_in(page, pimpinan)  # lands on the dashboard
    expect(page.get_by_role("heading", name="Beranda")).to_be_visible()
    expect(page.get_by_text("Kecamatan terjangkau")).to_be_visible()
    expect(page.locator(".figure-card", has_text="Kecamatan terjangkau")).to_contain_text("1 / 22")
    expect(page.locator(".figure-card", has_text="Naik kelas terverifikasi")).to_contain_text("1 / 20")
    # The charts are drawn from the app's own Chart.js: every canvas got a chart.
    assert page.evaluate("[...document.querySelectorAll('canvas[data-chart]')].every(c => c.chart)")
    shapes = page.locator(".kecamatan-map path[data-kecamatan]")
    expect(shapes).to_have_count(22)
    screenshot(page, "dashboard-desktop")

    page.locator(f'.kecamatan-map path[data-kecamatan="{SRENGAT}"]').click()
    page.wait_for_url(f"**/kecamatan/{Kecamatan.objects.get(code=SRENGAT).pk}/?program={programme.pk}")
    expect(page.get_by_role("heading", name="Kecamatan Srengat", exact=True)).to_be_visible()
    expect(page.locator(".figure-card", has_text="Sesi terlaksana")).to_contain_text("3 / 4")
    expect(page.get_by_role("heading", name="Sesi terlaksana di sini (3 dari rencana 4)")).to_be_visible()
    screenshot(page, "kecamatan-desktop")


def test_pimpinan_reads_the_dashboard_and_coverage_on_a_phone(
    phone_page, pimpinan, programme, log_in, screenshot
):
    page = phone_page
    log_in(page, pimpinan)
    expect(page.locator(".kecamatan-map path[data-kecamatan]")).to_have_count(22)
    assert fits_the_screen(page)
    screenshot(page, "dashboard-phone")

    page.get_by_role("link", name="Cakupan per kecamatan").click()
    expect(page.get_by_role("heading", name="Cakupan per kecamatan")).to_be_visible()
    # Worst served first: the 21 kecamatan without a session come before Srengat.
    expect(page.locator("#tabel-cakupan tbody tr").last).to_contain_text("Srengat")
    assert fits_the_screen(page)
    screenshot(page, "coverage-phone")
