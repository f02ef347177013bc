"""No lost update: two people editing one business, or a person and an import; the second save stops.

Each edit form carries, hidden, the version of the business it showed; the service compares it with
the row's version under the row lock and refuses a save over a later one (services.StaleEdit).
"""

import re
import threading
import time

import pytest
from django import forms
from django.db import connection, connections
from django.urls import reverse

from registry import selectors, services
from registry.formatting import tanggal_jam
from registry.models import Business
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

History = Business.history.model
STALE = (
    "Usaha ini sudah diubah oleh {who} pada {when} setelah Anda membukanya. Perubahan Anda belum "
    "disimpan. Periksa perubahan mereka di bawah, lalu simpan lagi."
)


def text_of(response) -> str:
    return response.content.decode()


def version_on_page(response) -> int:
    """The version the page's form will post back, read from its HTML as a browser would send it."""
    return int(re.search(r'<input type="hidden" name="version" value="(\d+)"', text_of(response))[1])


def form_data(form, **changes) -> dict:
    """What `form` posts when the person changes `changes` and presses Simpan.

    Every field as the page shows it (its initial values, or what was posted when the page came back
    with an error): ticked boxes as "on", unticked ones left out, as a browser does.
    """
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = "" if value is None else str(value)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def form_on_page(response, **changes) -> dict:
    return form_data(response.context["form"], **changes)


@pytest.fixture
def business():
    return BusinessFactory(
        name="Sambal Pecel Bu Ratna",
        owner_name="Ratna Dewi",
        nib="3505030000777",
        address="Jl. Melati 3",
        employees=2,
    )


def edit_url(business) -> str:
    return reverse("registry:business_edit", args=[business.pk])


def test_the_edit_form_carries_the_version_it_showed(client_for, business):
    client = client_for("staf")
    page = client.get(edit_url(business))
    assert version_on_page(page) == page.context["form"].initial["version"] == 1

    client.post(edit_url(business), form_on_page(page, employees="4"))

    assert version_on_page(client.get(edit_url(business))) == 2


def test_the_new_business_form_has_no_version(client_for):
    page = client_for("staf").get(reverse("registry:business_create"))

    assert "version" not in page.context["form"].fields
    assert 'name="version"' not in text_of(page)


def test_the_second_of_two_people_saving_a_business_is_stopped_and_shown_the_first_ones_change(
    client_for, business, staf
):
    siti, admin = client_for("staf"), client_for("admin")
    page_siti = siti.get(edit_url(business))
    page_admin = admin.get(edit_url(business))

    first = siti.post(
        edit_url(business), form_on_page(page_siti, name="Sambal Pecel Bu Ratna Asli", employees="5")
    )
    second = admin.post(edit_url(business), form_on_page(page_admin, address="Jl. Mawar 7", employees="9"))

    assert first.status_code == 302
    assert second.status_code == 200
    html = text_of(second)
    by_siti = business.history.get(version=2)
    assert STALE.format(who="Siti", when=tanggal_jam(by_siti.history_date)) in html
    assert "Nama usaha: Sambal Pecel Bu Ratna → <strong>Sambal Pecel Bu Ratna Asli</strong>" in html
    assert "Jumlah tenaga kerja: 2 → <strong>5</strong>" in html
    assert "Data usaha diubah" in html  # the reason Siti's save was recorded with
    assert f'href="{business.get_absolute_url()}#riwayat"' in html
    # Nothing of the admin's was saved; the version moved once, for Siti.
    business.refresh_from_db()
    assert (business.name, business.address, business.employees) == (
        "Sambal Pecel Bu Ratna Asli",
        "Jl. Melati 3",
        5,
    )
    assert business.version == 2
    assert business.history.count() == 2
    # The form still holds everything the admin typed, and now the version the admin has just seen.
    form = second.context["form"]
    assert (form["address"].value(), form["employees"].value(), form["name"].value()) == (
        "Jl. Mawar 7",
        "9",
        "Sambal Pecel Bu Ratna",
    )
    assert 'value="Jl. Mawar 7"' in html
    assert version_on_page(second) == 2


def test_after_seeing_the_other_change_the_person_saves_again_and_it_goes_through(
    client_for, business, users
):
    siti, admin = client_for("staf"), client_for("admin")
    page_admin = admin.get(edit_url(business))
    siti.post(edit_url(business), form_on_page(siti.get(edit_url(business)), employees="5"))
    refused = admin.post(edit_url(business), form_on_page(page_admin, address="Jl. Mawar 7"))
    assert refused.status_code == 200

    again = admin.post(edit_url(business), form_on_page(refused))

    assert again.status_code == 302
    business.refresh_from_db()
    # The admin's form still held the employees it was opened with: saving again deliberately keeps it.
    assert (business.address, business.employees, business.version) == ("Jl. Mawar 7", 2, 3)
    assert business.history.get(version=3).history_user == users["admin"]


