"""The read API (/api/v1/): every endpoint for each role's token and for none, bad or revoked tokens."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coaching import selectors as coaching
from registry.filters import business_filter
from registry.models import Desa, Kecamatan
from tests.factories import BusinessFactory
from umkm_blitar.api.models import ApiToken
from umkm_blitar.api.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

NIK = "3505034105900001"
MASKED = "3505********0001"
ROLES = ["admin", "staf", "pendamping", "pimpinan"]


@pytest.fixture
def api_world(new_world, pendamping):
    world = new_world()
    enrolment = world.enrol(
        business__name="Keripik Tempe Bu Sri", business__owner_nik=NIK, pendamping=pendamping
    )
    world.hold_session(attendees=[enrolment], recorded_by=pendamping)
    world.spend(world.budget_line(), recorded_by=pendamping)
    return {"programme": world.programme, "business": enrolment.business}


def endpoints(world):
    """(url, the roles that may read it) for every endpoint."""
    programme, business = world["programme"].pk, world["business"].pk
    return [
        (reverse("api:openapi"), ROLES),
        (reverse("api:registry_aggregates"), ROLES),
        (reverse("api:business_list"), ROLES),
        (reverse("api:business_detail", args=[business]), ROLES),
        (reverse("api:programme_list"), ROLES),
        (reverse("api:programme_detail", args=[programme]), ROLES),
        # the money, as on the realisation page: not for a pendamping
        (reverse("api:programme_realisation", args=[programme]), ["admin", "staf", "pimpinan"]),
    ]


def test_every_endpoint_answers_each_role_by_the_role_table(api_world, api_get):
    for url, allowed in endpoints(api_world):
        for role in ROLES:
            response = api_get(url, role)
            expected = 200 if role in allowed else 403
            assert response.status_code == expected, f"{url} sebagai {role}"
            assert response["Content-Type"].startswith(
                "application/vnd.oai.openapi+json" if url.endswith(".json") else "application/json"
            )
            if expected == 403:
                assert response.json() == {"detail": "Peran token ini tidak berhak membaca data ini."}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Token API diperlukan"),
        ("Bearer", "Token API tidak berlaku"),
        ("Bearer umkm_000000000000_salah", "Token API tidak berlaku"),
        ("Bearer bukan-token", "Token API tidak berlaku"),
        ("Token umkm_000000000000_salah", "Token API diperlukan"),
    ],
)
def test_a_request_without_a_valid_token_gets_401_in_indonesian_and_no_data(api_world, header, message):
    headers = {"Authorization": header} if header else {}
    for url, _ in endpoints(api_world):
        response = Client().get(url, headers=headers)
        assert response.status_code == 401, url
        assert response.json()["detail"].startswith(message)
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert "Keripik" not in response.content.decode()


def test_a_revoked_token_opens_nothing(api_world, api_keys, api_get):
    token = ApiToken.objects.get(name="Uji staf")
    assert api_get(reverse("api:business_list"), "staf").status_code == 200

    api_token_revoke(token=token)

    response = api_get(reverse("api:business_list"), "staf")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Token API tidak berlaku")
    assert token.revoked_at is not None


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_refused(api_world, api_keys):
    kind, prefix, _ = api_keys["admin"].split("_", 2)
    response = Client().get(
        reverse("api:business_list"), headers={"Authorization": f"Bearer {kind}_{prefix}_x"}
    )
    assert response.status_code == 401


def test_a_browser_session_does_not_open_the_api(api_world, client_for):
    client = client_for("admin")
    for url, _ in endpoints(api_world):
        response = client.get(url)
        assert response.status_code == 401, url
        assert "Keripik" not in response.content.decode()


def test_the_nik_is_whole_for_admin_and_staf_and_masked_for_the_others(api_world, api_get):
    business = api_world["business"]
    for role, nik in [("admin", NIK), ("staf", NIK), ("pendamping", MASKED), ("pimpinan", MASKED)]:
        detail = api_get(reverse("api:business_detail", args=[business.pk]), role).json()
        listed = api_get(reverse("api:business_list"), role, q="Bu Sri").json()["results"]
        assert detail["owner_nik"] == nik, role
        assert [row["owner_nik"] for row in listed] == [nik], role


def test_only_get_is_answered_every_other_method_is_405(api_world, api_keys):
    headers = {"Authorization": f"Bearer {api_keys['admin']}"}
    client = Client()
    for url, _ in endpoints(api_world):
        for method in ("post", "put", "patch", "delete", "options"):
            response = getattr(client, method)(url, headers=headers)
            assert response.status_code == 405, f"{method.upper()} {url}"
        assert client.head(url, headers=headers).status_code == 200


def test_businesses_are_filtered_exactly_as_the_registry_list(api_world, api_get):
    srengat = Kecamatan.objects.get(name="Srengat")
    other = Desa.objects.exclude(kecamatan=srengat).first()
    BusinessFactory.create_batch(3, name="Jamu Srengat", registered_on=datetime.date(2024, 3, 1))
    for nib in ("1234567890123", "1234567890124"):
        BusinessFactory(desa=other, kecamatan=other.kecamatan, nib=nib)
    params = {"kecamatan": srengat.pk, "registered_year": 2024, "sort": "-name"}

    response = api_get(reverse("api:business_list"), "pimpinan", **params)

    body = response.json()
    expected = list(business_filter(params).qs.values_list("id", flat=True))
    assert [row["id"] for row in body["results"]] == expected
    assert body["count"] == 3
    nib = api_get(reverse("api:business_list"), "pimpinan", nib="ya").json()
    assert {row["kecamatan"]["id"] for row in nib["results"]} == {other.kecamatan_id}


def test_businesses_come_in_pages(api_world, api_get):
    BusinessFactory.create_batch(4)
    url = reverse("api:business_list")

    first = api_get(url, "staf", page_size=2).json()
    last = api_get(url, "staf", page_size=2, page=3).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert first["previous"] is None
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert api_get(url, "staf", page=9).status_code == 404


def test_a_filter_value_that_is_not_valid_is_400_with_its_reason(api_world, api_get):
    response = api_get(reverse("api:business_list"), "staf", kecamatan="bukan-angka", size_class="raksasa")
    assert response.status_code == 400
    assert set(response.json()) == {"kecamatan", "size_class"}


def test_the_aggregates_count_the_registry_without_personal_data(api_world, api_get):
    BusinessFactory.create_batch(2, registered_on=datetime.date(2024, 3, 1))
    body = api_get(reverse("api:registry_aggregates"), "pendamping").json()

    assert body["total"] == 3
    assert len(body["kecamatan"]) == 22
    srengat = next(row for row in body["kecamatan"] if row["kecamatan"]["name"] == "Srengat")
    assert srengat["total"] == 3
    assert srengat["by_sector"]["makanan"] == 3
    assert srengat["kecamatan"]["code"] == "35.05.03"
    assert {"year": 2024, "count": 2} in body["registrations_by_year"]
    assert sum(row["count"] for row in body["size_classes"]) == 3
    assert [(row["code"], row["has"] + row["has_not"]) for row in body["legal"]] == [
        ("nib", 3), ("has_pirt", 3), ("has_halal", 3)
    ]  # fmt: skip
    text = str(body)
    assert "Sri Wahyuni" not in text and "Keripik" not in text and NIK not in text and "owner" not in text


def test_a_programme_carries_its_progress_coverage_and_realisation(api_world, api_get):
    programme = api_world["programme"]
    listed = api_get(reverse("api:programme_list"), "pendamping").json()
    detail = api_get(reverse("api:programme_detail", args=[programme.pk]), "pendamping").json()
    realisation = api_get(
        reverse("api:programme_realisation", args=[programme.pk]), "pimpinan", triwulan=4
    ).json()

    assert [row["id"] for row in listed] == [programme.pk]
    assert listed[0]["cohort_size"] == 1
    assert detail["progress"]["sessions"] == 1
    assert len(detail["coverage"]) == 22
    assert detail["coverage_totals"]["held"] == 1
    assert realisation["quarter"] == 4
    assert realisation["total"]["spent_to_date"] == sum(
        line["spent_to_date"] for line in realisation["lines"]
    )
    assert realisation["total"]["spent_to_date"] > 0
    # Grouped by SIPD sub-kegiatan as the Monev sheet and the realisation page group it, to the rupiah.
    expected = coaching.realisation(programme, 4).sub_activities
    assert [
        (group["code"], group["allocation"], group["spent_to_date"], [row["name"] for row in group["lines"]])
        for group in realisation["sub_activities"]
    ] == [
        (group.code, group.allocation, group.spent_to_date, [line.name for line in group.lines])
        for group in expected
    ]
    assert (
        sum(group["spent_to_date"] for group in realisation["sub_activities"])
        == (realisation["total"]["spent_to_date"])
    )
    assert api_get(reverse("api:programme_detail", args=[programme.pk + 99]), "staf").status_code == 404


def test_requests_past_the_rate_are_refused_per_token(api_world, api_get, settings):
    settings.API_THROTTLE_RATE = "2/minute"
    url = reverse("api:programme_list")

    answers = [api_get(url, "staf").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert api_get(url, "pimpinan").status_code == 200  # another token counts on its own


def test_create_api_token_prints_the_key_once_and_keeps_only_its_hash(db, capsys):
    call_command("create_api_token", "Portal Satu Data", "--role", "pimpinan")

    key = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(name="Portal Satu Data")
    assert token.role == "pimpinan"
    assert key.startswith(f"umkm_{token.prefix}_")
    assert key.split("_", 2)[2] not in token.key_hash
    response = Client().get(reverse("api:programme_list"), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_unknown_role_makes_no_token(db):
    with pytest.raises(Exception, match="Peran tidak dikenal"):
        api_token_create(name="x", role="tamu")
    assert not ApiToken.objects.exists()


def test_an_admin_revokes_a_token_in_the_admin_and_never_sees_its_key(api_keys, client_for):
    token = ApiToken.objects.get(name="Uji pendamping")
    client = client_for("admin")

    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    response = client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert api_keys["pendamping"].split("_", 2)[2] not in page
    assert token.key_hash not in page
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403


def test_a_page_of_businesses_and_the_aggregates_take_a_fixed_number_of_queries(
    api_keys, api_get, django_assert_max_num_queries
):
    BusinessFactory.create_batch(30)
    api_get(reverse("api:programme_list"), "pendamping")  # the token's last use written: not again soon
    # The token, its role's rights, the desa choices of BusinessFilter, the count, the page (joined).
    with django_assert_max_num_queries(5):
        assert api_get(reverse("api:business_list"), "pendamping", page_size=20).status_code == 200
    # The token, its role's rights, then registry_overview(): sectors, the grouped pass, kecamatan.
    with django_assert_max_num_queries(5):
        assert api_get(reverse("api:registry_aggregates"), "pendamping").status_code == 200


def test_every_whole_nik_given_out_is_logged_with_the_token(api_world, api_get, caplog):
    business = api_world["business"]
    caplog.set_level("INFO", logger="umkm_blitar.api.nik")

    api_get(reverse("api:business_list"), "staf")
    api_get(reverse("api:business_detail", args=[business.pk]), "admin")
    api_get(reverse("api:business_list"), "pimpinan")  # masked: nothing to log

    lines = [record.getMessage() for record in caplog.records if record.name == "umkm_blitar.api.nik"]
    assert lines == [
        f"NIK utuh lewat API: token Uji staf ({ApiToken.objects.get(name='Uji staf').prefix}) (staf), "
        f"usaha [{business.pk}]",
        f"NIK utuh lewat API: token Uji admin ({ApiToken.objects.get(name='Uji admin').prefix}) (admin), "
        f"usaha [{business.pk}]",
    ]
