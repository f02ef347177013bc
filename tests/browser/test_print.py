"""The head of the office prints the pages taken to meetings: A4, no card, chart, map or table row cut by a
page break, a header naming the office, page, programme, quarter and date, and page numbers.

Chromium does not say where its page breaks fall, so the test lays the page out as the printer does: in
print media, at the A4 page's content width, the body is made a column box one page high, in which the
browser breaks content between columns by the same rules (break-inside: avoid, repeated table headers) it
breaks it between pages. A box the browser had to cut shows as two fragments or reaches past the column;
the number of columns is checked against the pages of the PDF Chromium prints.
"""

from io import StringIO
from pathlib import Path

import pypdfium2
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching import selectors
from coaching.models import Enrolment, Programme
from coaching.periods import QUARTER_NAMES
from registry.formatting import tanggal
from registry.models import Kecamatan

from .conftest import SCREENSHOTS

MM = 96 / 25.4  # CSS pixels per millimetre
# A4 less the margins of static/css/print.css (@page: 14 mm top, 12 mm sides, 15 mm bottom).
CONTENT_WIDTH, CONTENT_HEIGHT = (210 - 2 * 12) * MM, (297 - 14 - 15) * MM
OFFICE = "Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Blitar"
BOXES = ".card, figure, .chart-box, .kecamatan-map, tbody tr, tfoot tr, .print-header"

# Every chart drawn at the size of its box on paper (static/js/charts.js redraws them for print).
CHARTS_FIT_THEIR_BOXES = """() => [...document.querySelectorAll("canvas[data-chart]")].every((canvas) => {
  const box = canvas.parentElement.getBoundingClientRect(), drawn = canvas.getBoundingClientRect();
  return Math.abs(box.width - drawn.width) < 2 && Math.abs(box.height - drawn.height) < 2;
})"""

# Lays the printed page out in columns of one page each; returns how many and every box that was cut.
PAGINATE = """([width, height, selector]) => {
  const body = document.body;
  const layout = {margin: "0", padding: "0", width: width + "px", height: height + "px",
                  columnWidth: width + "px", columnGap: "0px", columnFill: "auto"};
  Object.entries(layout).forEach(([key, value]) => { body.style[key] = value; });
  const origin = body.getBoundingClientRect();
  const column = (x) => Math.floor((x - origin.left) / width);
  let pages = 0;
  const boxes = [...document.querySelectorAll(selector)].filter((box) => box.getClientRects().length);
  const cut = [];
  for (const box of boxes) {
    const rects = [...box.getClientRects()].filter((rect) => rect.width > 0 && rect.height > 0);
    const first = rects[0], last = rects[rects.length - 1];
    pages = Math.max(pages, column(last.right - 1) + 1);
    const across = column(first.left + 1) !== column(last.right - 1);
    const outside = last.bottom - origin.top > height + 1 || across;
    if (rects.length > 1 || outside) {
      cut.push(`${box.tagName}.${box.className} "${box.innerText.slice(0, 50)}": ${rects.length} part(s)`);
    }
  }
  return {pages, boxes: boxes.length, cut};
}"""


@pytest.fixture
def demo():
    """The seeded demo (a small registry, the 2024 programme as the office described it)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("seed_demo", businesses=300, seed=7, stdout=StringIO())
    programme = Programme.objects.get(year=2024)
    return {
        "programme": programme,
        "kecamatan": Kecamatan.objects.get(name="Srengat"),
        "enrolment": programme.enrolments.filter(status=Enrolment.Status.NAIK_KELAS).order_by("pk").first(),
    }


def pdf_pages(content: bytes, name: str) -> list[str]:
    """The text of each page of a PDF; each page is also kept as a picture for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(content)
    texts = []
    for number, page in enumerate(document, 1):
        width, height = page.get_size()
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points (210 × 297 mm)
        texts.append(" ".join(page.get_textpage().get_text_range().split()))
        page.render(scale=1).to_pil().save(Path(SCREENSHOTS) / f"cetak-{name}-{number}.png")
        page.close()
    document.close()
    return texts


def test_the_head_s_pages_print_on_a4_whole_with_a_header_and_page_numbers(page, pimpinan, demo, log_in):
    programme, today = demo["programme"], timezone.localdate()
    current = selectors.programme_current()
    pages = {
        "beranda": (f"/?program={programme.pk}", programme, 4),
        "cakupan": (f"{reverse('coverage')}?program={programme.pk}", programme, 4),
        "dasbor-registri": (
            reverse("registry:dashboard"),
            current,
            selectors.default_quarter(current),
        ),  # a registry page names the programme running today
        "kecamatan": (
            f"{reverse('kecamatan_detail', args=[demo['kecamatan'].pk])}?program={programme.pk}",
            programme,
            4,
        ),
        "realisasi": (f"{reverse('coaching:realisation', args=[programme.pk])}?triwulan=3", programme, 3),
        "peserta": (demo["enrolment"].get_absolute_url(), programme, 4),
    }
    titles = {
        "beranda": "Beranda: dasbor program dan registri",
        "cakupan": "Cakupan sesi per kecamatan",
        "dasbor-registri": "Dasbor Registri UMKM",
        "kecamatan": "Kecamatan Srengat",
        "realisasi": "Realisasi keuangan dan fisik",
        "peserta": f"Peserta binaan: {demo['enrolment'].business.name}",
    }
    page.set_viewport_size({"width": round(CONTENT_WIDTH), "height": round(CONTENT_HEIGHT)})
    log_in(page, pimpinan)
    for name, (url, shown_programme, quarter) in pages.items():
        page.goto(url)
        header = page.locator(".print-header")
        expect(header).to_be_hidden()  # on screen the navigation says all this
        page.emulate_media(media="print")
        expect(header).to_be_visible()
        expect(header).to_contain_text(OFFICE)
        line = f"Program: {shown_programme.name} · {QUARTER_NAMES[quarter]} {shown_programme.year}"
        expect(header.locator(".print-context")).to_have_text(f"{line} · dicetak {tanggal(today)}")
        if name == "beranda":
            assert page.locator("canvas[data-chart]").count() == 4
            assert page.locator(".chart-box").first.bounding_box()["height"] == pytest.approx(190, abs=1)
        page.wait_for_function(CHARTS_FIT_THEIR_BOXES, timeout=5000)

        texts = pdf_pages(page.pdf(format="A4"), name)
        assert line in texts[0] and texts[0].count(f"dicetak {tanggal(today)}") == 1, name
        for number, text in enumerate(texts, 1):
            assert f"Halaman {number} dari {len(texts)}" in text, name
            # Every page after the first repeats the header's line in its top margin.
            assert number == 1 or text.startswith(f"{OFFICE} · {titles[name]} · {line}"), (name, number)
        laid_out = page.evaluate(PAGINATE, [CONTENT_WIDTH, CONTENT_HEIGHT, BOXES])
        assert laid_out["pages"] == len(texts), name  # the columns are the printer's pages
        assert laid_out["boxes"] >= 8, name
        assert laid_out["cut"] == [], name
        page.emulate_media(media="screen")
