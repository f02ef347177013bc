"""What people do with the budget in a browser: set up a line, record spending, read the realisation."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import BudgetLine, Expenditure
from tests.factories import BudgetLineFactory, CoachingSessionFactory, ExpenditureFactory, ProgrammeFactory


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def programme():
    """This year's programme, running today."""
    today = timezone.localdate()
    return ProgrammeFactory(
        year=today.year,
        name=f"Pembinaan UMKM {today.year}",
        starts_on=datetime.date(today.year, 1, 1),
        ends_on=datetime.date(today.year, 12, 31),
    )


def test_staf_sets_up_a_line_is_refused_an_overspend_and_records_what_fits(
    page, staf, programme, log_in, screenshot
):
    log_in(page, staf)
    page.goto(programme.get_absolute_url())
    page.get_by_role("link", name="Mata anggaran").first.click()
    page.get_by_role("link", name="+ Mata anggaran").click()

    page.get_by_label("Kategori").select_option(label="Bahan & materi")
    page.get_by_label("Uraian").fill("Bahan pelatihan dan modul")
    page.get_by_label("Pagu mata anggaran (Rp)").fill("Rp 50.000.000")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert")).to_contain_text("Mata anggaran “Bahan pelatihan dan modul” tercatat")
    row = page.get_by_role("row").filter(has_text="Bahan pelatihan dan modul")
    expect(row).to_contain_text("Rp 50.000.000")
    line = BudgetLine.objects.get(name="Bahan pelatihan dan modul")
    assert [line.plan_q1, line.plan_q2, line.plan_q3, line.plan_q4] == [12_500_000] * 4

    page.get_by_role("link", name="+ Catat belanja").click()
    page.get_by_label("Mata anggaran").select_option(
        label="Bahan & materi — Bahan pelatihan dan modul (sisa Rp 50.000.000)"
    )
    page.get_by_label("Jumlah (Rp)").fill("Rp 60.000.000")
    page.get_by_label("Uraian belanja").fill("Cetak modul pemasaran digital 500 eksemplar")
    page.get_by_label("Nomor kuitansi/SPJ").fill("SPJ/0311/DKUKM")
    page.get_by_role("button", name="Simpan belanja").click()

    expect(page.locator("form.card")).to_contain_text(
        "Melebihi sisa mata anggaran “Bahan pelatihan dan modul”: sisa Rp 50.000.000, belanja ini "
        "Rp 60.000.000 (lebih Rp 10.000.000)."
    )
    screenshot(page, "belanja-ditolak")
    assert not Expenditure.objects.exists()

    page.get_by_label("Jumlah (Rp)").fill("Rp 12.750.000")
    page.get_by_role("button", name="Simpan belanja").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Cetak modul pemasaran digital 500 eksemplar")
    expect(page.get_by_role("alert")).to_contain_text(
        "Belanja Rp 12.750.000 dari “Bahan pelatihan dan modul”"
    )
    page.get_by_role("link", name="Belanja", exact=True).click()
    page.get_by_role("link", name="Realisasi", exact=True).click()
    expect(page.locator("#jumlah-realisasi")).to_contain_text("Rp 12.750.000")
    expect(page.locator("#jumlah-realisasi")).to_contain_text("Rp 37.250.000")  # left on the line
    screenshot(page, "realisasi-staf")


def test_staf_records_what_a_session_cost_from_its_page(page, staf, programme, log_in):
    line = BudgetLineFactory(programme=programme, name="Konsumsi kelas kelompok")
    session = CoachingSessionFactory(programme=programme, held_on=programme.starts_on, recorded_by=staf)
    log_in(page, staf)

    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="+ Catat belanja").click()
    expect(page.get_by_label("Untuk sesi (opsional)")).not_to_have_value("")
    page.get_by_label("Mata anggaran").select_option(str(line.pk))
    page.get_by_label("Jumlah (Rp)").fill("1.050.000")
    page.get_by_label("Uraian belanja").fill("Konsumsi 30 peserta kelas kelompok")
    page.get_by_role("button", name="Simpan belanja").click()

    page.wait_for_url(f"**{session.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Belanja (Rp 1.050.000)")).to_be_visible()
    assert Expenditure.objects.get().session == session


