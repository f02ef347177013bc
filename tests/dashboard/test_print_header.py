"""The header a printed page carries (base.html, umkm_blitar/templatetags/printing.py): the office, the
page, the programme, the quarter and the day it was printed; shown on paper only (static/css/print.css)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import selectors
from coaching.periods import QUARTER_NAMES
from registry.formatting import tanggal
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def print_header(response) -> str:
    match = re.search(r'<header class="print-header">(.*?)</header>', response.content.decode(), re.S)
    assert match, "no printed header"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_realisation_page_names_the_quarter_asked_for(new_world, client_for):
    programme = new_world().programme
    url = reverse("coaching:realisation", args=[programme.pk])
    header = print_header(client_for("pimpinan").get(url, {"triwulan": 2}))
    assert header == (
        "Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Blitar Realisasi keuangan dan fisik "
        f"Program: {programme.name} · Triwulan II 2024 · dicetak {tanggal(timezone.localdate())}"
    )


def test_a_quarter_that_is_not_one_to_four_names_the_programme_s_current_quarter(new_world, client_for):
    programme = new_world().programme
    header = print_header(client_for("staf").get(f"/?program={programme.pk}&triwulan=7"))
    assert "Beranda: dasbor program dan registri" in header
    assert (
        f"Program: {programme.name} · Triwulan {'IV' if timezone.localdate().year > 2024 else ''}" in header
    )


def test_the_registry_dashboard_names_the_programme_running_today(new_world, client_for):
    new_world()
    today = timezone.localdate()
    running = ProgrammeFactory(year=today.year, starts_on=today.replace(month=1, day=1),
                               ends_on=today.replace(month=12, day=31), name="Program tahun ini")  # fmt: skip
    header = print_header(client_for("pendamping").get(reverse("registry:dashboard")))
    quarter = selectors.default_quarter(running)
    assert f"Program: Program tahun ini · {QUARTER_NAMES[quarter]} {today.year} · dicetak" in header


def test_a_page_without_a_programme_prints_the_date_alone(client_for):
    header = print_header(client_for("staf").get(reverse("registry:business_list")))
    assert header.endswith(f"UMKM Blitar dicetak {tanggal(timezone.localdate())}")
    assert "Program:" not in header


def test_nobody_logged_in_gets_no_printed_header(client):
    assert 'class="print-header"' not in client.get(reverse("login")).content.decode()
