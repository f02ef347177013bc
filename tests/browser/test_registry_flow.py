"""What people do with the registry in a browser: register, find, read, and what each role may not do."""

import re

from playwright.sync_api import expect

from registry.models import Business, Desa, Sector
from tests.factories import BusinessFactory

NIK = "3505034105900001"
MASKED_NIK = "3505********0001"


def main_nav(page):
    return page.get_by_role("navigation", name="Navigasi utama")


def fill_business_form(page, *, name, owner, kecamatan, desa, sector, turnover, nik="", phone=""):
    page.get_by_label("Nama usaha").fill(name)
    page.get_by_label("Nama pemilik").fill(owner)
    page.get_by_label("NIK pemilik").fill(nik)
    page.get_by_label("Nomor HP/telepon").fill(phone)
    page.get_by_label("Kecamatan").select_option(label=kecamatan)
    page.get_by_label("Desa/kelurahan").select_option(label=desa)
    page.get_by_label("Sektor").select_option(label=sector)
    page.get_by_label("Omzet per tahun (Rp)").fill(turnover)


def offered_desa(page):
    """Names of the desa the desa list lets a person pick (enabled and shown)."""
    return page.get_by_label("Desa/kelurahan").evaluate(
        "select => [...select.querySelectorAll('option[data-kecamatan]')]"
        "  .filter(option => !option.disabled && !option.hidden)"
        "  .map(option => option.textContent.replace(/ \\(.*\\)$/, ''))"
    )


def test_staf_registers_a_business_and_a_look_alike_only_after_confirming_it_differs(
    page, staf, log_in, screenshot
):
    log_in(page, staf)
    main_nav(page).get_by_role("link", name="Daftarkan usaha").click()
    expect(page.get_by_role("heading", name="Daftarkan usaha baru")).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Daftarkan usaha")).to_have_attribute(
        "aria-current", "page"
    )

    page.get_by_label("Kecamatan").select_option(label="Srengat")
    srengat_desa = set(Desa.objects.filter(kecamatan__name="Srengat").values_list("name", flat=True))
    assert set(offered_desa(page)) == srengat_desa
    assert "Karanggayam" in srengat_desa
    jaten = page.get_by_label("Desa/kelurahan").locator("option", has_text="Jaten")  # Kec. Wonodadi
    expect(jaten).to_be_disabled()
    expect(jaten).to_have_js_property("hidden", True)

    fill_business_form(
        page,
        name="Keripik Tempe Bu Sri",
        owner="Sri Wahyuni",
        nik=NIK,
        phone="0812 3456 7890",
        kecamatan="Srengat",
        desa="Karanggayam (Desa)",
        sector="Makanan",
        turnover="1.500.000.000",
    )
    screenshot(page, "01-form-usaha-terisi")
    page.get_by_role("button", name="Simpan").click()

    expect(page).to_have_url(re.compile(r"/registri/\d+/$"))
    first = Business.objects.get()
    assert page.url.endswith(first.get_absolute_url())
    assert (first.owner_nik, first.phone, first.turnover) == (NIK, "081234567890", 1_500_000_000)
    assert (first.desa.name, first.kecamatan.name, first.sector.slug) == ("Karanggayam", "Srengat", "makanan")
    assert first.size_class == "mikro"
    expect(page.get_by_role("alert")).to_contain_text("Usaha “Keripik Tempe Bu Sri” tersimpan di registri.")
    expect(page.get_by_role("heading", name="Kelas usaha: Mikro")).to_be_visible()
    timeline = page.locator(".timeline-entry")
    expect(timeline).to_have_count(1)
    expect(timeline).to_contain_text("Didaftarkan")
    expect(timeline).to_contain_text("Siti")
    screenshot(page, "02-detail-usaha-baru")

    # The same name in the same desa: the form warns and saves nothing until confirmed.
    main_nav(page).get_by_role("link", name="Daftarkan usaha").click()
    fill_business_form(
        page,
        name="Keripik Tempe Bu Sri",
        owner="Sumarni",
        kecamatan="Srengat",
        desa="Karanggayam (Desa)",
        sector="Makanan",
        turnover="90.000.000",
    )
    page.get_by_role("button", name="Simpan").click()

    warning = page.locator("#peringatan-duplikat")
    expect(warning).to_contain_text("Usaha yang mirip sudah ada")
    expect(warning.get_by_role("link", name="Keripik Tempe Bu Sri")).to_have_attribute(
        "href", first.get_absolute_url()
    )
    assert Business.objects.count() == 1
    screenshot(page, "03-peringatan-duplikat")

    warning.get_by_label("simpan tetap").check()
    warning.get_by_label("Alasan").fill("Pemilik lain, dapur di RT 03")
    page.get_by_role("button", name="Simpan").click()

    expect(page).to_have_url(re.compile(r"/registri/\d+/$"))
    second = Business.objects.exclude(pk=first.pk).get()
    assert page.url.endswith(second.get_absolute_url())
    assert (second.owner_name, second.desa_id) == ("Sumarni", first.desa_id)
    expect(page.locator(".timeline-entry")).to_contain_text(
        f"Disimpan walau mirip #{first.pk}: Pemilik lain, dapur di RT 03"
    )
    screenshot(page, "04-detail-usaha-mirip")


