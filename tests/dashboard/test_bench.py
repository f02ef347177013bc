"""`manage.py bench`: seeds or reuses the demo at N businesses, times the pages, writes the figures."""

import json
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client, override_settings

from demo import bench
from demo.registry import top_up_registry
from registry.models import Business, Kecamatan, RegistryImport, Sector

pytestmark = pytest.mark.django_db

# The pages that exist for certain; the others are reported as they are (an error until they land).
WORKING_PAGES = [
    "home",
    "registry_list",
    "registry_list_filtered",
    "registry_search",
    "session_list",
    "admin_changelist_filtered",
]


def run_bench(tmp_path, businesses=60, repeat=2) -> tuple[dict, str]:
    out = StringIO()
    path = tmp_path / "b.json"
    call_command("bench", businesses=businesses, repeat=repeat, json=path, stdout=out)
    return json.loads(path.read_text()), out.getvalue()


def seed(businesses=60) -> None:
    call_command("seed_demo", businesses=businesses, seed=bench.SEED, stdout=StringIO())


@pytest.fixture(scope="class")
def benched(django_db_setup, django_db_blocker, tmp_path_factory):
    """One run on an empty registry for the tests of a class, rolled back after them."""
    # Class-scoped, so the conftest's fast hasher (per test) is not on yet.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield run_bench(tmp_path_factory.mktemp("bench"))
        transaction.set_rollback(True)


class TestAFirstRun:
    """Each test reads the same run on an empty registry."""

    def test_an_empty_registry_is_seeded_and_every_page_timed_into_the_json(self, benched):
        report, output = benched

        assert Business.objects.count() == 60
        assert report["businesses"] == 60 and report["repeat"] == 2
        assert report["seeding"]["created"] == 60
        assert report["database"]["vendor"] == connection.vendor and report["database"]["version"]
        assert report["machine"]["cpus"] >= 1 and report["machine"]["django"]
        assert report["measured_at"].endswith("+07:00")
        assert [page["name"] for page in report["pages"]] == [page.name for page in bench.PAGES]
        pages = {page["name"]: page for page in report["pages"]}
        for name in WORKING_PAGES:
            page = pages[name]
            assert page["status"] == 200 and not page["error"], page
            assert 0 < page["median_ms"] <= page["p95_ms"], page
            assert page["queries"] > 0, page
            assert page["label"] in output
        for page in report["pages"]:  # a page still being built shows as an error, never a crash
            assert (page["status"] == 200) != bool(page["error"]), page

    def test_the_registrys_own_export_is_imported_and_timed_next_to_only_reading_it(self, benched):
        report, output = benched

        imported = report["registry_import"]
        assert imported["rows"] == 60 and imported["updated"] == 60 and imported["status"] == "selesai"
        assert all(imported[name] > 0 for name in ("read_seconds", "preview_seconds", "apply_seconds"))
        assert imported["total_over_read"] > 0
        assert f"Impor registri 60 baris: baca berkas saja {imported['read_seconds']} s" in output
        # Rolled back: the bench database keeps no import, no history of it, no changed business.
        assert not RegistryImport.objects.exists()
        assert not Business.history.filter(history_change_reason__startswith="Impor").exists()

    def test_the_filters_are_srengat_and_makanan_in_both_the_list_and_the_admin(self, benched):
        report, _ = benched

        srengat = Kecamatan.objects.get(name="Srengat").pk
        makanan = Sector.objects.get(slug="makanan").pk
        pages = {page["name"]: page for page in report["pages"]}
        assert pages["registry_list_filtered"]["url"].endswith(f"?kecamatan={srengat}&sector={makanan}")
        assert pages["admin_changelist_filtered"]["url"].endswith(
            f"?kecamatan__id__exact={srengat}&sector__id__exact={makanan}"
        )
        assert pages["registry_search"]["url"].endswith("?q=keripik")

    def test_the_floor_runs_the_home_dashboards_own_sql_without_the_session_and_user_lookups(self, benched):
        report, output = benched

        floor = report["floor"]
        home = next(page for page in report["pages"] if page["name"] == "home")
        assert 0 < floor["median_ms"] <= floor["p95_ms"]
        # The admin's request reads its session and its user first; everything else is the dashboard's.
        assert floor["statements"] == home["queries"] - 2
        assert report["home_over_floor"] == round(home["median_ms"] / floor["median_ms"], 1)
        assert "Rasio beranda ÷ lantai" in output

    def test_every_page_is_set_against_its_own_sql_and_the_search_words_are_real(self, benched):
        report, output = benched

        pages = {page["name"]: page for page in report["pages"]}
        for name in WORKING_PAGES:
            page = pages[name]
            assert page["sql_median_ms"] > 0, page
            assert page["over_sql"] == round(page["median_ms"] / page["sql_median_ms"], 1), page
        first = Business.objects.order_by("pk").first()
        assert pages["registry_search_rare"]["url"].endswith("?" + urlencode({"q": first.name}))
        assert pages["registry_search_none"]["url"].endswith(f"?q={bench.NOTHING_WORD}")
        nib = Business.objects.exclude(nib=None).order_by("pk").first().nib
        assert pages["registry_search_nib"]["url"].endswith(f"?q={nib[:9]}")
        assert "÷ SQL" in output