def test_an_import_that_updates_the_business_after_the_page_was_opened_stops_the_web_save(
    client_for, business, staf, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for("staf")
    page = client.get(edit_url(business))
    path = tmp_path / "srengat.csv"
    path.write_text(
        "Nama Usaha,NIB,Kecamatan,Desa/Kelurahan,Jumlah Tenaga Kerja\n"
        f"{business.name},{business.nib},Srengat,Karanggayam,12\n",
        encoding="utf-8",
    )
    registry_import = services.registry_import_from_path(path=path, user=staf)
    services.registry_import_preview(registry_import=registry_import)
    assert services.registry_import_confirm(registry_import=registry_import, user=admin_user)
    services.registry_import_apply(registry_import=registry_import)
    business.refresh_from_db()
    assert (business.employees, business.version) == (12, 2)

    response = client.post(edit_url(business), form_on_page(page, address="Jl. Mawar 7"))

    assert response.status_code == 200
    html = text_of(response)
    imported = business.history.get(version=2)
    assert imported.history_change_reason == registry_import.change_reason
    assert STALE.format(who="Admin", when=tanggal_jam(imported.history_date)) in html
    assert "Jumlah tenaga kerja: 2 → <strong>12</strong>" in html
    assert registry_import.change_reason in html
    business.refresh_from_db()
    assert (business.address, business.employees, business.version) == ("Jl. Melati 3", 12, 2)


def test_of_two_updates_from_the_same_version_exactly_one_is_saved(business, staf, admin_user):
    # Two people's saves, one after the other, each from the version both of them loaded.
    services.business_update(business=business, user=staf, fields={"employees": 5}, expected_version=1)
    with pytest.raises(services.StaleEdit) as refused:
        services.business_update(
            business=business, user=admin_user, fields={"employees": 9}, expected_version=1
        )

    assert (refused.value.loaded_version, refused.value.current_version) == (1, 2)
    assert str(refused.value).startswith("Usaha ini sudah diubah oleh Siti pada ")
    business.refresh_from_db()
    assert (business.employees, business.version) == (5, 2)
    assert list(business.history.values_list("version", flat=True).order_by("history_id")) == [1, 2]


@pytest.mark.parametrize("version", [None, "", "x", "0"])
def test_a_save_without_a_readable_version_is_refused(client_for, business, version):
    """A post that cannot be compared (an old page, a script) saves nothing and says what to do."""
    page = client_for("staf").get(edit_url(business))
    data = form_on_page(page, employees="7")
    if version is None:
        del data["version"]
    else:
        data["version"] = version

    response = client_for("staf").post(edit_url(business), data)

    assert response.status_code == 200
    assert "Versi data di halaman ini tidak terbaca. Muat ulang halaman, lalu ubah lagi." in text_of(response)
    business.refresh_from_db()
    assert business.version == 1
    assert business.employees != 7


def test_every_save_raises_the_version_and_records_it_in_the_history(business, staf):
    business.phone = "081234567890"
    business.save()
    business.employees = 4
    business.save(update_fields=["employees"])
    services.business_update(business=business, user=staf, fields={"has_halal": True})

    business.refresh_from_db()
    assert business.version == 4
    assert list(business.history.values_list("version", flat=True).order_by("history_id")) == [1, 2, 3, 4]


def test_an_admin_save_raises_the_version(client_for, business):
    client = client_for("admin")
    url = reverse("admin:registry_business_change", args=[business.pk])
    page = client.get(url)
    response = client.post(url, form_data(page.context["adminform"].form, employees="6"))

    assert response.status_code == 302
    business.refresh_from_db()
    assert (business.employees, business.version) == (6, 2)


def test_the_business_timeline_does_not_list_the_version(business, staf):
    services.business_update(business=business, user=staf, fields={"employees": 5}, expected_version=1)

    changed = selectors.business_timeline(business)[0]

    assert [change.label for change in changed.changes] == ["jumlah tenaga kerja"]


def test_the_changes_shown_mask_the_nik_for_those_who_may_not_see_it(business, staf):
    services.business_update(business=business, user=staf, fields={"owner_nik": "3505034105900001"})

    masked = selectors.business_changes_since(business, 1, show_nik=False)
    whole = selectors.business_changes_since(business, 1, show_nik=True)

    assert [(c.label, c.old, c.new) for c in masked[0].changes] == [("NIK pemilik", "—", "3505********0001")]
    assert whole[0].changes[0].new == "3505034105900001"


# --- The race itself, from two threads: PostgreSQL only ------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_of_two_concurrent_saves_from_the_same_version_one_waits_for_the_other_and_is_refused(
    monkeypatch, staf, admin_user
):
    business = BusinessFactory(employees=2)
    save = services.save_with_history

    def slow_save(instance, **kwargs):
        # Between the version check and the write: without the row lock, the other save would read
        # version 1 here too and both would be saved, the second undoing the first.
        time.sleep(0.5)
        return save(instance, **kwargs)

    monkeypatch.setattr(services, "save_with_history", slow_save)
    start = threading.Barrier(2)
    outcomes = {}

    def update(user, employees):
        try:
            start.wait()
            services.business_update(
                business=business, user=user, fields={"employees": employees}, expected_version=1
            )
            outcomes[employees] = "saved"
        except services.StaleEdit:
            outcomes[employees] = "stale"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=update, args=entry) for entry in ((staf, 5), (admin_user, 9))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["saved", "stale"]
    saved = next(employees for employees, outcome in outcomes.items() if outcome == "saved")
    business.refresh_from_db()
    assert (business.employees, business.version) == (saved, 2)