def test_staf_finds_a_business_by_name_then_narrows_by_kecamatan_and_sector(page, staf, log_in, screenshot):
    karanggayam = Desa.objects.get(name="Karanggayam")
    togogan = Desa.objects.get(name="Togogan")  # also Kec. Srengat
    jaten = Desa.objects.get(name="Jaten")  # Kec. Wonodadi
    trade = Sector.objects.get(slug="perdagangan")
    wanted = BusinessFactory(name="Keripik Tempe Sanan", desa=karanggayam)
    BusinessFactory(name="Keripik Tempe Sanan Wonodadi", desa=jaten)
    BusinessFactory(name="Toko Keripik Tempe Sanan", desa=togogan, sector=trade)
    BusinessFactory(name="Batik Tulis Kembang", desa=karanggayam)

    log_in(page, staf)
    main_nav(page).get_by_role("link", name="Registri UMKM").click()
    count = page.locator("#jumlah-hasil")
    expect(count).to_have_text("4 usaha cocok dengan saringan")

    page.get_by_role("searchbox", name="Cari").fill("keripik tempe sanan")
    page.get_by_role("button", name="Terapkan").click()
    expect(count).to_have_text("3 usaha cocok dengan saringan")

    page.get_by_label("Kecamatan").select_option(label="Srengat")
    page.get_by_role("button", name="Terapkan").click()
    expect(count).to_have_text("2 usaha cocok dengan saringan")

    page.get_by_label("Sektor").select_option(label="Makanan")
    page.get_by_role("button", name="Terapkan").click()
    expect(count).to_have_text("1 usaha cocok dengan saringan")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sri Wahyuni")
    expect(rows.get_by_role("link", name="Keripik Tempe Sanan")).to_have_attribute(
        "href", wanted.get_absolute_url()
    )
    # The filters stay filled in, so the person sees what narrowed the list.
    expect(page.get_by_role("searchbox", name="Cari")).to_have_value("keripik tempe sanan")
    screenshot(page, "05-daftar-tersaring")


def test_pimpinan_reads_businesses_with_the_nik_masked_but_cannot_register_one(
    page, pimpinan, log_in, screenshot
):
    business = BusinessFactory(name="Gerabah Pak Darmo", owner_nik=NIK)

    log_in(page, pimpinan)
    expect(main_nav(page).get_by_role("link", name="Registri UMKM")).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Daftarkan usaha")).to_have_count(0)

    page.goto(business.get_absolute_url())
    expect(page.get_by_role("heading", name="Gerabah Pak Darmo")).to_be_visible()
    expect(page.get_by_text(MASKED_NIK)).to_be_visible()
    expect(page.get_by_text(NIK)).to_have_count(0)
    expect(page.get_by_role("link", name="Ubah data")).to_have_count(0)
    screenshot(page, "06-pimpinan-detail-nik-tersamar")

    response = page.goto("/registri/baru/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Akses ditolak")).to_be_visible()
    screenshot(page, "07-pimpinan-403")


