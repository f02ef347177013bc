"""The registry list counts small results exactly each time and keeps the count of a large one."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import pagination
from registry.models import Business
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    """Past 3 matches a result counts as large here; the cache starts empty."""
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 3)
    cache.clear()
    yield
    cache.clear()


def listed(client) -> int:
    return client.get(reverse("registry:business_list")).context["page"].paginator.count


def test_a_small_result_is_counted_exactly_with_a_count_that_stops_early(
    client_for, django_assert_num_queries
):
    BusinessFactory.create_batch(2)
    paginator = pagination.RegistryPaginator(Business.objects.order_by("id"), 50)
    with django_assert_num_queries(1):  # SELECT COUNT(*) FROM (… LIMIT 4)
        assert paginator.count == 2


def test_a_large_result_is_counted_once_and_kept(django_assert_num_queries):
    BusinessFactory.create_batch(5)
    queryset = Business.objects.order_by("name", "id")
    with django_assert_num_queries(2):  # the capped count, then the exact one
        assert pagination.RegistryPaginator(queryset, 2).count == 5
    with django_assert_num_queries(1):  # only the capped count: the exact one is kept
        assert pagination.RegistryPaginator(queryset, 2).count == 5
    # Another filter is another count.
    with django_assert_num_queries(2):
        assert pagination.RegistryPaginator(queryset.filter(name__contains="Keripik"), 2).count == 5


def test_a_new_or_deleted_business_makes_the_kept_count_stale(client_for):
    BusinessFactory.create_batch(5)
    client = client_for("staf")
    assert listed(client) == 5
    BusinessFactory()
    assert listed(client) == 6
    Business.objects.first().delete()
    assert listed(client) == 5


def test_the_list_counts_a_large_result_on_its_first_view_only(client_for):
    BusinessFactory.create_batch(5)
    client = client_for("staf")
    url = reverse("registry:business_list")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).context["page"].paginator.count == 5
    with CaptureQueriesContext(connection) as again:
        assert client.get(url, {"sort": "name"}).context["page"].paginator.count == 5
    counts = [len([q for q in run.captured_queries if "COUNT(" in q["sql"]]) for run in (first, again)]
    assert counts == [2, 1]


# --- a text search: bounded whatever the word's frequency --------------------------------------


@pytest.fixture
def small_search_cap(monkeypatch):
    """Past 3 matches a search counts as common here."""
    monkeypatch.setattr(pagination, "SEARCH_EXACT_UP_TO", 3)


def searched(client, **query):
    response = client.get(reverse("registry:business_list"), query)
    return response, [business.name for business in response.context["page"].object_list]


def test_a_rare_word_lists_every_match_in_name_order_with_its_exact_count(client_for, small_search_cap):
    for name in ["Keripik Tempe C", "Keripik Tempe A", "Batik Tulis", "Keripik Tempe B"]:
        BusinessFactory(name=name)
    response, names = searched(client_for("staf"), q="keripik")
    assert names == ["Keripik Tempe A", "Keripik Tempe B", "Keripik Tempe C"]
    assert response.context["page"].paginator.count == 3
    assert "<strong>3</strong> usaha cocok" in response.content.decode()
    response, names = searched(client_for("staf"), q="keripik", sort="-name")
    assert names == ["Keripik Tempe C", "Keripik Tempe B", "Keripik Tempe A"]


def test_a_common_word_says_more_than_and_shows_the_last_added_first(
    client_for, small_search_cap, django_assert_max_num_queries
):
    added = [BusinessFactory(name=f"Keripik Tempe {letter}") for letter in "DACEB"]
    client = client_for("staf")
    client.get(reverse("registry:business_list"))  # the session, the user and the reference lists
    # The session, the user, their two permission lookups, up to 4 matching ids, the page of businesses
    # (joined); nothing counted, no reference list read.
    with django_assert_max_num_queries(6):
        response, names = searched(client, q="keripik")
    assert response.context["page"].paginator.capped
    assert names == [business.name for business in reversed(added)]
    page = response.content.decode()
    assert "Lebih dari <strong>3</strong> usaha cocok" in page and "yang terakhir ditambahkan" in page
    # A sort the person chose still holds, over every match.
    response, names = searched(client, q="keripik", sort="name")
    assert names == sorted(business.name for business in added)
    assert "yang terakhir ditambahkan" not in response.content.decode()


def test_a_word_nothing_holds_and_a_nib_prefix_are_found_exactly(client_for, small_search_cap):
    BusinessFactory(name="Gerabah Bu Sri", nib="9120001234567")
    BusinessFactory(name="Jamu Gendong", nib="8120001234567")
    response, names = searched(client_for("staf"), q="qzxjw")
    assert names == [] and response.context["page"].paginator.count == 0
    response, names = searched(client_for("staf"), q="912000")
    assert names == ["Gerabah Bu Sri"]
