"""The registry dashboard: its figures, who may see it, and that each figure's link lists exactly them."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.registry import seed_registry
from registry import selectors
from registry.models import Business, Desa, Kecamatan, Sector
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staf", "pendamping", "pimpinan"]
DASHBOARD = "/registri/dasbor/"
TODAY = datetime.date(2024, 6, 1)  # "today" for the selector tests, which take it as an argument


def desa(code: str) -> Desa:
    return Desa.objects.get(code=code)


def sector(slug: str) -> Sector:
    return Sector.objects.get(slug=slug)


KARANGGAYAM, TOGOGAN = "35.05.03.2001", "35.05.03.1004"  # Kecamatan Srengat
JATEN, SALAM = "35.05.01.2001", "35.05.01.2002"  # Kecamatan Wonodadi


@pytest.fixture
def registry():
    """Nine businesses in two kecamatan, four desa, four sectors, 2020–2024, every size class."""
    day = datetime.date
    food, drinks, crafts = sector("makanan"), sector("minuman"), sector("kerajinan")
    both = {"has_pirt": True, "has_halal": True}
    rows = {
        # key: (desa, sector, registered_on, other fields)
        "A": (KARANGGAYAM, food, day(2020, 3, 1), {"nib": "9120000000001", "has_pirt": True}),
        "B": (KARANGGAYAM, drinks, day(2023, 2, 1), {"has_halal": True}),
        "C": (
            KARANGGAYAM,
            food,
            day(2023, 7, 1),
            {"status": "tidak_aktif", "turnover": None, "capital": None},
        ),
        "D": (JATEN, food, day(2022, 1, 10), {"nib": "9120000000002", "turnover": 3_000_000_000}),
        "E": (JATEN, crafts, day(2023, 12, 31), {"status": "tutup", "turnover": 20_000_000_000, **both}),
        "F": (SALAM, food, day(2024, 1, 1), {"nib": "9120000000003"}),
        "G": (TOGOGAN, drinks, day(2021, 12, 31), {"turnover": 60_000_000_000}),
        "H": (TOGOGAN, sector("fesyen"), day(2023, 3, 3), {}),
        "I": (SALAM, food, day(2023, 5, 5), {"has_halal": True}),
    }
    return {
        key: BusinessFactory(desa=desa(code), sector=kind, registered_on=registered_on, **fields)
        for key, (code, kind, registered_on, fields) in rows.items()
    }


def counts(figures) -> dict[str, int]:
    return {figure.label: figure.count for figure in figures}


# --- the selectors against hand-counted figures ------------------------------------------------


def test_the_headline_counts_all_active_with_nib_and_this_years(registry):
    overview = selectors.registry_overview(today=TODAY)

    assert counts(overview.headline) == {
        "UMKM di registri": 9,
        "Aktif": 7,  # all but C (tidak aktif) and E (tutup)
        "Sudah punya NIB": 3,  # A, D, F
        "Masuk registri tahun 2024": 1,  # F
    }
    assert [figure.query for figure in overview.headline] == [
        "",
        "status=aktif",
        "nib=ya",
        "registered_year=2024",
    ]


def test_the_kecamatan_sector_table_has_every_kecamatan_and_sector_with_totals(registry):
    overview = selectors.registry_overview(today=TODAY)

    assert [row.kecamatan.name for row in overview.rows] == list(
        Kecamatan.objects.order_by("name").values_list("name", flat=True)
    )
    assert len(overview.rows) == 22
    assert [s.slug for s in overview.sectors] == list(Sector.objects.values_list("slug", flat=True))
    table = {
        row.kecamatan.name: {cell.label: cell.count for cell in row.cells if cell.count}
        for row in overview.rows
    }
    assert table["Srengat"] == {"Makanan": 2, "Minuman": 2, "Fesyen": 1}  # A C, B G, H
    assert table["Wonodadi"] == {"Makanan": 3, "Kerajinan": 1}  # D F I, E
    assert all(not cells for name, cells in table.items() if name not in ("Srengat", "Wonodadi"))
    row_totals = {row.kecamatan.name: row.total.count for row in overview.rows}
    assert row_totals["Srengat"] == 5 and row_totals["Wonodadi"] == 4 and sum(row_totals.values()) == 9
    assert counts(overview.sector_totals) == {
        "Makanan": 5, "Minuman": 2, "Kerajinan": 1, "Fesyen": 1,
        "Jasa Foto": 0, "Suvenir": 0, "Perdagangan": 0, "Pertanian & Olahan": 0, "Jasa Lainnya": 0,
    }  # fmt: skip
    assert overview.total.count == 9
    srengat = next(row for row in overview.rows if row.kecamatan.name == "Srengat")
    assert srengat.cells[0].query == f"kecamatan={srengat.kecamatan.pk}&sector={sector('makanan').pk}"


def test_growth_by_year_folds_the_years_before_2022_and_adds_up(registry):
    growth, years = selectors.registry_growth(
        selectors.registry_overview(today=TODAY).new_by_year, today=TODAY
    )

    assert [(row.label, row.new.count, row.cumulative.count) for row in growth] == [
        ("s.d. 2021", 2, 2),  # A (2020), G (2021)
        ("2022", 1, 3),  # D
        ("2023", 5, 8),  # B C E H I
        ("2024", 1, 9),  # F
    ]
    assert years == [2024, 2023, 2022, 2021, 2020]
    assert (growth[0].new.query, growth[2].new.query, growth[2].cumulative.query) == (
        "registered_until=2021",
        "registered_year=2023",
        "registered_until=2023",
    )


def test_growth_by_year_runs_to_this_year_with_zeros():
    BusinessFactory(registered_on=datetime.date(2019, 8, 17))

    growth, years = selectors.registry_growth(
        selectors.registry_overview().new_by_year, today=datetime.date(2026, 1, 2)
    )

    assert [(row.label, row.new.count, row.cumulative.count) for row in growth] == [
        ("s.d. 2021", 1, 1),
        ("2022", 0, 1),
        ("2023", 0, 1),
        ("2024", 0, 1),
        ("2025", 0, 1),
        ("2026", 0, 1),
    ]
    assert years == [2019]


def test_the_fastest_desa_are_ordered_by_new_registrations_then_growth(registry):
    rows = selectors.fastest_growing_desa(2023)

    assert [(r.desa_name, r.kecamatan_name, r.at_start.count, r.new.count, r.growth) for r in rows] == [
        ("Karanggayam", "Srengat", 1, 2, Decimal("200.0")),  # A before; B and C in 2023
        ("Salam", "Wonodadi", 0, 1, None),  # new to the registry: growth is not a number
        ("Jaten", "Wonodadi", 1, 1, Decimal("100.0")),
        ("Togogan", "Srengat", 1, 1, Decimal("100.0")),
    ]
    karanggayam = desa(KARANGGAYAM).pk
    assert rows[0].new.query == f"desa={karanggayam}&registered_year=2023"
    assert rows[0].at_start.query == f"desa={karanggayam}&registered_until=2022"
    assert rows[0].url == f"/registri/?desa={karanggayam}"


def test_the_fastest_desa_are_at_most_ten():
    for code in Desa.objects.values_list("code", flat=True)[:12]:
        BusinessFactory(desa=desa(code), registered_on=datetime.date(2023, 4, 1))

    assert len(selectors.fastest_growing_desa(2023)) == 10


def test_shares_by_size_class_and_legal_status(registry):
    overview = selectors.registry_overview(today=TODAY)

    assert [(f.label, f.count, f.share, f.query) for f in overview.size_classes] == [
        ("Mikro", 5, Decimal("55.5"), "size_class=mikro"),  # A B F H I
        ("Kecil", 1, Decimal("11.1"), "size_class=kecil"),  # D
        ("Menengah", 1, Decimal("11.1"), "size_class=menengah"),  # E
        ("Besar (di atas UMKM)", 1, Decimal("11.1"), "size_class=besar"),  # G
        ("Belum diketahui", 1, Decimal("11.1"), "size_class=belum"),  # C: no turnover, no capital
    ]
    assert [
        (held.label, held.count, held.share, missing.count, missing.share) for held, missing in overview.legal
    ] == [
        ("NIB", 3, Decimal("33.3"), 6, Decimal("66.6")),
        ("PIRT", 2, Decimal("22.2"), 7, Decimal("77.7")),  # A, E
        ("Sertifikat halal", 3, Decimal("33.3"), 6, Decimal("66.6")),  # B, E, I
    ]


def test_an_empty_registry_gives_zeros_not_errors():
    overview = selectors.registry_overview(today=TODAY)
    growth, years = selectors.registry_growth(
        selectors.registry_overview(today=TODAY).new_by_year, today=TODAY
    )

    assert overview.total.count == 0 and len(overview.rows) == 22
    assert all(figure.share == 0 for figure in overview.size_classes)
    assert [row.cumulative.count for row in growth] == [0, 0, 0, 0]
    assert years == []
    assert selectors.fastest_desa_year(None, years, today=TODAY) == (None, 2023)


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (None, (2023, None)),  # last year by default
        ("2022", (2022, None)),
        ("2020", (2024, 2020)),  # no registrations that year: the latest year that had some
        ("dua ribu", (2023, None)),  # not a year: the default
    ],
)
def test_the_year_of_the_fastest_desa(requested, expected):
    assert selectors.fastest_desa_year(requested, [2024, 2023, 2022], today=TODAY) == expected


def test_without_registrations_last_year_the_latest_year_that_had_some_is_shown():
    assert selectors.fastest_desa_year(None, [2023, 2021], today=datetime.date(2026, 3, 1)) == (2023, 2025)


# --- the page -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in():
    response = Client().get(DASHBOARD)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_dashboard(client_for, registry, role):
    response = client_for(role).get(DASHBOARD)

    assert response.status_code == 200
    assert response.templates[0].name == "registry/dashboard.html"
    assert response.context["overview"].total.count == 9
    assert "Dasbor Registri UMKM" in response.content.decode()


def test_the_url_is_named():
    assert reverse("registry:dashboard") == DASHBOARD


def test_the_page_shows_the_figures_with_their_links(client_for, registry):
    response = client_for("pimpinan").get(DASHBOARD, {"tahun": 2023})
    html = response.content.decode()
    srengat = Kecamatan.objects.get(name="Srengat").pk

    assert f'href="/registri/?kecamatan={srengat}&amp;sector={sector("minuman").pk}"' in html
    assert 'href="/registri/?registered_until=2021"' in html
    assert 'href="/registri/?size_class=belum"' in html
    assert "Desa dengan usaha baru terbanyak tahun 2023" in html
    assert "200,0 %" in html  # Karanggayam
    assert (
        'id="grafik-pertumbuhan"' in html and 'id="grafik-kelas"' in html and 'id="grafik-legalitas"' in html
    )
    assert "<script>" not in html.replace('<script src="', "")  # data goes through json_script only


def dashboard_figures(response):
    """Every figure on the page that counts something, and the zeros of the first kecamatan's row."""
    overview = response.context["overview"]
    figures = [*overview.headline, overview.total, *overview.sector_totals, *overview.size_classes]
    for row in overview.rows:
        figures += [cell for cell in row.cells if cell.count or row is overview.rows[0]] + [row.total]
    for held, missing in overview.legal:
        figures += [held, missing]
    for row in response.context["growth"]:
        figures += [row.new, row.cumulative]
    for row in response.context["fastest_desa"]:
        figures += [row.at_start, row.new]
    return figures