@pytest.mark.parametrize(
    ("sql", "left_out"),
    [
        ('SELECT "django_session"."session_data" FROM "django_session" WHERE x = %s', True),
        ('SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."id" = %s LIMIT 21', True),
        ('UPDATE "auth_user" SET "last_login" = %s', True),
        (
            'SELECT "e"."id", "auth_user"."username" FROM "coaching_enrolment" LEFT OUTER JOIN "auth_user"',
            False,
        ),
        (
            'SELECT "id" FROM "coaching_coachingsession" '
            'WHERE "pendamping_id" IN (SELECT "id" FROM "auth_user")',
            False,
        ),
        ('SELECT COUNT("registry_business"."id") FROM "registry_business"', False),
    ],
)
def test_the_floor_leaves_out_only_the_statements_that_read_the_session_or_the_user(sql, left_out):
    assert bool(bench.AUTH_LOOKUP.match(sql)) == left_out


def test_a_registry_of_the_same_size_is_reused(tmp_path):
    seed()
    ids = set(Business.objects.values_list("pk", flat=True))

    report, output = run_bench(tmp_path)

    assert set(Business.objects.values_list("pk", flat=True)) == ids
    assert report["seeding"]["created"] == 0
    assert "data dipakai ulang" in output


def test_a_smaller_registry_is_topped_up_to_exactly_n_without_history(tmp_path):
    seed()
    history = Business.history.count()

    report, _ = run_bench(tmp_path, businesses=95)

    assert Business.objects.count() == report["businesses"] == 95
    assert report["seeding"]["created"] == 35
    # The top-up skips history rows; the demo's own 60 keep theirs.
    assert Business.history.count() == history
    for column in ("owner_nik", "nib"):
        values = list(Business.objects.exclude(**{column: None}).values_list(column, flat=True))
        assert len(values) == len(set(values))
    for business in Business.objects.order_by("-pk")[:35]:
        business.full_clean()


def test_a_top_up_from_the_same_registry_draws_the_same_businesses():
    seed()

    def added():
        return list(
            Business.objects.filter(pk__gt=last).order_by("pk").values_list("name", "owner_nik", "nib")
        )

    last = Business.objects.order_by("pk").last().pk
    assert top_up_registry(total=80, seed=bench.SEED) == 20
    first = added()
    Business.objects.filter(pk__gt=last).delete()

    top_up_registry(total=80, seed=bench.SEED)

    assert added() == first


def test_a_registry_larger_than_asked_stops_with_an_error(tmp_path):
    seed()

    with pytest.raises(CommandError, match="sudah berisi 60 usaha, lebih dari 50"):
        run_bench(tmp_path, businesses=50)
    assert Business.objects.count() == 60


def test_a_database_behind_its_migrations_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "pending_migrations", lambda: ["registry.0099_new_index"])

    with pytest.raises(CommandError, match="registry.0099_new_index"):
        run_bench(tmp_path)
    assert not Business.objects.exists()


def test_a_page_that_is_missing_or_refuses_is_reported_as_an_error(tmp_path, monkeypatch):
    seed()
    monkeypatch.setattr(
        bench,
        "PAGES",
        [
            bench.PAGES[0],
            bench.Page("missing", "Belum dibuat", "registry:not_built_yet"),
            bench.Page("logout_by_get", "Keluar lewat GET", "logout"),  # logout takes only POST
        ],
    )

    report, output = run_bench(tmp_path)

    missing, refused = report["pages"][1:]
    assert missing["status"] is None and "belum ada" in missing["error"] and missing["median_ms"] is None
    assert refused["status"] == 405 and refused["error"] == "HTTP 405" and refused["queries"] is None
    assert "GALAT: HTTP 405" in output
    assert report["floor"]["median_ms"] > 0


def test_median_and_nearest_rank_p95_in_milliseconds():
    seconds = [n / 1000 for n in range(20, 0, -1)]  # 1 … 20 ms, in any order

    assert bench.milliseconds(seconds) == (10.5, 19.0)
    assert bench.milliseconds([0.0123]) == (12.3, 12.3)


