"""Every registry page for every role, the business form's flows, the list's search and filters."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import Business, Desa, Kecamatan, Sector
from tests.factories import BusinessFactory
from tests.registry.form_data import business_post

pytestmark = pytest.mark.django_db

EDITORS = ["admin", "staf"]
READERS = ["pendamping", "pimpinan"]
ROLES = EDITORS + READERS
NIK = "3505034105900001"
MASKED_NIK = "3505********0001"


@pytest.fixture
def business():
    return BusinessFactory(
        name="Sambal Pecel Bu Ratna", owner_name="Ratna Dewi", owner_nik=NIK, nib="9120001234567"
    )


def page_url(name: str, business: Business) -> str:
    if name == "home":
        return reverse("home")
    if name in ("business_detail", "business_edit"):
        return reverse(f"registry:{name}", args=[business.pk])
    return reverse(f"registry:{name}")


def text_of(response) -> str:
    return response.content.decode()


# Who may open what. 302 for anonymous is "sent to log in"; for an editor's POST it is "saved, and
# sent to the business".
ACCESS = [
    # page,              method, anonymous, admin, staf, pendamping, pimpinan
    ("home",             "get",  302, 200, 200, 200, 200),
    ("business_list",    "get",  302, 200, 200, 200, 200),
    ("business_detail",  "get",  302, 200, 200, 200, 200),
    ("business_create",  "get",  302, 200, 200, 403, 403),
    ("business_create",  "post", 302, 302, 302, 403, 403),
    ("business_edit",    "get",  302, 200, 200, 403, 403),
    ("business_edit",    "post", 302, 302, 302, 403, 403),
]  # fmt: skip
TEMPLATES = {
    "home": "dashboard/home.html",
    "business_list": "registry/business_list.html",
    "business_detail": "registry/business_detail.html",
    "business_create": "registry/business_form.html",
    "business_edit": "registry/business_form.html",
}


def access_cases():
    for url_name, method, *statuses in ACCESS:
        for role, status in zip(["anonymous", *ROLES], statuses, strict=True):
            yield pytest.param(url_name, method, role, status, id=f"{role}-{method}-{url_name}")


@pytest.mark.parametrize(("url_name", "method", "role", "status"), list(access_cases()))
def test_each_role_gets_what_the_access_table_says(client_for, business, url_name, method, role, status):
    client = Client() if role == "anonymous" else client_for(role)
    url = page_url(url_name, business)
    data = None
    if method == "post":
        # A valid form: a new business for the create url_name, a renamed one for the edit url_name.
        data = business_post(name="Usaha Dari Tabel")
        if url_name == "business_edit":
            data.update(owner_nik=NIK, nib="9120001234567")

    response = getattr(client, method)(url, data)

    assert response.status_code == status
    if role == "anonymous":
        assert response.url == f"/masuk/?next={url}"
    elif status == 200:
        assert TEMPLATES[url_name] in [template.name for template in response.templates]
    elif status == 403:
        assert "Akses ditolak" in text_of(response)
    saved = Business.objects.filter(name="Usaha Dari Tabel").first()
    if method == "post" and status == 302 and role != "anonymous":
        assert saved is not None
        assert response.url == saved.get_absolute_url()
        assert (saved.pk == business.pk) is (url_name == "business_edit")
    else:
        assert saved is None
        business.refresh_from_db()
        assert business.name == "Sambal Pecel Bu Ratna"
        assert Business.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_home_page_with_the_registry_count(client_for, business, role):
    BusinessFactory.create_batch(2, status=Business.Status.CLOSED)

    response = client_for(role).get(reverse("home"))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["total"], summary["active"], summary["with_nib"]) == (3, 1, 1)
    assert "UMKM di registri" in text_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_business_list(client_for, business, role):
    response = client_for(role).get(reverse("registry:business_list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [business]
    assert business.get_absolute_url() in text_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_a_business_in_detail(client_for, business, role):
    response = client_for(role).get(business.get_absolute_url())

    assert response.status_code == 200
    assert response.context["business"] == business
    html = text_of(response)
    assert "Sambal Pecel Bu Ratna" in html
    assert "Karanggayam (Desa, kode 35.05.03.2001)" in html
    assert "Kelas usaha: Mikro" in html


@pytest.mark.parametrize("role", EDITORS)
def test_editors_see_the_links_to_register_and_to_edit(client_for, business, role):
    client = client_for(role)

    assert reverse("registry:business_create") in text_of(client.get(reverse("registry:business_list")))
    assert reverse("registry:business_edit", args=[business.pk]) in text_of(
        client.get(business.get_absolute_url())
    )


@pytest.mark.parametrize("role", READERS)
def test_readers_see_no_link_to_register_or_to_edit(client_for, business, role):
    client = client_for(role)

    assert reverse("registry:business_create") not in text_of(client.get(reverse("registry:business_list")))
    assert reverse("registry:business_edit", args=[business.pk]) not in text_of(
        client.get(business.get_absolute_url())
    )


@pytest.mark.parametrize("role", EDITORS)
def test_editors_get_the_empty_create_form(client_for, role):
    response = client_for(role).get(reverse("registry:business_create"))

    assert response.status_code == 200
    assert not response.context["form"].is_bound
    html = text_of(response)
    assert "Daftarkan usaha baru" in html
    assert 'name="owner_nik"' in html
    assert 'name="size_class"' not in html


@pytest.mark.parametrize("role", EDITORS)
def test_editors_get_the_edit_form_filled_in(client_for, business, role):
    response = client_for(role).get(reverse("registry:business_edit", args=[business.pk]))

    assert response.status_code == 200
    assert response.context["form"].instance == business
    html = text_of(response)
    assert 'value="Sambal Pecel Bu Ratna"' in html
    assert 'value="120.000.000"' in html  # turnover shown with Indonesian grouping


@pytest.mark.parametrize("role", EDITORS)
def test_editors_register_a_business(client_for, users, role):
    response = client_for(role).post(reverse("registry:business_create"), business_post(owner_nik=NIK))

    business = Business.objects.get(name="Keripik Tempe Bu Sri")
    assert response.status_code == 302
    assert response.url == business.get_absolute_url()
    assert business.owner_nik == NIK
    assert business.phone == "081234567890"
    assert business.turnover == 120_000_000
    assert business.kecamatan.name == "Srengat"
    assert business.size_class == "mikro"
    record = business.history.get()
    assert record.history_user == users[role]
    assert record.history_change_reason == "Didaftarkan ke registri"


def test_after_registering_the_detail_page_confirms_it(client_for):
    response = client_for("staf").post(reverse("registry:business_create"), business_post(), follow=True)

    assert "Usaha “Keripik Tempe Bu Sri” tersimpan di registri." in text_of(response)


@pytest.mark.parametrize("role", EDITORS)
def test_editors_change_a_business(client_for, business, users, role):
    data = business_post(
        name="Sambal Pecel Bu Ratna",
        owner_name="Ratna Dewi",
        owner_nik=NIK,
        nib="9120001234567",
        turnover="Rp 2.500.000.000",
        has_halal="on",
    )

    response = client_for(role).post(reverse("registry:business_edit", args=[business.pk]), data)

    assert response.status_code == 302
    assert response.url == business.get_absolute_url()
    business.refresh_from_db()
    assert business.turnover == 2_500_000_000
    assert business.size_class == "kecil"
    assert business.has_halal is True
    latest = business.history.order_by("-history_id").first()
    assert latest.history_user == users[role]
    assert latest.history_change_reason == "Data usaha diubah"


def test_editing_a_missing_business_is_not_found(client_for):
    assert client_for("staf").get(reverse("registry:business_edit", args=[999999])).status_code == 404


# The create form's checks


def test_invalid_input_is_shown_again_with_indonesian_errors_and_nothing_is_saved(client_for):
    response = client_for("staf").post(
        reverse("registry:business_create"),
        business_post(owner_nik="123", phone="12345", turnover="1,5", name=""),
    )

    assert response.status_code == 200
    html = text_of(response)
    assert "NIK harus 16 digit angka." in html
    assert "Nomor telepon tidak sah." in html
    assert "Tulis jumlah rupiah bulat, misalnya 1.500.000." in html
    assert "Bidang ini tidak boleh kosong." in html
    assert 'value="Sri Wahyuni"' in html  # what was typed is kept
    assert Business.objects.count() == 0


def test_a_desa_outside_the_kecamatan_is_refused_on_the_page(client_for):
    wonodadi = Kecamatan.objects.get(name="Wonodadi")

    response = client_for("staf").post(
        reverse("registry:business_create"), business_post(kecamatan=wonodadi.pk)
    )

    assert "Desa Karanggayam tidak terletak di Kecamatan Wonodadi." in text_of(response)
    assert Business.objects.count() == 0


def test_the_same_name_in_the_same_desa_is_warned_about_and_not_saved(client_for):
    existing = BusinessFactory(name="Keripik Tempe Bu Sri")

    response = client_for("staf").post(
        reverse("registry:business_create"),
        business_post(name="keripik  tempe BU SRI", owner_name="Sri Rahayu"),
    )

    assert response.status_code == 200
    html = text_of(response)
    assert 'id="peringatan-duplikat"' in html
    assert f'href="{existing.get_absolute_url()}"' in html
    assert "nama di desa yang sama" in html
    assert 'name="save_anyway"' in html
    assert Business.objects.count() == 1


def test_the_same_name_in_another_desa_is_saved_without_a_warning(client_for):
    BusinessFactory(name="Keripik Tempe Bu Sri", desa=Desa.objects.get(code="35.05.01.2001"))

    response = client_for("staf").post(reverse("registry:business_create"), business_post())

    assert response.status_code == 302
    assert Business.objects.filter(name="Keripik Tempe Bu Sri").count() == 2


def test_a_look_alike_is_saved_when_confirmed_with_a_reason_kept_in_its_history(client_for):
    existing = BusinessFactory(name="Keripik Tempe Bu Sri")

    response = client_for("staf").post(
        reverse("registry:business_create"),
        business_post(save_anyway="on", save_anyway_reason="Pemilik lain, beda RT"),
    )

    assert response.status_code == 302
    saved = Business.objects.exclude(pk=existing.pk).get(name="Keripik Tempe Bu Sri")
    reason = saved.history.get().history_change_reason
    assert "Pemilik lain, beda RT" in reason
    assert f"#{existing.pk}" in reason


def test_confirming_a_look_alike_without_a_reason_is_refused(client_for):
    BusinessFactory(name="Keripik Tempe Bu Sri")

    response = client_for("staf").post(reverse("registry:business_create"), business_post(save_anyway="on"))

    assert response.status_code == 200
    assert "Tulis alasan mengapa tetap disimpan." in text_of(response)
    assert Business.objects.count() == 1


def test_a_nib_already_registered_is_refused_with_a_link_and_no_way_to_save_anyway(client_for):
    existing = BusinessFactory(name="Kopi Bubuk Pak Budi", nib="9120001234567")
    client = client_for("staf")

    response = client.post(reverse("registry:business_create"), business_post(nib="9120001234567"))

    assert response.status_code == 200
    html = text_of(response)
    assert 'id="peringatan-duplikat"' in html
    assert f'href="{existing.get_absolute_url()}"' in html
    assert "NIB ini sudah dipakai oleh usaha lain di registri." in html
    assert 'name="save_anyway"' not in html

    forced = client.post(
        reverse("registry:business_create"),
        business_post(nib="9120001234567", save_anyway="on", save_anyway_reason="Tetap simpan"),
    )
    assert forced.status_code == 200
    assert Business.objects.count() == 1


def test_a_nik_already_registered_is_refused_with_a_link(client_for):
    existing = BusinessFactory(name="Kopi Bubuk Pak Budi", owner_nik=NIK)

    response = client_for("admin").post(reverse("registry:business_create"), business_post(owner_nik=NIK))

    html = text_of(response)
    assert "NIK ini sudah dipakai oleh usaha lain di registri." in html
    assert f'href="{existing.get_absolute_url()}"' in html
    assert Business.objects.count() == 1


def test_editing_a_business_does_not_warn_that_it_looks_like_itself(client_for, business):
    data = business_post(name=business.name, owner_nik=NIK, nib="9120001234567", employees="7")

    response = client_for("staf").post(reverse("registry:business_edit", args=[business.pk]), data)

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.employees == 7


def test_a_posted_size_class_is_ignored(client_for):
    client_for("staf").post(reverse("registry:business_create"), business_post(size_class="besar"))

    assert Business.objects.get().size_class == "mikro"


# The detail page


@pytest.mark.parametrize("role", EDITORS)
def test_admin_and_staf_see_the_whole_nik(client_for, business, role):
    html = text_of(client_for(role).get(business.get_absolute_url()))

    assert NIK in html
    assert MASKED_NIK not in html


@pytest.mark.parametrize("role", READERS)
def test_pendamping_and_pimpinan_see_the_nik_masked(client_for, business, role):
    html = text_of(client_for(role).get(business.get_absolute_url()))

    assert f'<dd class="col-sm-7">{MASKED_NIK}</dd>' in html
    assert NIK not in html


@pytest.mark.parametrize("role", READERS)
def test_a_nik_change_in_the_timeline_is_masked_for_those_who_may_not_see_it(client_for, staf, role):
    business = BusinessFactory(owner_nik=None)
    client_for("staf").post(
        reverse("registry:business_edit", args=[business.pk]),
        business_post(name=business.name, owner_nik=NIK),
    )
    business.refresh_from_db()
    assert business.owner_nik == NIK

    html = text_of(client_for(role).get(business.get_absolute_url()))

    assert NIK not in html
    assert MASKED_NIK in html


def test_the_detail_page_explains_the_size_class_and_shows_the_timeline(client_for, business):
    client_for("staf").post(
        reverse("registry:business_edit", args=[business.pk]),
        business_post(
            name=business.name, owner_nik=NIK, nib="9120001234567", turnover="", capital="Rp 1.200.000.000"
        ),
    )

    html = text_of(client_for("pimpinan").get(business.get_absolute_url()))

    assert "Kelas usaha: Kecil" in html
    assert "modal usaha (omzet belum diketahui)" in html
    assert "Rp 1.200.000.000" in html
    assert "Mikro → <strong>Kecil</strong>" in html
    assert "Rp 25.000.000 → <strong>Rp 1.200.000.000</strong>" in html
    assert "Data usaha diubah" in html
    assert "Siti" in html


def test_a_business_without_figures_has_no_size_class_yet(client_for):
    business = BusinessFactory(turnover=None, capital=None)

    html = text_of(client_for("pendamping").get(business.get_absolute_url()))

    assert "Kelas usaha: Belum diketahui" in html
    assert "Omzet dan modal usaha belum diisi" in html


def test_the_detail_page_names_a_kbli_code_from_the_pick_list(client_for):
    business = BusinessFactory(kbli_code="10391")

    assert "10391 — Industri Tempe Kedelai" in text_of(client_for("staf").get(business.get_absolute_url()))


def test_a_missing_business_shows_the_indonesian_404_page(client_for):
    response = client_for("staf").get(reverse("registry:business_detail", args=[999999]))

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Halaman tidak ditemukan" in text_of(response)


def test_an_unknown_address_shows_the_indonesian_404_page(client_for):
    response = client_for("pimpinan").get("/tidak-ada/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in text_of(response)


def test_a_refused_page_shows_the_indonesian_403_page(client_for):
    response = client_for("pimpinan").get(reverse("registry:business_create"))

    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]
    assert "Peran Anda tidak berhak membuka atau mengubah halaman ini." in text_of(response)


# The list: search, filters, sort, pages


@pytest.fixture
def three_businesses():
    srengat_kelurahan = Desa.objects.get(code="35.05.03.1007")
    jaten = Desa.objects.get(code="35.05.01.2001")
    keripik = BusinessFactory(
        name="Keripik Tempe Bu Sri",
        owner_name="Sri Wahyuni",
        nib="9120001234567",
        has_halal=True,
        turnover=100_000_000,
        registered_on=datetime.date(2021, 3, 1),
    )
    kopi = BusinessFactory(
        name="Kopi Bubuk Pak Budi",
        owner_name="Budi Santoso",
        desa=jaten,
        sector=Sector.objects.get(slug="minuman"),
        turnover=3_000_000_000,
        status=Business.Status.INACTIVE,
        registered_on=datetime.date(2023, 7, 1),
    )
    anyaman = BusinessFactory(
        name="Anyaman Bambu Lestari",
        owner_name="Endang Lestari",
        desa=srengat_kelurahan,
        sector=Sector.objects.get(slug="kerajinan"),
        nib="9120009999999",
        turnover=20_000_000_000,
        status=Business.Status.CLOSED,
        registered_on=datetime.date(2022, 1, 10),
    )
    return {"keripik": keripik, "kopi": kopi, "anyaman": anyaman}


def listed(client, **params) -> list[str]:
    response = client.get(reverse("registry:business_list"), params)
    assert response.status_code == 200
    names = [business.name for business in response.context["page"].object_list]
    # The count above the table is the number of matches, not just this page.
    assert f"<strong>{len(names)}</strong> usaha cocok dengan saringan" in text_of(response)
    return names


def test_the_list_is_sorted_by_name_by_default(client_for, three_businesses):
    assert listed(client_for("pimpinan")) == [
        "Anyaman Bambu Lestari",
        "Keripik Tempe Bu Sri",
        "Kopi Bubuk Pak Budi",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kopi", ["Kopi Bubuk Pak Budi"]),
        ("  KERIPIK tempe ", ["Keripik Tempe Bu Sri"]),
        ("wahyuni", ["Keripik Tempe Bu Sri"]),
        ("Lestari", ["Anyaman Bambu Lestari"]),
        ("912000", ["Anyaman Bambu Lestari", "Keripik Tempe Bu Sri"]),
        ("9120001", ["Keripik Tempe Bu Sri"]),
        ("1234567", []),  # NIB matches by its beginning only
        ("bakso", []),
    ],
)
def test_the_search_finds_by_name_owner_or_nib_prefix(client_for, three_businesses, query, expected):
    assert listed(client_for("pendamping"), q=query) == expected


def test_a_search_with_no_match_says_so(client_for, three_businesses):
    response = client_for("staf").get(reverse("registry:business_list"), {"q": "bakso"})

    assert "Tidak ada usaha yang cocok." in text_of(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kecamatan": "Srengat"}, ["Anyaman Bambu Lestari", "Keripik Tempe Bu Sri"]),
        ({"kecamatan": "Wonodadi"}, ["Kopi Bubuk Pak Budi"]),
        ({"desa": "35.05.03.2001"}, ["Keripik Tempe Bu Sri"]),
        ({"sector": "minuman"}, ["Kopi Bubuk Pak Budi"]),
        ({"size_class": "mikro"}, ["Keripik Tempe Bu Sri"]),
        ({"size_class": "kecil"}, ["Kopi Bubuk Pak Budi"]),
        ({"size_class": "menengah"}, ["Anyaman Bambu Lestari"]),
        ({"status": "aktif"}, ["Keripik Tempe Bu Sri"]),
        ({"status": "tutup"}, ["Anyaman Bambu Lestari"]),
        ({"nib": "ya"}, ["Anyaman Bambu Lestari", "Keripik Tempe Bu Sri"]),
        ({"nib": "tidak"}, ["Kopi Bubuk Pak Budi"]),
        ({"has_halal": "ya"}, ["Keripik Tempe Bu Sri"]),
        ({"has_halal": "tidak"}, ["Anyaman Bambu Lestari", "Kopi Bubuk Pak Budi"]),
        ({"kecamatan": "Srengat", "nib": "ya", "q": "tempe"}, ["Keripik Tempe Bu Sri"]),
        ({"kecamatan": "Wonodadi", "status": "tutup"}, []),
    ],
)
def test_the_filters_narrow_the_list(client_for, three_businesses, params, expected):
    lookups = {
        "kecamatan": lambda name: Kecamatan.objects.get(name=name).pk,
        "desa": lambda code: Desa.objects.get(code=code).pk,
        "sector": lambda slug: Sector.objects.get(slug=slug).pk,
    }
    query = {key: lookups[key](value) if key in lookups else value for key, value in params.items()}

    assert listed(client_for("pimpinan"), **query) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-name", ["Kopi Bubuk Pak Budi", "Keripik Tempe Bu Sri", "Anyaman Bambu Lestari"]),
        ("turnover", ["Keripik Tempe Bu Sri", "Kopi Bubuk Pak Budi", "Anyaman Bambu Lestari"]),
        ("-turnover", ["Anyaman Bambu Lestari", "Kopi Bubuk Pak Budi", "Keripik Tempe Bu Sri"]),
        ("registered_on", ["Keripik Tempe Bu Sri", "Anyaman Bambu Lestari", "Kopi Bubuk Pak Budi"]),
        ("-registered_on", ["Kopi Bubuk Pak Budi", "Anyaman Bambu Lestari", "Keripik Tempe Bu Sri"]),
        # Ties on the sort key keep the order they were registered in (by id), so paging is stable.
        ("kecamatan", ["Keripik Tempe Bu Sri", "Anyaman Bambu Lestari", "Kopi Bubuk Pak Budi"]),
        ("-kecamatan", ["Kopi Bubuk Pak Budi", "Keripik Tempe Bu Sri", "Anyaman Bambu Lestari"]),
    ],
)
def test_the_list_sorts_as_asked(client_for, three_businesses, sort, expected):
    assert listed(client_for("staf"), sort=sort) == expected


def test_an_unknown_filter_value_is_shown_as_an_error_not_a_crash(client_for, three_businesses):
    response = client_for("staf").get(
        reverse("registry:business_list"), {"status": "bangkrut", "sector": "999"}
    )

    assert response.status_code == 200
    assert response.context["filter"].form.errors.keys() == {"status", "sector"}
    assert "bangkrut bukan salah satu dari pilihan yang tersedia." in text_of(response)
    # The filters that could not be read are left out rather than emptying the list.
    assert response.context["page"].paginator.count == 3


@pytest.fixture
def many_businesses():
    for number in range(1, 121):
        BusinessFactory(name=f"Usaha Demo {number:03d}")
    return Business.objects.order_by("name")


def test_the_list_shows_50_businesses_a_page(client_for, many_businesses):
    client = client_for("pimpinan")

    first = client.get(reverse("registry:business_list"))
    last = client.get(reverse("registry:business_list"), {"page": 3})

    assert len(first.context["page"].object_list) == 50
    assert len(last.context["page"].object_list) == 20
    assert "<strong>120</strong> usaha cocok dengan saringan · halaman 1 dari 3" in text_of(first)
    assert "halaman 3 dari 3" in text_of(last)
    shown = [
        b.name
        for page in (1, 2, 3)
        for b in client.get(reverse("registry:business_list"), {"page": page}).context["page"].object_list
    ]
    assert shown == list(many_businesses.values_list("name", flat=True))


def test_paging_keeps_the_filters(client_for, many_businesses):
    response = client_for("staf").get(
        reverse("registry:business_list"), {"q": "Usaha Demo 0", "status": "aktif"}
    )

    # 001 … 099 match: two pages
    assert "<strong>99</strong> usaha cocok" in text_of(response)
    assert 'href="?q=Usaha+Demo+0&amp;status=aktif&amp;page=2"' in text_of(response)


def test_a_page_past_the_end_shows_the_last_page(client_for, many_businesses):
    response = client_for("staf").get(reverse("registry:business_list"), {"page": 99})

    assert response.context["page"].number == 3


# Logging in and out, Django admin


def test_the_login_page_is_in_indonesian(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = text_of(response)
    assert '<html lang="id">' in html
    for label in ("Nama pengguna", "Kata sandi", ">Masuk</button>"):
        assert label in html


def test_a_wrong_password_is_refused_in_indonesian(client, staf):
    response = client.post(reverse("login"), {"username": staf.username, "password": "salah"})

    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in text_of(response)
    assert "_auth_user_id" not in client.session


def test_logging_in_leads_to_the_page_asked_for(client, staf):
    response = client.post(
        reverse("login"),
        {"username": staf.username, "password": "kata-sandi-uji", "next": reverse("registry:business_list")},
    )

    assert response.status_code == 302
    assert response.url == reverse("registry:business_list")
    assert client.session["_auth_user_id"] == str(staf.pk)


def test_logging_in_without_a_next_page_leads_home(client, pimpinan):
    response = client.post(reverse("login"), {"username": pimpinan.username, "password": "kata-sandi-uji"})

    assert response.url == reverse("home")


def test_logging_out_by_post_ends_the_session(client_for):
    client = client_for("staf")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_logging_out_by_get_is_not_allowed(client_for):
    client = client_for("staf")

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_the_admin_user_opens_django_admin(client_for):
    response = client_for("admin").get("/admin/")

    assert response.status_code == 200
    assert "UMKM Blitar — Administrasi" in text_of(response)


@pytest.mark.parametrize("role", ["staf", "pendamping", "pimpinan"])
def test_other_roles_are_sent_to_the_admin_login(client_for, role):
    response = client_for(role).get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_an_anonymous_visitor_to_django_admin_is_sent_to_the_admin_login():
    response = Client().get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_the_500_page_speaks_indonesian_without_needing_a_logged_in_user(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/registri/"))

    assert response.status_code == 500
    html = text_of(response)
    assert "Terjadi kesalahan di server" in html
    assert "Data Anda tidak berubah" in html


def test_a_user_changes_their_own_password_with_the_old_one(client_for, users):
    client = client_for("pendamping")

    page = client.get(reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "kata-sandi-uji",
            "new_password1": "Pecel-Blitar-2024",
            "new_password2": "Pecel-Blitar-2024",
        },
    )

    assert "Ubah kata sandi" in text_of(page)
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    users["pendamping"].refresh_from_db()
    assert users["pendamping"].check_password("Pecel-Blitar-2024")


def test_a_wrong_old_password_changes_nothing_and_says_so_in_indonesian(client_for, users):
    response = client_for("staf").post(
        reverse("password_change"),
        {"old_password": "salah", "new_password1": "Pecel-Blitar-2024", "new_password2": "Pecel-Blitar-2024"},
    )

    assert response.status_code == 200
    assert "Sandi lama Anda yang dimasukkan salah" in text_of(response)
    users["staf"].refresh_from_db()
    assert users["staf"].check_password("kata-sandi-uji")


def test_changing_a_password_needs_a_login():
    response = Client().get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url == f"/masuk/?next={reverse('password_change')}"