def test_every_figure_agrees_with_the_list_its_link_opens(client_for, registry):
    client = client_for("pimpinan")
    response = client.get(DASHBOARD, {"tahun": 2023})
    figures = dashboard_figures(response)
    assert len(figures) > 60

    for figure in figures:
        listed = client.get(figure.url)
        assert listed.status_code == 200
        assert not listed.context["filter"].errors, figure.url
        assert listed.context["page"].paginator.count == figure.count, figure.url
    chart = response.context["growth_chart"]
    assert chart.links == [row.new.url for row in response.context["growth"][1:]]
    assert response.context["size_chart"].links == [
        figure.url for figure in response.context["overview"].size_classes
    ]


def test_the_registered_this_year_card_agrees_with_its_list(client_for):
    this_year = timezone.localdate().year
    BusinessFactory(registered_on=datetime.date(this_year, 1, 1))
    BusinessFactory(registered_on=datetime.date(this_year - 1, 12, 31))
    client = client_for("staf")

    card = client.get(DASHBOARD).context["overview"].headline[3]

    assert (card.label, card.count) == (f"Masuk registri tahun {this_year}", 1)
    assert client.get(card.url).context["page"].paginator.count == 1


def test_last_years_fastest_desa_by_default_and_the_year_can_be_chosen(client_for):
    last_year = timezone.localdate().year - 1
    BusinessFactory(desa=desa(JATEN), registered_on=datetime.date(last_year, 3, 1))
    BusinessFactory(desa=desa(KARANGGAYAM), registered_on=datetime.date(last_year - 1, 3, 1))
    client = client_for("pimpinan")

    shown = client.get(DASHBOARD)
    chosen = client.get(DASHBOARD, {"tahun": last_year - 1})

    assert shown.context["year"] == last_year
    assert [row.desa_name for row in shown.context["fastest_desa"]] == ["Jaten"]
    assert "Tidak ada usaha yang masuk registri" not in shown.content.decode()
    assert chosen.context["year"] == last_year - 1
    assert [row.desa_name for row in chosen.context["fastest_desa"]] == ["Karanggayam"]
    html = chosen.content.decode()
    assert f'<option value="{last_year - 1}" selected>' in html
    assert f'<option value="{last_year}">' in html


