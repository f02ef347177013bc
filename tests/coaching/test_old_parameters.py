"""One URL parameter per idea: bookmarked links with the old spellings are redirected to the new ones."""

import pytest
from django.urls import reverse

from tests.factories import BudgetLineFactory, CoachingSessionFactory, ExpenditureFactory, srengat


@pytest.fixture
def books(programme, staf):
    line = BudgetLineFactory(programme=programme)
    ExpenditureFactory(budget_line=line, recorded_by=staf, description="Konsumsi kelas Mei")
    return {"programme": programme, "line": line}


@pytest.mark.parametrize(
    ("url_name", "old", "new"),
    [
        ("session_list", "programme=5&kecamatan=3", "program=5&kecamatan=3"),
        ("session_export", "format=csv&programme=5", "format=csv&program=5"),
    ],
)
def test_the_old_programme_parameter_of_the_session_list_is_redirected(client_for, url_name, old, new):
    url = reverse(f"coaching:{url_name}")

    response = client_for("pimpinan").get(f"{url}?{old}")

    assert response.status_code == 301
    assert response["Location"] == f"{url}?{new}"


@pytest.mark.parametrize("url_name", ["expenditure_list", "expenditure_export"])
def test_the_old_quarter_and_budget_line_parameters_of_the_spending_list_are_redirected(
    client_for, books, url_name
):
    url = reverse(f"coaching:{url_name}", args=[books["programme"].pk])
    line = books["line"].pk

    response = client_for("staf").get(f"{url}?quarter=2&budget_line={line}&no_receipt=on")

    assert response.status_code == 301
    assert response["Location"] == f"{url}?triwulan=2&mata_anggaran={line}&no_receipt=on"


def test_a_link_with_both_spellings_keeps_the_new_one(client_for, books):
    url = reverse("coaching:expenditure_list", args=[books["programme"].pk])

    response = client_for("staf").get(f"{url}?quarter=1&triwulan=2")

    assert response["Location"] == f"{url}?triwulan=2"


def test_a_bookmarked_link_shows_the_same_rows_as_the_new_one(client_for, programme, staf, pendamping):
    CoachingSessionFactory(programme=programme, kecamatan=srengat(), pendamping=pendamping, recorded_by=staf)
    CoachingSessionFactory(kecamatan=srengat(), pendamping=pendamping, recorded_by=staf)  # another programme
    client = client_for("pimpinan")
    url = reverse("coaching:session_list")

    old = client.get(url, {"programme": programme.pk}, follow=True)
    new = client.get(url, {"program": programme.pk})

    assert old.redirect_chain == [(f"{url}?program={programme.pk}", 301)]
    assert old.context["page"].paginator.count == new.context["page"].paginator.count == 1


def test_the_spending_list_filters_with_the_new_spellings(client_for, books):
    url = reverse("coaching:expenditure_list", args=[books["programme"].pk])
    client = client_for("staf")

    in_quarter = client.get(url, {"triwulan": 2, "mata_anggaran": books["line"].pk})
    other_quarter = client.get(url, {"triwulan": 1})

    assert [entry.description for entry in in_quarter.context["page"].object_list] == ["Konsumsi kelas Mei"]
    assert in_quarter.context["total"] == 1_000_000
    assert other_quarter.context["total"] == 0


def test_a_role_that_may_not_see_the_list_is_refused_before_any_redirect(client_for, books):
    url = reverse("coaching:expenditure_list", args=[books["programme"].pk])

    response = client_for("pendamping").get(f"{url}?quarter=2")

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("template_page", "args"),
    [("coaching:programme_detail", True), ("coverage", False)],
)
def test_the_pages_link_to_the_session_list_with_the_new_spelling(client_for, programme, template_page, args):
    url = reverse(template_page, args=[programme.pk] if args else [])

    page = client_for("pimpinan").get(url, {"program": programme.pk} if not args else {}).content.decode()

    assert f"?program={programme.pk}" in page
    assert "?programme=" not in page
