"""Open data for the Satu Data portal: the registry's aggregates, with no personal data, as one .zip.

The .zip holds `data.csv` and `metadata.csv`. CSV, because the portals of Satu Data Indonesia (CKAN)
load a CSV resource into their datastore and API, where an .xlsx stays a file to download; the
headers are Indonesian snake_case (`kode_kecamatan_kemendagri`, `jumlah_umkm`), as the provincial
portals publish them, because they become the field names of that API. The metadata is a second CSV
(attribute, value; then one row per column with its definition) that opens in any spreadsheet and from
which the portal's metadata form is filled; the .zip keeps the two together on the way to the portal.
The data streams: one GROUP BY read through a cursor, written into the .zip as it is read.
"""

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone

from .exports import csv_lines
from .formatting import tanggal
from .selectors import open_data_counts
from .sizes import SIZE_CLASS_LABELS

PRODUCER = "Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Blitar"
TITLE = "Jumlah UMKM Terdaftar menurut Kecamatan, Sektor, Kelas Usaha, dan Tahun Masuk Registri"
LICENCE = "Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)"
UNKNOWN_CLASS = "Belum diketahui"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    definition: str


COLUMNS = [
    Column(
        "kode_kecamatan_kemendagri",
        "kecamatan__code",
        "Kode wilayah kecamatan menurut Kementerian Dalam Negeri (35.05.xx).",
    ),
    Column(
        "kode_kecamatan_bps",
        "kecamatan__bps_code",
        "Kode wilayah kecamatan menurut Badan Pusat Statistik (3505xxx).",
    ),
    Column("nama_kecamatan", "kecamatan__name", "Nama kecamatan di Kabupaten Blitar."),
    Column("sektor", "sector__name", "Sektor usaha menurut pengelompokan Dinas."),
    Column(
        "kelas_usaha",
        "size_class",
        "Kelas usaha menurut PP Nomor 7 Tahun 2021 Pasal 35: hasil penjualan tahunan bila diketahui, "
        f"selain itu modal usaha; '{UNKNOWN_CLASS}' bila keduanya belum tercatat.",
    ),
    Column("tahun_masuk_registri", "year", "Tahun usaha masuk registri UMKM Dinas."),
    Column("jumlah_umkm", "total", "Jumlah usaha di registri (semua status: aktif, tidak aktif, tutup)."),
    Column("jumlah_umkm_aktif", "active", "Jumlah usaha berstatus aktif di antaranya."),
]


def data_rows(records: Iterable[dict], period: dict) -> Iterator[list]:
    """The header, then one row per combination; `period` learns the years and the total on the way."""
    yield [column.header for column in COLUMNS]
    for record in records:
        record["size_class"] = SIZE_CLASS_LABELS.get(record["size_class"], UNKNOWN_CLASS)
        year = record["year"]
        period["first"] = min(period.get("first", year), year)
        period["last"] = max(period.get("last", year), year)
        period["total"] = period.get("total", 0) + record["total"]
        yield [record[column.field] for column in COLUMNS]


def metadata_rows(period: dict) -> Iterator[list]:
    """Title, period, producer, licence and notes, then the definition of every column of data.csv."""
    today = timezone.localdate()
    years = f"{period['first']}–{period['last']}" if period.get("total") else "belum ada data"
    yield ["atribut", "nilai"]
    yield ["judul", TITLE]
    yield ["produsen_data", PRODUCER]
    yield ["periode", f"Tahun masuk registri {years}; keadaan registri per {tanggal(today)}"]
    yield ["tanggal_dibuat", today.isoformat()]
    yield ["cakupan_wilayah", "Kabupaten Blitar, Provinsi Jawa Timur (22 kecamatan)"]
    yield ["tingkat_penyajian", "Kecamatan"]
    yield ["satuan", "Unit usaha"]
    yield ["jumlah_seluruh_umkm", period.get("total", 0)]
    yield ["sumber", "Registri UMKM Dinas Koperasi dan UKM Kabupaten Blitar"]
    yield ["lisensi", LICENCE]
    yield [
        "catatan",
        "Data agregat tanpa data pribadi (UU 27/2022): tidak memuat nama usaha atau pemilik, NIK, "
        "nomor HP, NIB, maupun alamat. Kombinasi tanpa usaha tidak ditulis (jumlahnya 0).",
    ]
    yield []
    yield ["kolom", "definisi"]
    for column in COLUMNS:
        yield [column.header, column.definition]


class _Chunks:
    """A write-only file whose bytes are taken out as they come, for a .zip written while it is sent."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the bytes wait in `parts` until taken."""

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def open_data_zip() -> Iterator[bytes]:
    """The .zip, in chunks: data.csv as the aggregate is read, then metadata.csv."""
    sink = _Chunks()
    period: dict = {}
    files = [
        ("data.csv", lambda: data_rows(open_data_counts().iterator(chunk_size=2000), period)),
        ("metadata.csv", lambda: metadata_rows(period)),
    ]
    # Without seek(), zipfile writes each member's sizes after it (a data descriptor), so it streams.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files:
            with archive.open(name, "w") as member:
                for text in csv_lines(rows()):
                    member.write(text.encode("utf-8"))
                    yield sink.take()
    yield sink.take()


def filename() -> str:
    return f"data-terbuka-umkm-kabupaten-blitar-{timezone.localdate().isoformat()}.zip"