def test_without_registrations_last_year_the_page_says_so_and_shows_the_latest_year(client_for):
    this_year = timezone.localdate().year
    BusinessFactory(desa=desa(KARANGGAYAM), registered_on=datetime.date(this_year - 3, 6, 1))

    response = client_for("pimpinan").get(DASHBOARD)
    html = response.content.decode()

    assert f"Tidak ada usaha yang masuk registri pada tahun {this_year - 1}." in html
    assert f"Ditampilkan tahun terakhir yang ada pendaftarannya: <strong>{this_year - 3}</strong>" in html
    assert [row.desa_name for row in response.context["fastest_desa"]] == ["Karanggayam"]


def test_an_empty_registry_says_so(client_for):
    response = client_for("pimpinan").get(DASHBOARD)

    assert response.status_code == 200
    assert "Registri masih kosong." in response.content.decode()
    assert response.context["fastest_desa"] == []


def test_on_the_demo_registry_karanggayam_grew_fastest_in_2023(client_for):
    seed_registry(total=1200, seed=7)

    response = client_for("pimpinan").get(DASHBOARD, {"tahun": 2023})

    top = response.context["fastest_desa"][0]
    assert (top.desa_name, top.kecamatan_name) == ("Karanggayam", "Srengat")
    assert (
        response.context["growth"][2].cumulative.count
        == Business.objects.filter(registered_on__year__lte=2023).count()
    )