def _report(vendor: str, businesses: int, **medians) -> bench.Report:
    pages = [
        bench.PageResult(
            name, name, "/", median_ms=medians.get(name, 50.0), p95_ms=60.0, queries=8, status=200
        )
        for name in (
            "home",
            "registry_list",
            "registry_list_filtered",
            "registry_search",
            "admin_changelist_filtered",
        )
    ]
    return bench.Report(
        database={"vendor": vendor, "version": "16"},
        businesses=businesses,
        repeat=2,
        machine={},
        measured_at="",
        seeding={},
        pages=pages,
        floor=None,
        home_over_floor=None,
    )


def test_targets_are_judged_on_postgresql_only_and_by_the_size_of_the_registry():
    assert bench.targets(_report("sqlite", 34_675)) == []

    small = bench.targets(_report("postgresql", 34_675, home=151.0, admin_changelist_filtered=70.0))
    verdicts = {(target.label, target.limit): target.ok for target in small}
    assert verdicts[("home: median", "≤ 150 ms (N = 34.675)")] is False
    assert verdicts[("registry_list: median", "≤ 100 ms (N = 34.675)")] is True
    assert verdicts[("registry_search: median", "≤ 150 ms (N = 34.675)")] is True
    assert verdicts[("home: jumlah kueri", "≤ 20 kueri")] is True
    assert verdicts[("Daftar usaha: kecamatan + sektor, median", "< admin Django (70.0 ms)")] is True

    assert verdicts[("home: median", "≤ 60 ms (N = 34.675)")] is False

    large = bench.targets(_report("postgresql", 1_000_000, home=151.0, registry_list=301.0))
    verdicts = {(target.label, target.limit): target.ok for target in large}
    assert verdicts[("home: median", "≤ 1000 ms (N = 1.000.000)")] is True
    assert verdicts[("home: median", "≤ 60 ms (N = 1.000.000)")] is False
    assert verdicts[("registry_list: median", "≤ 300 ms (N = 1.000.000)")] is False
    assert verdicts[("registry_search: median", "≤ 100 ms (N = 1.000.000)")] is True
    assert verdicts[("registry_search: p95", "≤ 150 ms (N = 1.000.000)")] is True


def test_a_million_is_set_against_the_offices_size_for_the_pages_that_read_kept_figures():
    small = _report("postgresql", 34_675, home=40.0)
    large = _report("postgresql", 1_000_000, home=50.0, registry_search=20.0)
    large.against = bench.compare_with(large, small.as_json())
    assert large.against == {
        "businesses": 34_675,
        "ratios": {
            "home": 1.25,
            "registry_list": 1.0,
            "registry_list_filtered": 1.0,
            "registry_search": 0.4,
            "admin_changelist_filtered": 1.0,
        },
    }
    verdicts = {target.label: (target.figure, target.ok) for target in bench.targets(large)}
    assert verdicts["home: median ÷ median pada 34675"] == (1.25, True)
    assert verdicts["registry_dashboard: median ÷ median pada 34675"] == (None, False)  # not measured
    large.machine = {"cpus": 2, "cpu_model": "uji", "memory_gb": 1.0, "load_average": [0.5, 0.5, 0.5]}
    assert "÷ 34675" in bench.format_report(large)
    # Set against another million, or a million against nothing: no such target.
    assert not bench.growth_targets(small)


# As in production (DJANGO_HTTPS on): a request over plain HTTP gets only a 301 to https.
HTTPS_SETTINGS = {
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
}


def test_with_https_on_every_page_is_measured_not_its_redirect(tmp_path):
    seed()

    with override_settings(**HTTPS_SETTINGS):
        report, output = run_bench(tmp_path)

    pages = {page["name"]: page for page in report["pages"]}
    for name in WORKING_PAGES:
        page = pages[name]
        assert page["status"] == 200 and not page["error"], page
        assert 0 < page["median_ms"] <= page["p95_ms"], page
        assert page["queries"] > 0, page
    assert report["floor"]["median_ms"] > 0 and report["home_over_floor"]
    assert "HTTP 301" not in output


def test_with_https_on_a_page_asked_over_plain_http_is_an_error_not_a_figure(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)

    with override_settings(**HTTPS_SETTINGS):
        result = bench.measure_page(client, bench.PAGES[0], bench.pick_sample(), repeat=2)

    assert result.status == 301
    assert result.error == "HTTP 301 ke https://testserver/"
    assert result.median_ms is None and result.p95_ms is None and result.queries is None
