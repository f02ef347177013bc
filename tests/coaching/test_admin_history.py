"""The admin's page of a past version cannot write what the admin shows read-only."""

from django.urls import reverse

from tests.factories import BusinessFactory, ExpenditureFactory


def full_form(client, url) -> dict:
    """The fields of the past version's form as the page shows them (the admin's own values)."""
    form = client.get(url).context["adminform"].form
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_spending_cannot_be_reverted_past_the_services(client_for):
    expenditure = ExpenditureFactory(amount=1_500_000)
    expenditure.amount = 2_000_000
    expenditure.save()
    first = expenditure.history.earliest()
    client = client_for("admin")
    url = reverse("admin:coaching_expenditure_simple_history", args=[expenditure.pk, first.history_id])
    assert client.get(url).status_code == 200, "the past version can still be read"

    response = client.post(url, {**full_form(client, url), "amount": "999000000000"})

    assert response.status_code == 403
    expenditure.refresh_from_db()
    assert expenditure.amount == 2_000_000
    assert expenditure.history.count() == 2


def test_a_business_can_still_be_reverted_by_those_who_may_change_it(client_for):
    business = BusinessFactory(name="Keripik Tempe Lama")
    business.name = "Keripik Tempe Baru"
    business.save()
    first = business.history.earliest()
    client = client_for("admin")
    url = reverse("admin:registry_business_simple_history", args=[business.pk, first.history_id])

    response = client.post(url, full_form(client, url))

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name == "Keripik Tempe Lama"
