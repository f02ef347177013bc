"""Reference lists (registry.reference) are built once and forgotten when the reference data changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import filters, forms
from registry.models import Desa, Kecamatan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def desa_select() -> forms.DesaSelect:
    choices, kecamatan_of = forms.desa_grouped_choices()
    widget = forms.DesaSelect(kecamatan_of=kecamatan_of, attrs={"data-desa-select": ""})
    widget.choices = [("", "Semua"), *choices]
    return widget


@pytest.mark.parametrize("value", [None, "", "first", 999_999, "<script>"])
def test_the_remembered_desa_select_is_the_markup_of_a_fresh_render(value):
    widget = desa_select()
    if value == "first":
        value = Desa.objects.order_by("code").first().pk
    fresh = widget.render_options("desa", value, {"id": "id_desa"})
    assert widget.render("desa", value, {"id": "id_desa"}) == fresh
    assert widget.render("desa", value, {"id": "id_desa"}) == fresh  # remembered the second time
    assert fresh.count(" selected") == (0 if value in (999_999, "<script>") else 1)


def test_the_filter_lists_kecamatan_desa_and_sectors_without_a_query_once_remembered():
    str(filters.business_filter({}).form)  # builds and remembers the lists
    kecamatan = Kecamatan.objects.first()
    with CaptureQueriesContext(connection) as captured:
        str(filters.business_filter({}).form)
    assert captured.captured_queries == []
    with CaptureQueriesContext(connection) as captured:
        markup = str(filters.business_filter({"kecamatan": kecamatan.pk}).form)
    assert len(captured.captured_queries) == 1  # the chosen kecamatan, validated
    assert markup.count('data-kecamatan="') == 248
    assert f'<option value="{kecamatan.pk}" selected>' in markup


def test_a_renamed_desa_shows_at_once(client_for):
    client = client_for("staf")
    url = reverse("registry:business_list")
    assert "Karanggayam (Desa)" in client.get(url).content.decode()
    desa = Desa.objects.get(code="35.05.03.2001")
    desa.name = "Karanggayam Baru"
    desa.save()
    page = client.get(url).content.decode()
    assert "Karanggayam Baru (Desa)" in page and "Karanggayam (Desa)" not in page


def test_the_list_filters_desa_select_is_rendered_once_not_on_every_request(monkeypatch):
    rendered = []
    render_options = forms.DesaSelect.render_options

    def counted(self, *args, **kwargs):
        rendered.append(args)
        return render_options(self, *args, **kwargs)

    monkeypatch.setattr(forms.DesaSelect, "render_options", counted)
    first = str(filters.business_filter({}).form["desa"])
    again = str(filters.business_filter({}).form["desa"])
    chosen = str(filters.business_filter({"desa": Desa.objects.order_by("code").first().pk}).form["desa"])
    assert len(rendered) == 1
    assert first == again and chosen != first and chosen.count(" selected") == 1
