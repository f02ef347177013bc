"""Staf take a person's request about their data: from the footer, record it, see its deadline, download
everything about the person, mark it answered; the pages pass axe like the app's others."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from privacy.models import SubjectRequest
from tests.browser.axe import Audit
from tests.factories import BusinessFactory

NIK = "3505036112870004"


def test_staf_record_a_request_see_its_deadline_and_download_the_persons_data(page, staf, log_in):
    BusinessFactory(name="Rengginang Bu Wiwik", owner_name="Wiwik Setyaningrum", owner_nik=NIK)
    audit = Audit()
    log_in(page, staf)
    page.get_by_role("link", name="Privasi data pribadi").click()
    expect(page.get_by_role("heading", name="Privasi data pribadi")).to_be_visible()
    audit.check(page, "Privasi data pribadi")

    page.get_by_role("link", name="Permintaan subjek data").click()
    page.get_by_label("NIK pemohon").fill(NIK)
    page.get_by_label("Jenis permintaan").select_option(label="Akses (salinan data)")
    received = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    page.get_by_label("Diterima").fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Catat").click()
    expect(page.get_by_text("Permintaan tercatat.")).to_be_visible()
    deadline = received + datetime.timedelta(hours=72)
    expect(page.locator("tbody tr").first).to_contain_text(deadline.strftime("%H.%M"))
    expect(page.locator("tbody tr").first).to_contain_text("Belum dijawab")
    audit.check(page, "Permintaan subjek data")

    page.get_by_label("Jawaban atau tindakan").fill("Salinan data diserahkan langsung")
    page.get_by_role("button", name="Tandai dijawab").click()
    expect(page.get_by_text("Permintaan ditandai terjawab.")).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text("Salinan data diserahkan langsung")

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh data pribadi").click()
    assert download.value.suggested_filename == f"data-pribadi-{SubjectRequest.objects.get().pk}.xlsx"
    audit.assert_clean()