def test_on_a_phone_the_menu_and_filters_fold_into_buttons_and_the_list_fits_the_screen(
    phone_page, staf, log_in, screenshot
):
    BusinessFactory(name="Keripik Tempe Bu Sri")
    BusinessFactory(name="Kerajinan Anyaman Bambu dan Mendong Sumber Rejeki Abadi Jaya")
    page = phone_page

    log_in(page, staf)
    registry_link = main_nav(page).get_by_role("link", name="Registri UMKM")
    expect(registry_link).to_be_hidden()
    page.get_by_role("button", name="Buka menu").click()
    expect(page.locator("#nav-utama")).to_have_class(re.compile(r"\bshow\b"))  # opening animation done
    expect(registry_link).to_be_visible()
    expect(main_nav(page).get_by_role("button", name="Keluar")).to_be_visible()
    screenshot(page, "08-hp-menu-terbuka")

    registry_link.click()
    expect(page.locator("#jumlah-hasil")).to_have_text("2 usaha cocok dengan saringan")
    screenshot(page, "09-hp-daftar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1

    # The filters fold away on a phone; one tap opens them, and a chosen filter keeps them open.
    kecamatan = page.get_by_label("Kecamatan")
    expect(kecamatan).to_be_hidden()
    page.get_by_role("button", name="Saringan dan urutan").click()
    expect(kecamatan).to_be_visible()
    kecamatan.select_option(label="Srengat")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("#jumlah-hasil")).to_have_text("2 usaha cocok dengan saringan")
    expect(page.get_by_label("Kecamatan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1

    page.get_by_role("link", name="Keripik Tempe Bu Sri").click()
    expect(page.get_by_role("heading", name="Keripik Tempe Bu Sri")).to_be_visible()
    screenshot(page, "10-hp-detail")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1

    page.get_by_role("button", name="Buka menu").click()
    main_nav(page).get_by_role("link", name="Daftarkan usaha").click()
    expect(page.get_by_role("heading", name="Daftarkan usaha baru")).to_be_visible()
    screenshot(page, "11-hp-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1


def test_keluar_ends_the_session_and_returns_to_the_login_page(page, staf, log_in, base_url, screenshot):
    log_in(page, staf)
    main_nav(page).get_by_role("button", name="Keluar").click()

    expect(page).to_have_url(f"{base_url}/masuk/")
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    screenshot(page, "12-setelah-keluar")

    page.goto("/registri/")
    expect(page).to_have_url(re.compile(r"/masuk/\?next=/registri/$"))


def test_without_javascript_the_desa_list_is_grouped_by_kecamatan_and_a_mismatch_is_refused(
    new_context, staf, log_in, screenshot
):
    page = new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False).new_page()
    log_in(page, staf)
    page.goto("/registri/baru/")

    # Every desa stays offered, under its kecamatan's heading.
    groups = page.get_by_label("Desa/kelurahan").locator("optgroup")
    expect(groups).to_have_count(22)
    expect(page.locator('optgroup[label="Kec. Srengat"] option', has_text="Karanggayam")).to_be_enabled()

    # A desa of another kecamatan is refused by the server, with both names in the message.
    fill_business_form(
        page,
        name="Gerabah Pak Slamet",
        owner="Slamet Riyadi",
        kecamatan="Wonodadi",
        desa="Karanggayam (Desa)",
        sector="Kerajinan",
        turnover="45.000.000",
    )
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Desa Karanggayam tidak terletak di Kecamatan Wonodadi.")).to_be_visible()
    screenshot(page, "13-tanpa-js-desa-salah")
    assert not Business.objects.filter(name="Gerabah Pak Slamet").exists()

    page.get_by_label("Kecamatan").select_option(label="Srengat")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Gerabah Pak Slamet")).to_be_visible()
    business = Business.objects.get(name="Gerabah Pak Slamet")
    assert (business.kecamatan.name, business.desa.name, business.turnover) == (
        "Srengat",
        "Karanggayam",
        45_000_000,
    )
