"""Load Kabupaten Blitar's 22 kecamatan and 248 desa/kelurahan, the KBLI pick list and sectors.

The CSV files in registry/data are copied unchanged from the office's reference data
(sources in registry/data/SOURCES.md).
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

SECTORS = [
    ("makanan", "Makanan"),
    ("minuman", "Minuman"),
    ("kerajinan", "Kerajinan"),
    ("fesyen", "Fesyen"),
    ("jasa-foto", "Jasa Foto"),
    ("suvenir", "Suvenir"),
    ("perdagangan", "Perdagangan"),
    ("pertanian-olahan", "Pertanian & Olahan"),
    ("jasa-lainnya", "Jasa Lainnya"),
]


def read_csv(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(apps, schema_editor):
    Kecamatan = apps.get_model("registry", "Kecamatan")
    Desa = apps.get_model("registry", "Desa")
    Sector = apps.get_model("registry", "Sector")
    KbliCode = apps.get_model("registry", "KbliCode")

    bps = {row["kode"]: row["kode_bps"] for row in read_csv("blitar_kecamatan_kode_bps.csv")}
    rows = read_csv("blitar_wilayah.csv")
    kecamatan = {
        row["kode"]: Kecamatan.objects.create(
            code=row["kode"], name=row["nama"], bps_code=bps.get(row["kode"], "")
        )
        for row in rows
        if row["jenis"] == "kecamatan"
    }
    Desa.objects.bulk_create(
        Desa(
            code=row["kode"],
            name=row["nama"],
            kind=row["jenis"],
            kecamatan=kecamatan[row["kode_kecamatan"]],
        )
        for row in rows
        if row["jenis"] in ("desa", "kelurahan")
    )
    Sector.objects.bulk_create(
        Sector(slug=slug, name=name, order=index) for index, (slug, name) in enumerate(SECTORS)
    )
    KbliCode.objects.bulk_create(
        KbliCode(code=row["kode"], title=row["judul"], category=row["kategori"])
        for row in read_csv("kbli_umkm.csv")
    )


def unload(apps, schema_editor):
    for model in ("KbliCode", "Sector", "Desa", "Kecamatan"):
        apps.get_model("registry", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
