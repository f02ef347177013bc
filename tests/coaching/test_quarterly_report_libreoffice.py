"""LibreOffice opens the quarterly workbook: it prints every sheet to PDF, and reads the Monev sheet
with the figures of the realisation page."""

import csv
import shutil
import subprocess

import pytest

from coaching import reports, selectors
from coaching.models import SubActivity
from tests.coaching.test_quarterly_report import build_report_data
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_data(users):
    """The quarterly report's world of tests/coaching/test_quarterly_report.py."""
    return build_report_data(build_world(users), users["staf"], users["pendamping"])


# --- LibreOffice -----------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_opens_the_workbook_and_prints_it_to_pdf(report_data, soffice, tmp_path):
    workbook = tmp_path / "laporan-triwulan-2024-II.xlsx"
    workbook.write_bytes(reports.quarterly_workbook(report_data["programme"], 2, show_nik=False))
    # A profile of its own, so parallel runs (and a desktop LibreOffice) do not lock each other out.
    profile = (tmp_path / "profil-libreoffice").as_uri()
    result = subprocess.run(
        [str(soffice), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(workbook)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    pdf = tmp_path / "laporan-triwulan-2024-II.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.stat().st_size > 0, result.stdout + result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
        assert pages >= 7  # every sheet printed, none dropped as unreadable


@pytest.mark.libreoffice
def test_libreoffice_reads_the_monev_sheet_with_the_figures_of_the_realisation(
    report_data, soffice, tmp_path
):
    programme = report_data["programme"]
    sub_activity = SubActivity.objects.create(
        programme=programme, code="2.17.08.2.01.0002", name="Pengembangan Usaha Mikro",
        output_indicator="Jumlah Usaha Mikro yang Terfasilitasi", output_unit="usaha",
        output_target=170, output_realised=51,
    )  # fmt: skip
    programme.budget_lines.filter(pk=report_data["speakers"].pk).update(
        sub_activity=sub_activity, account_code="5.1.02.02.01.0003"
    )
    workbook = tmp_path / "laporan.xlsx"
    workbook.write_bytes(reports.quarterly_workbook(programme, 2, show_nik=False))
    profile = (tmp_path / "profil-libreoffice").as_uri()
    # Every sheet to a CSV of its own (the 12th filter token, -1), UTF-8 (76), comma-separated (44).
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    result = subprocess.run(
        [str(soffice), f"-env:UserInstallation={profile}", "--headless", "--convert-to", csv_filter,
         "--outdir", str(tmp_path), str(workbook)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    monev = tmp_path / "laporan-Monev.csv"
    assert result.returncode == 0 and monev.exists(), result.stdout + result.stderr
    rows = list(csv.reader(monev.read_text(encoding="utf-8").splitlines()))
    header = next(index for index, row in enumerate(rows) if row[:2] == ["No.", "Kode sub kegiatan"])
    groups = selectors.realisation(programme, 2).sub_activities
    read = [(row[1], row[2], row[3], row[4]) for row in rows[header + 1 : header + 1 + len(groups)]]
    # The values LibreOffice read, not as formatted (the 9th token, false): whole rupiah.
    assert read == [
        (group.code, group.name, str(group.allocation), str(group.spent_to_date)) for group in groups
    ]
    assert read[0][:2] == ("2.17.08.2.01.0002", "Pengembangan Usaha Mikro")
