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
