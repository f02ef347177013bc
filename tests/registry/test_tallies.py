"""The registry's kept figures (registry.tallies): every page's figure equals a fresh count of the businesses.

The `fresh_*` functions are the selectors as they were before the figures were kept (each a GROUP BY
over the business table): the oracle every kept figure is compared with.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from demo.registry import seed_registry
from registry import selectors, services, tallies
from registry.models import Business, Desa, DesaTally, Kecamatan, MonthTally, RegistryTally, Sector
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


# --- the oracle: the figures counted from the business table, as the selectors did before -------


def fresh_summary(this_year: int) -> dict:
    return Business.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Business.Status.ACTIVE)),
        with_nib=Count("id", filter=Q(nib__isnull=False)),
        registered_this_year=Count("id", filter=Q(registered_on__year=this_year)),
        mikro=Count("id", filter=Q(size_class="mikro")),
        kecil=Count("id", filter=Q(size_class="kecil")),
        menengah=Count("id", filter=Q(size_class="menengah")),
    )


def fresh_open_data() -> list[tuple]:
    rows = (
        Business.objects.order_by()
        .values("kecamatan__code", "sector__name", "size_class", year=ExtractYear("registered_on"))
        .annotate(total=Count("id"), active=Count("id", filter=Q(status=Business.Status.ACTIVE)))
    )
    return sorted(
        (r["kecamatan__code"], r["sector__name"], r["size_class"], r["year"], r["total"], r["active"])
        for r in rows
    )


def fresh_kecamatan_registry(kecamatan) -> dict:
    rows = Business.objects.filter(kecamatan=kecamatan).values("sector", "size_class").annotate(n=Count("id"))
    return {(r["sector"], r["size_class"] or "unknown"): r["n"] for r in rows}


def fresh_fastest_desa(year: int) -> list[tuple]:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = (
        Business.objects.filter(registered_on__lte=end)
        .order_by()
        .values("desa_id")
        .annotate(
            new=Count("id", filter=Q(registered_on__gte=start)),
            at_start=Count("id", filter=Q(registered_on__lt=start)),
        )
        .filter(new__gt=0)
        .order_by("-new", "at_start", "desa_id")[:10]
    )
    return [(r["desa_id"], r["new"], r["at_start"]) for r in rows]


def fresh_registry_at(starts_on, ends_on) -> dict:
    groups = (
        Business.objects.filter(registered_on__lte=ends_on)
        .order_by()
        .values("kecamatan_id", "sector_id")
        .annotate(total=Count("id"), new=Count("id", filter=Q(registered_on__gte=starts_on)))
    )
    return {(g["kecamatan_id"], g["sector_id"]): (g["total"], g["new"]) for g in groups}


def assert_every_figure_fresh() -> None:
    """Every kept row equals a fresh count, and every selector that reads them equals its old self."""
    assert tallies.differences() == []
    today = timezone.localdate()
    assert selectors.registry_summary() == fresh_summary(today.year)
    open_data = sorted(
        (r["kecamatan__code"], r["sector__name"], r["size_class"], r["year"], r["total"], r["active"])
        for r in selectors.open_data_counts()
    )
    assert open_data == fresh_open_data()
    for kecamatan in Kecamatan.objects.filter(businesses__isnull=False).distinct():
        kept = {
            (row.sector.pk, name): getattr(row, name)
            for row in selectors.kecamatan_registry(kecamatan)
            for name in ("mikro", "kecil", "menengah", "besar", "unknown")
            if getattr(row, name)
        }
        assert kept == fresh_kecamatan_registry(kecamatan)
        desa = {d.pk: d.registered for d in selectors.kecamatan_desa(kecamatan)}
        assert desa == {
            d.pk: d.n for d in Desa.objects.filter(kecamatan=kecamatan).annotate(n=Count("businesses"))
        }
    for year in {d.year for d in Business.objects.dates("registered_on", "year")}:
        fastest = [(g.desa_id, g.new.count, g.at_start.count) for g in selectors.fastest_growing_desa(year)]
        assert fastest == fresh_fastest_desa(year)
        for starts_on, ends_on in [(datetime.date(year, 4, 1), datetime.date(year, 6, 30))]:
            kept = {
                key: (g["total"], g["new"]) for key, g in selectors.registry_at(starts_on, ends_on).items()
            }
            assert kept == fresh_registry_at(starts_on, ends_on)


def assert_overview_fresh() -> None:
    """The registry dashboard's figures, from the kept rows, against the old one-pass GROUP BY."""
    today = timezone.localdate()
    overview = selectors.registry_overview(today=today)
    summary = fresh_summary(today.year)
    assert [figure.count for figure in overview.headline] == [
        summary["total"],
        summary["active"],
        summary["with_nib"],
        summary["registered_this_year"],
    ]
    by_cell = dict(
        Business.objects.order_by()
        .values_list("kecamatan_id", "sector_id")
        .annotate(n=Count("id"))
        .values_list(F("kecamatan_id") * 1000 + F("sector_id"), "n")
    )
    for row in overview.rows:
        for sector, cell in zip(overview.sectors, row.cells, strict=True):
            assert cell.count == by_cell.get(row.kecamatan.pk * 1000 + sector.pk, 0)
    sizes = dict(Business.objects.order_by().values_list("size_class").annotate(n=Count("id")))
    assert [figure.count for figure in overview.size_classes] == [
        sizes.get(size_class, 0) for size_class, _ in selectors.SIZE_CLASS_SHARES
    ]
    flags = Business.objects.aggregate(
        nib=Count("id", filter=Q(nib__isnull=False)),
        has_pirt=Count("id", filter=Q(has_pirt=True)),
        has_halal=Count("id", filter=Q(has_halal=True)),
    )
    assert [has.count for has, _ in overview.legal] == [
        flags[param] for param, _, _ in selectors.LEGAL_SHARES
    ]
    years = dict(
        Business.objects.order_by().values_list(ExtractYear("registered_on")).annotate(n=Count("id"))
    )
    assert overview.new_by_year == years