def test_pimpinan_reads_the_realisation_on_a_phone(phone_page, pimpinan, programme, staf, log_in, screenshot):
    meals = BudgetLineFactory(programme=programme, name="Konsumsi kelas kelompok", allocation=400_000_000,
                              plan_q1=40_000_000, plan_q2=120_000_000, plan_q3=120_000_000,
                              plan_q4=120_000_000)  # fmt: skip
    speaker = BudgetLineFactory(programme=programme, category="narasumber", name="Honorarium narasumber",
                                allocation=300_000_000, plan_q1=30_000_000, plan_q2=90_000_000,
                                plan_q3=90_000_000, plan_q4=90_000_000)  # fmt: skip
    for month, amount in [(2, 20_000_000), (5, 95_000_000), (8, 70_000_000)]:
        ExpenditureFactory(budget_line=meals, amount=amount, recorded_by=staf,
                           spent_on=datetime.date(programme.year, month, 10))  # fmt: skip
        ExpenditureFactory(budget_line=speaker, amount=amount // 2, recorded_by=staf,
                           spent_on=datetime.date(programme.year, month, 12))  # fmt: skip
    log_in(phone_page, pimpinan)

    phone_page.goto(programme.get_absolute_url())
    phone_page.get_by_role("link", name="Realisasi per triwulan").click()
    phone_page.get_by_role("link", name="Triwulan III").first.click()

    expect(phone_page.locator("#realisasi-keuangan")).to_have_text("23,1 %")  # 277,5 M of 1.200 M
    expect(phone_page.locator("#status-penyerapan")).to_be_visible()
    expect(phone_page.get_by_role("link", name="+ Catat belanja")).to_have_count(0)
    assert fits_the_screen(phone_page)
    screenshot(phone_page, "realisasi-pimpinan-ponsel")


def test_staf_codes_a_line_under_a_sub_kegiatan_and_reports_its_output_for_e_monev(
    page, staf, programme, log_in, screenshot
):
    line = BudgetLineFactory(programme=programme, name="Konsumsi kelas kelompok")
    ExpenditureFactory(budget_line=line, spent_on=programme.starts_on, amount=2_750_000, recorded_by=staf)
    log_in(page, staf)
    page.goto(f"/program/{programme.pk}/sub-kegiatan/")

    page.get_by_role("link", name="+ Sub kegiatan").click()
    page.get_by_label("Kode sub kegiatan").fill("2.17.08.2.1.2")
    page.get_by_label("Nama sub kegiatan").fill("Pengembangan Usaha Mikro")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("form.card")).to_contain_text("Kode sub kegiatan harus berbentuk 2.17.08.2.01.0002")

    page.get_by_label("Kode sub kegiatan").fill("2.17.08.2.01.0002")
    page.get_by_label("Indikator keluaran").fill("Jumlah Usaha Mikro yang Terfasilitasi")
    page.get_by_label("Satuan").fill("usaha")
    page.get_by_label("Target keluaran").fill("170")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_contain_text("Sub kegiatan 2.17.08.2.01.0002 tercatat.")

    page.get_by_role("link", name="Mata anggaran").first.click()
    page.get_by_role("link", name="Ubah Konsumsi kelas kelompok").click()
    page.get_by_label("Sub kegiatan").select_option(label="2.17.08.2.01.0002 Pengembangan Usaha Mikro")
    page.get_by_label("Kode rekening").fill("5.1.02.01.01.0052")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_contain_text("Perubahan mata anggaran tersimpan.")

    page.goto(f"/program/{programme.pk}/sub-kegiatan/")
    page.get_by_role("link", name="Ubah 2.17.08.2.01.0002").click()
    page.get_by_label("Realisasi keluaran").fill("51")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("row").filter(has_text="2.17.08.2.01.0002")).to_contain_text("30,0 %")

    page.get_by_role("link", name="Realisasi", exact=True).first.click()  # the tab
    monev = page.locator("#tabel-monev")
    expect(monev).to_contain_text("2.17.08.2.01.0002")
    expect(monev).to_contain_text("Rp 2.750.000")
    expect(monev).to_contain_text("51 usaha")
    screenshot(page, "realisasi-monev")