# --- the list's new filters -----------------------------------------------------------------


def test_the_list_filters_by_registration_year_and_unknown_size_class(client_for, registry):
    client = client_for("pendamping")

    def listed(**params):
        return {b.name for b in client.get(reverse("registry:business_list"), params).context["page"]}

    assert listed(registered_year=2023) == {registry[key].name for key in "BCEHI"}
    assert listed(registered_until=2022) == {registry[key].name for key in "ADG"}
    assert listed(size_class="belum") == {registry["C"].name}
    assert listed(size_class="mikro") == {registry[key].name for key in "ABFHI"}
    assert len(listed(registered_year="dua ribu")) == 9  # not a year: the filter is ignored


# --- query counts ---------------------------------------------------------------------------


def spread_businesses(count: int) -> None:
    """Businesses over different kecamatan, desa, sectors, years and classes."""
    desa_list = list(Desa.objects.order_by("code")[::11])
    sectors = list(Sector.objects.all())
    for number in range(count):
        BusinessFactory(
            desa=desa_list[number % len(desa_list)],
            sector=sectors[number % len(sectors)],
            registered_on=datetime.date(2019 + number % 7, 1 + number % 12, 1),
            turnover=[120_000_000, 3_000_000_000, None][number % 3],
            capital=None,
            nib=f"91200{number:08d}" if number % 2 else None,
            has_pirt=bool(number % 3),
        )


@pytest.mark.parametrize("count", [5, 40])
def test_the_dashboard_query_count_does_not_grow_with_the_registry(
    client_for, count, django_assert_num_queries
):
    spread_businesses(count)
    client = client_for("pimpinan")  # not a superuser: permission checks cost their queries

    # 1 session, 2 user, 3 the user's and their groups' permissions (one query: umkm_blitar/auth.py),
    # 4 sectors, 5 the registry's counts per kecamatan, sector and registration year with every figure
    # alongside, 6 the kecamatan, 7 the fastest desa, 8 their names, 9 the programme running today,
    # which the printed page's header names (umkm_blitar/templatetags/printing.py).
    with django_assert_num_queries(9):
        response = client.get(DASHBOARD, {"tahun": 2023})

    assert response.context["overview"].total.count == count