@pytest.fixture
def registry():
    """The demo registry in small (every year, sector, class and status), plus a few oddities."""
    seed_registry(total=600, seed=11)
    BusinessFactory(turnover=None, capital=None, status=Business.Status.CLOSED, nib="1234567890123")
    BusinessFactory(
        turnover=30_000_000_000, has_pirt=True, has_halal=True, registered_on=timezone.localdate()
    )
    return Business.objects.count()


def test_the_kept_figures_equal_a_fresh_count_of_the_demo_registry(registry):
    assert RegistryTally.objects.exists() and DesaTally.objects.exists() and MonthTally.objects.exists()
    assert_every_figure_fresh()
    assert_overview_fresh()


def test_an_edit_moves_a_business_between_every_figure(registry, staf):
    business = Business.objects.order_by("pk").first()
    other_desa = Desa.objects.exclude(kecamatan=business.kecamatan).order_by("code").first()
    services.business_update(
        business=business,
        user=staf,
        fields={
            "desa": other_desa,
            "kecamatan": other_desa.kecamatan,
            "sector": Sector.objects.exclude(pk=business.sector_id).first(),
            "turnover": 20_000_000_000,
            "status": Business.Status.INACTIVE,
            "registered_on": datetime.date(2019, 12, 31),
            "nib": "9876543210987",
            "has_pirt": not business.has_pirt,
            "has_halal": not business.has_halal,
        },
    )
    assert_every_figure_fresh()
    assert_overview_fresh()


def test_a_new_business_a_saved_subset_and_a_delete_keep_the_figures(registry, staf):
    created = services.business_create(
        user=staf,
        fields={
            "name": "Sambal Pecel Bu Tin",
            "owner_name": "Tin",
            "desa": (desa := Desa.objects.get(code="35.05.03.2001")),
            "kecamatan": desa.kecamatan,
            "sector": Sector.objects.get(slug="minuman"),
            "turnover": 3_000_000_000,
        },
    )
    assert_every_figure_fresh()
    # Only the status is written: the desa changed in memory stays unwritten, and uncounted.
    created.status = Business.Status.CLOSED
    created.desa = Desa.objects.exclude(pk=created.desa_id).first()
    created.save(update_fields=["status"])
    assert_every_figure_fresh()
    created.delete()
    Business.objects.filter(pk__in=Business.objects.order_by("-pk").values("pk")[:3]).delete()
    assert_every_figure_fresh()


def test_an_object_loaded_before_someone_elses_save_still_counts_right(registry, staf):
    business = Business.objects.order_by("pk").first()
    stale = Business.objects.get(pk=business.pk)
    services.business_update(business=business, user=staf, fields={"status": Business.Status.CLOSED})
    stale.name = "Nama baru"  # loaded while still active: its save writes active again
    stale.save()
    assert_every_figure_fresh()


def test_the_admin_change_form_keeps_the_figures(registry, admin_user, client):
    client.force_login(admin_user)
    business = Business.objects.order_by("pk").first()
    response = client.get(reverse("admin:registry_business_change", args=[business.pk]))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(status=Business.Status.CLOSED, turnover=16_000_000_000)
    for name in [name for name, value in data.items() if value is False]:
        del data[name]  # an unticked box is not sent
    response = client.post(reverse("admin:registry_business_change", args=[business.pk]), data)
    assert response.status_code == 302, getattr(response.context.get("adminform"), "errors", None)
    business.refresh_from_db()
    assert business.status == Business.Status.CLOSED
    assert_every_figure_fresh()


def test_rebuild_reports_and_mends_what_went_wrong(registry):
    RegistryTally.objects.filter(pk=RegistryTally.objects.order_by("pk").first().pk).update(
        total_count=F("total_count") + 5
    )
    DesaTally.objects.order_by("pk").last().delete()
    output = StringIO()
    with pytest.raises(CommandError, match="2 baris"):
        call_command("rebuild_registry_summary", "--check", stdout=output)
    output = StringIO()
    call_command("rebuild_registry_summary", stdout=output)
    assert "2 baris ringkasan registri dibetulkan" in output.getvalue()
    assert "registrytally" in output.getvalue() and "desatally" in output.getvalue()
    assert_every_figure_fresh()
    output = StringIO()
    call_command("rebuild_registry_summary", "--check", stdout=output)
    assert "sama dengan hitungan ulang" in output.getvalue()


def test_pages_read_the_kept_figures_not_the_businesses(registry, client_for):
    """A figure the businesses do not hold shows: the page counts nothing itself."""
    RegistryTally.objects.update(total_count=F("total_count") + 1)
    summary = selectors.registry_summary()
    assert summary["total"] == registry + RegistryTally.objects.count()
    response = client_for("pimpinan").get(reverse("home"))
    assert response.status_code == 200
    assert response.context["summary"]["total"] == summary["total"]
