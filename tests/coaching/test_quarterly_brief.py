"""The quarterly brief (Ringkasan Triwulan): one A4 page, read back as PDF, against the realisation page
and the quarterly workbook of the seeded 2024 demo; who may download it; the command; the SVG charts."""

import io
import re
from io import StringIO

import openpyxl
import pypdfium2
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from coaching import brief, reports, selectors
from coaching.brief import charts
from coaching.models import Programme
from registry.formatting import percent, rupiah, thousands
from registry.models import Business
from tests.world import users_of_every_role

pytestmark = pytest.mark.django_db

HEADER = reports.HEADER_ROW + 1
A4_POINTS = (595, 842)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pdf_pages(content: bytes) -> list[tuple[tuple[int, int], str]]:
    """Each page's size in points and its text, whitespace made single spaces."""
    document = pypdfium2.PdfDocument(content)
    pages = []
    for page in document:
        width, height = page.get_size()
        pages.append(((round(width), round(height)), " ".join(page.get_textpage().get_text_range().split())))
    document.close()
    return pages


def page_text(html: bytes) -> str:
    """A page's visible text with tags dropped and whitespace made single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


def summary_rows(content: bytes) -> dict[str, list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Ringkasan"]
    return {
        row[0].value: [cell.value for cell in row[1:5]]
        for row in sheet.iter_rows(min_row=HEADER + 1)
        if isinstance(row[0].value, str)
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The seeded demo, and what pimpinan downloads and sees for its 2024 Triwulan IV; rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            call_command("seed_demo", businesses=300, seed=7, stdout=StringIO())
            users = users_of_every_role()
        programme = Programme.objects.get(year=2024)
        client = Client()
        client.force_login(users["pimpinan"])
        response = client.get(reverse("coaching:quarterly_brief", args=[programme.pk]), {"triwulan": "4"})
        realisation_page = client.get(reverse("coaching:realisation", args=[programme.pk]), {"triwulan": "4"})
        workbook = client.get(reverse("coaching:quarterly_report", args=[programme.pk]), {"triwulan": "4"})
        yield {
            "programme": programme,
            "users": users,
            "response": response,
            "pages": pdf_pages(response.content),
            "realisation_page": page_text(realisation_page.content),
            "workbook": summary_rows(workbook.content),
        }
        transaction.set_rollback(True)


def brief_text(demo) -> str:
    return demo["pages"][0][1]


def test_the_2024_q4_brief_is_exactly_one_a4_page(demo):
    response = demo["response"]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ringkasan-triwulan-2024-IV.pdf"'
    assert [size for size, _ in demo["pages"]] == [A4_POINTS]
    assert brief_text(demo).endswith("Halaman 1 dari 1")


def test_its_text_names_the_office_the_programme_and_the_quarter(demo):
    text = brief_text(demo)
    assert text.startswith(
        "DINAS KOPERASI DAN USAHA KECIL MENENGAH KABUPATEN BLITAR Ringkasan Triwulan IV 2024"
    )
    assert f"{demo['programme'].name} · 1 Oktober 2024 – 31 Desember 2024 · dicetak" in text


def test_its_money_equals_the_realisation_page_and_the_workbook_to_the_rupiah(demo):
    text, page, rows = brief_text(demo), demo["realisation_page"], demo["workbook"]
    realisation = selectors.realisation(demo["programme"], 4)
    total = realisation.total
    spent = rows["Realisasi keuangan: belanja"]
    plan = rows["Rencana belanja (rencana per triwulan mata anggaran)"]
    assert spent[:3] == [total.spent_quarter, total.spent_to_date, demo["programme"].budget_ceiling]
    assert plan[:2] == [total.plan_quarter, total.plan_to_date]
    assert rows["Sisa pagu pada 31 Desember 2024"][0] == realisation.ceiling_remaining
    # The same rupiah, written the one way the app writes money, on the page and on the paper.
    assert f"Belanja {rupiah(spent[0])} {rupiah(spent[1])}" in text
    assert f"Rencana {rupiah(plan[0])} {rupiah(plan[1])}" in text
    assert f"Pagu {rupiah(spent[2])} Sisa pagu {rupiah(rows['Sisa pagu pada 31 Desember 2024'][0])}" in text
    assert f"Keuangan (belanja / pagu) {rupiah(spent[1])} {rupiah(spent[2])}" in page
    assert f"Rp {thousands(total.spent_to_date)}" in text and total.spent_to_date > 1_000_000_000


def test_its_physical_figures_and_percentages_equal_the_realisation_page_and_the_workbook(demo):
    text, page, rows = brief_text(demo), demo["realisation_page"], demo["workbook"]
    realisation = selectors.realisation(demo["programme"], 4)
    physical, pace = realisation.physical, realisation.pace
    sessions = rows["Fisik: sesi pendampingan terlaksana"]
    reached = rows["Fisik: kecamatan terjangkau"]
    verified = rows["Fisik: UMKM naik kelas terverifikasi"]
    assert [sessions[1], reached[1], verified[1]] == [physical.sessions, physical.kecamatan_reached,
                                                      physical.verified]  # fmt: skip
    assert f"{verified[1]} dari target {verified[2]} {percent(physical.verified_percent)} dari target" in text
    assert f"{reached[1]} dari 22 {thousands(sessions[1])} sesi dari {thousands(sessions[2])} rencana" in text
    assert f"Fisik: naik kelas terverifikasi {physical.verified} {physical.target}" in page
    assert f"REALISASI FISIK {percent(physical.average_percent)}" in text  # a label in capitals
    assert percent(physical.average_percent) in page
    assert rows["Realisasi fisik (rata-rata tiga indikator fisik, masing-masing paling tinggi 100 %)"][3] == (
        pytest.approx(float(physical.average_percent) / 100)
    )
    assert (
        f"Serapan anggaran {percent(pace.spent_percent)} pada {percent(pace.elapsed_percent)} waktu berjalan"
        in text
    )
    assert spent_share(rows) == pytest.approx(float(pace.spent_percent) / 100)


def spent_share(rows) -> float:
    return rows["Realisasi keuangan: belanja"][3]


def test_drives_and_registry_equal_the_workbook(demo):
    text, rows = brief_text(demo), demo["workbook"]
    nib, halal, pirt = (
        rows[f"{name} terbit lewat kegiatan fasilitasi"] for name in ("NIB", "Sertifikat halal", "PIRT")
    )
    assert f"NIB {nib[0]} {nib[1]} Sertifikat halal {halal[0]} {halal[1]} PIRT {pirt[0]} {pirt[1]}" in text
    assert nib[1] > 0
    registry_total = rows["UMKM di registri pada 31 Desember 2024"][0]
    assert registry_total == Business.objects.filter(registered_on__lte="2024-12-31").count()
    assert f"Di registri 31 Desember 2024 {thousands(registry_total)}" in text
    assert (
        f"Baru dalam Triwulan IV {thousands(rows['UMKM baru masuk registri dalam Triwulan IV'][0])}" in text
    )


def test_three_sentences_are_written_from_the_figures(demo):
    figures = brief.brief_figures(demo["programme"], 4)
    budget, naik_kelas, coverage = figures.sentences
    pace = figures.realisation.pace
    spent, elapsed = percent(pace.spent_percent), percent(pace.elapsed_percent)
    assert budget == f"Serapan anggaran {spent} pada {elapsed} waktu berjalan — sejalan."
    worst = figures.coverage[0]
    assert coverage.endswith(
        f"paling kurang terlayani: {worst.kecamatan.name} ({worst.held} dari {worst.planned} sesi)."
    )
    assert naik_kelas.startswith(
        f"{figures.realisation.physical.verified} UMKM naik kelas terverifikasi dari target 170"
    )
    for sentence in figures.sentences:
        assert sentence in brief_text(demo)


def test_the_map_writes_the_sessions_of_every_kecamatan(demo):
    text = brief_text(demo)
    for row in selectors.coverage(demo["programme"], until=brief.brief_figures(demo["programme"], 4).ends_on):
        assert re.search(rf"\b{re.escape(row.kecamatan.name)} {row.held}\b", text), row.kecamatan.name


def test_no_nik_phone_or_owner_name_is_on_the_brief(demo):
    text = brief_text(demo)
    people = Business.objects.values_list("owner_name", "owner_nik", "phone", "name")
    assert len(people) > 100
    for owner_name, nik, phone, name in people:
        for value in (owner_name, nik, phone, name):
            assert not value or value not in text, value
    assert not re.search(r"\d{16}", text)


def test_the_query_count_is_fixed(demo, django_assert_max_num_queries):
    # realisation (5), coverage (1), naik kelas by month (1), certificates (1), registry twice (2)
    with django_assert_max_num_queries(10):
        brief.brief_figures(demo["programme"], 4)


# --- who may have it, and where it is offered ---------------------------------------------------


def client_of(demo, role) -> Client:
    client = Client()
    client.force_login(demo["users"][role])
    return client


def test_staf_and_admin_download_it_pendamping_may_not_anonymous_logs_in(demo):
    url = reverse("coaching:quarterly_brief", args=[demo["programme"].pk])
    for role in ("staf", "admin"):
        response = client_of(demo, role).get(url, {"triwulan": "2"})
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"].endswith('ringkasan-triwulan-2024-II.pdf"')
    assert client_of(demo, "pendamping").get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_quarter_that_is_not_one_to_four_gives_the_programme_s_default_quarter(demo):
    url = reverse("coaching:quarterly_brief", args=[demo["programme"].pk])
    response = client_of(demo, "pimpinan").get(url, {"triwulan": "9<script>"})
    assert response.status_code == 200
    assert "Ringkasan Triwulan IV 2024" in pdf_pages(response.content)[0][1]  # 2024 is over: its last


def test_unknown_programme_is_not_found(demo):
    assert (
        client_of(demo, "pimpinan").get(reverse("coaching:quarterly_brief", args=[99999])).status_code == 404
    )


def test_programme_and_realisation_pages_offer_the_brief(demo):
    programme = demo["programme"]
    url = reverse("coaching:quarterly_brief", args=[programme.pk])
    text = client_of(demo, "pimpinan").get(programme.get_absolute_url()).content.decode()
    assert f'formaction="{url}"' in text and "Unduh Ringkasan Triwulan (.pdf" in text
    assert (
        "Ringkasan Triwulan"
        not in client_of(demo, "pendamping").get(programme.get_absolute_url()).content.decode()
    )
    page = client_of(demo, "pimpinan").get(
        reverse("coaching:realisation", args=[programme.pk]), {"triwulan": 3}
    )
    assert f'href="{url}?triwulan=3"' in page.content.decode()


# --- the command -------------------------------------------------------------------------------


def test_command_writes_the_brief_the_download_gives(demo, tmp_path):
    output = tmp_path / "ringkasan.pdf"
    out = StringIO()
    call_command("export_brief", year=2024, quarter=4, output=str(output), stdout=out)
    assert pdf_pages(output.read_bytes()) == demo["pages"]
    assert f"ditulis ke {output}" in out.getvalue()


def test_command_refuses_a_year_without_a_programme_and_writes_nothing(demo, tmp_path):
    output = tmp_path / "ringkasan.pdf"
    with pytest.raises(CommandError, match="Tidak ada program di tahun 2019"):
        call_command("export_brief", year=2019, quarter=4, output=str(output), stdout=StringIO())
    assert not output.exists()


# --- the charts --------------------------------------------------------------------------------


def test_line_chart_leaves_months_to_come_empty_and_escapes_its_labels():
    svg = charts.line_chart(
        ["Jan", "<b>Feb</b>", "Mar"],
        [charts.Series("terverifikasi", [1, 4, None]), charts.Series("target", [2, 4, 6], dashed=True)],
        title="Uji & coba",
    )
    assert "<b>" not in svg and "&lt;b&gt;Feb&lt;/b&gt;" in svg and "Uji &amp; coba" in svg
    solid, dashed = re.findall(r'<polyline points="([^"]+)"[^>]*>', svg)[:2]
    assert len(solid.split()) == 2 and len(dashed.split()) == 3
    assert 'stroke-dasharray="4 3"' in svg


def test_bar_chart_hatches_the_plan_and_writes_each_amount():
    svg = charts.bar_chart(["TW I", "TW II"], [300_000_000, 80_000_000], [146_000_000, None], title="Belanja")
    assert svg.count('fill="url(#arsir-batang)"') == 3  # two plan bars and the legend's swatch
    assert svg.count('fill="#000" stroke="#000"') == 1  # spent: only the quarter that has been
    assert ">300 jt<" in svg and ">146 jt<" in svg and ">Rp 500 jt<" in svg  # the axis top: 5 × 10⁸


@pytest.mark.parametrize("value, top", [(0, 1), (1, 1), (3, 5), (173, 200), (1_147_359_000, 2_000_000_000),
                                        (220, 250)])  # fmt: skip
def test_axis_tops_are_round_numbers(value, top):
    assert charts.nice_maximum(value) == top
