"""The .xlsx template offered for download, with its Petunjuk sheet."""

import datetime
import io
from collections import defaultdict

import xlsxwriter

from ..kbli import SECTOR_KBLI_PREFIXES
from ..models import Desa, Sector
from ..spreadsheets import neutralise
from .columns import COLUMNS, MONEY_FIELDS


def template_workbook() -> bytes:
    """The .xlsx offered for download: the canonical headers, one example row and a 'Petunjuk' sheet."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    money = workbook.add_format({"num_format": '"Rp "#,##0'})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet("Data UMKM")
    for position, column in enumerate(COLUMNS):
        sheet.write_string(0, position, column.header, bold)
        example = column.example
        if column.field in ("owner_nik", "nib", "phone", "kbli_code"):
            # Text columns, so Excel keeps leading zeros and all 16 digits of a NIK.
            sheet.set_column(position, position, 20, text)
            sheet.write_string(1, position, str(example), text)
        elif column.field in MONEY_FIELDS:
            sheet.set_column(position, position, 20, money)
            sheet.write_number(1, position, example, money)
        elif isinstance(example, datetime.date):
            sheet.set_column(position, position, 16, date)
            sheet.write_datetime(1, position, datetime.datetime.combine(example, datetime.time()), date)
        elif isinstance(example, int):
            sheet.set_column(position, position, 14)
            sheet.write_number(1, position, example)
        else:
            sheet.set_column(position, position, max(14, len(column.header) + 2))
            sheet.write_string(1, position, str(example))
    sheet.freeze_panes(1, 0)

    guide = workbook.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 26)
    guide.set_column(1, 1, 80)
    guide.set_column(2, 3, 22)
    line = 0
    for heading, body in (
        ("Cara mengisi", "Satu baris satu usaha, mulai baris 2 lembar “Data UMKM”. Judul kolom tetap."),
        ("Usaha yang sudah ada", "Dicocokkan lewat kolom ID (unduhan registri), lalu NIB, NIK, nama usaha "
         "+ desa. Sel kosong tidak menghapus data yang sudah ada di registri."),
        ("Pratinjau", "Sebelum disimpan, aplikasi menampilkan usaha baru, perubahan dan baris bergalat."),
    ):  # fmt: skip
        guide.write_string(line, 0, heading, bold)
        guide.write_string(line, 1, body)
        line += 1
    line += 1
    guide.write_string(line, 0, "Kolom", bold)
    guide.write_string(line, 1, "Isi yang diterima", bold)
    line += 1
    for column in COLUMNS:
        guide.write_string(line, 0, column.header)
        guide.write_string(line, 1, column.accepted)
        line += 1
    line += 1
    # Names of sectors, kecamatan and desa come from the database (admin may edit them): neutralised as in
    # every export, so none is ever read as a formula.
    guide.write_string(line, 0, "Sektor", bold)
    guide.write_string(line, 1, "Awalan kode KBLI yang dibaca sebagai sektor ini", bold)
    line += 1
    for sector in Sector.objects.all():
        guide.write_string(line, 0, neutralise(sector.name))
        guide.write_string(line, 1, ", ".join(SECTOR_KBLI_PREFIXES.get(sector.slug, ())))
        line += 1
    line += 1
    guide.write_string(line, 0, "Kecamatan", bold)
    guide.write_string(line, 1, "Desa/Kelurahan", bold)
    line += 1
    desa_by_kecamatan = defaultdict(list)
    for desa in Desa.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        desa_by_kecamatan[desa.kecamatan.name].append(desa.name)
    for kecamatan, names in desa_by_kecamatan.items():
        guide.write_string(line, 0, neutralise(kecamatan))
        guide.write_string(line, 1, neutralise(", ".join(names)))
        line += 1
    workbook.close()
    return output.getvalue()
