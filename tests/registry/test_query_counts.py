"""Pages that list or aggregate run a fixed number of queries, however much data there is."""

import pytest
from django.urls import reverse

from registry import services
from registry.models import Desa, Kecamatan, Sector
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client_for):
    # pimpinan is not a superuser, so every permission check costs its queries (admin's cost none).
    return client_for("pimpinan")


def make_businesses(count: int) -> None:
    jaten = Desa.objects.get(code="35.05.01.2001")
    minuman = Sector.objects.get(slug="minuman")
    for number in range(count):
        if number % 2:
            BusinessFactory(nib=f"91200{number:08d}", has_halal=True, kbli_code="10391")
        else:
            BusinessFactory(desa=jaten, sector=minuman, turnover=3_000_000_000)


@pytest.mark.parametrize("count", [5, 120])
def test_the_business_list_query_count_does_not_grow_with_the_registry(
    reader, count, django_assert_max_num_queries
):
    make_businesses(count)

    # 1 session, 2 user, 3 the user's and their groups' permissions (one query), 4 desa choices (with
    # kecamatan) for the filter form, 5 count for the paginator, 6 kecamatan and 7 sector choices, 8 the
    # page of businesses with their kecamatan, desa and sector joined.
    with django_assert_max_num_queries(8):
        response = reader.get(reverse("registry:business_list"))

    assert len(response.context["page"].object_list) == min(count, 50)


@pytest.mark.parametrize("count", [5, 120])
def test_the_filtered_business_list_query_count_does_not_grow_with_the_registry(
    reader, count, django_assert_max_num_queries
):
    make_businesses(count)
    params = {
        "q": "Keripik",
        "kecamatan": Kecamatan.objects.get(code="35.05.03").pk,
        "desa": Desa.objects.get(code="35.05.03.2001").pk,
        "sector": Sector.objects.get(slug="makanan").pk,
        "size_class": "mikro",
        "status": "aktif",
        "nib": "ya",
        "has_halal": "ya",
        "sort": "-turnover",
    }

    # The 9 queries of the plain list, plus 10 the chosen kecamatan and 11 the chosen sector, looked
    # up when the filter form is validated.
    with django_assert_max_num_queries(10):
        response = reader.get(reverse("registry:business_list"), params)

    assert response.context["page"].paginator.count == count // 2
    assert len(response.context["page"].object_list) == min(count // 2, 50)


@pytest.mark.parametrize("history_length", [1, 10])
def test_the_business_detail_query_count_does_not_grow_with_its_history(
    reader, staf, history_length, django_assert_max_num_queries
):
    business = BusinessFactory(kbli_code="10391")
    for employees in range(3, 3 + history_length - 1):
        services.business_update(business=business, user=staf, fields={"employees": employees})
    assert business.history.count() == history_length

    # 1 session, 2 user, 3 permissions (one query), 4 the business with kecamatan, desa and sector joined,
    # 5 its history with the users who made it, 6–8 kecamatan, desa and sector names for the
    # timeline, 9 the KBLI title; then the coaching part: 10 attendances with their sessions,
    # 11 the sessions' topics, 12 enrolment history, 13 programme names, 14 assessments,
    # 15 drive outcome history, 16 drive names, 17 memberships, 18 enrolments.
    with django_assert_max_num_queries(18):
        response = reader.get(business.get_absolute_url())

    assert len(response.context["timeline"]) == history_length


@pytest.mark.parametrize("count", [5, 120])
def test_the_home_page_query_count_does_not_grow_with_the_registry(
    reader, count, django_assert_max_num_queries
):
    make_businesses(count)

    # 1 session, 2 user, 3 permissions (one query), 4 the programmes (none here), 5 every registry
    # headline figure in one aggregate.
    with django_assert_max_num_queries(5):
        response = reader.get(reverse("home"))

    assert response.context["summary"]["total"] == count
