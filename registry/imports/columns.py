"""The columns of the office's registry sheet: their headers and synonyms, how each is read and shown."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..formatting import rupiah, tanggal
from ..models import Business
from .cells import (
    is_empty,
    read_count,
    read_date,
    read_flag,
    read_gender,
    read_id,
    read_kbli,
    read_money,
    read_nib,
    read_nik,
    read_phone,
    read_status,
    read_text,
    read_year,
    squash,
)


@dataclass(frozen=True)
class Column:
    field: str  # Business field, or kecamatan/desa/sector resolved against the reference data
    header: str  # the header in the template
    read: Callable
    synonyms: tuple[str, ...] = ()
    example: object = ""
    accepted: str = ""  # what the Petunjuk sheet says the column takes


YES_NO = "Ya/Tidak (juga Y/T, Ada/Belum, 1/0, atau nomor izinnya)."
COLUMNS = [
    Column("name", "Nama Usaha", read_text,
           ("nama umkm", "nama ukm", "nama ikm", "nama usaha umkm", "nama perusahaan", "nama toko",
            "nama unit usaha", "usaha", "umkm"),
           "Keripik Tempe Bu Sri", "Wajib. Teks, paling panjang 200 huruf."),
    Column("owner_name", "Nama Pemilik", read_text,
           ("pemilik", "nama pelaku usaha", "pelaku usaha", "nama pengusaha", "pengusaha",
            "nama lengkap pemilik", "nama pemilik usaha"),
           "Sri Wahyuni", "Wajib untuk usaha baru. Teks, paling panjang 150 huruf."),
    Column("owner_nik", "NIK Pemilik", read_nik,
           ("nik", "no nik", "nomor nik", "no ktp", "nomor ktp", "ktp", "nomor induk kependudukan"),
           "3505034105900001", "16 digit. Format kolom sebagai Teks agar Excel tidak memotong digitnya."),
    Column("owner_gender", "Jenis Kelamin", read_gender,
           ("jk", "l p", "gender", "kelamin", "jenis kelamin pemilik"),
           "P", "L atau P (Laki-laki/Perempuan)."),
    Column("phone", "No. HP", read_phone,
           ("nomor hp", "hp", "no hp wa", "no wa", "nomor wa", "whatsapp", "no telp", "no telepon",
            "nomor telepon", "telepon", "telp", "kontak", "no hp telp", "nomor hp telepon"),
           "0812 3456 7890", "08…, +62 8… atau nomor kantor dengan kode area (0342 801234)."),
    Column("nib", "NIB", read_nib, ("nomor induk berusaha", "no nib", "nomor nib"),
           "1234567890123", "13 digit. Format kolom sebagai Teks."),
    Column("address", "Alamat", read_text, ("alamat usaha", "alamat lengkap", "alamat rumah", "jalan"),
           "RT 02 RW 01", "Teks, paling panjang 255 huruf."),
    Column("kecamatan", "Kecamatan", read_text, ("kec", "nama kecamatan"),
           "Srengat", "Wajib. Nama kecamatan (lihat daftar di bawah); “Kec. Srengat” juga diterima."),
    Column("desa", "Desa/Kelurahan", read_text,
           ("desa", "kelurahan", "desa kelurahan", "desa kel", "ds kel", "kelurahan desa", "nama desa"),
           "Karanggayam", "Wajib. Nama desa/kelurahan di kecamatan itu (lihat daftar di bawah)."),
    Column("sector", "Sektor", read_text,
           ("bidang usaha", "jenis usaha", "sektor usaha", "kategori usaha", "bidang", "sektor umkm"),
           "Makanan", "Wajib untuk usaha baru. Nama sektor (lihat daftar) atau kode KBLI 5 digit."),
    Column("kbli_code", "Kode KBLI", read_kbli, ("kbli", "kbli 2020", "kode kbli 2020", "no kbli"),
           "10794", "5 digit KBLI 2020, boleh kosong."),
    Column("year_founded", "Tahun Berdiri", read_year,
           ("tahun mulai usaha", "mulai usaha", "tahun mulai", "berdiri sejak", "tahun usaha"),
           2015, "4 digit, misalnya 2015."),
    Column("registered_on", "Tanggal Masuk Registri", read_date,
           ("tanggal daftar", "tgl daftar", "tanggal pendataan", "tgl pendataan", "tanggal pendaftaran",
            "tgl input", "tanggal input", "tanggal terdaftar", "tgl masuk registri"),
           datetime.date(2024, 5, 2), "Tanggal: 02/05/2024, 2024-05-02 atau 2 Mei 2024. Kosong: hari ini."),
    Column("employees", "Jumlah Tenaga Kerja", read_count,
           ("tenaga kerja", "jumlah karyawan", "karyawan", "jml tk", "tk", "jumlah pekerja", "pekerja"),
           2, "Angka bulat."),
    Column("turnover", "Omzet per Tahun (Rp)", read_money,
           ("omzet", "omset", "omset per tahun", "omzet tahunan", "omset tahunan", "omzet th",
            "omzet setahun", "penjualan per tahun", "hasil penjualan per tahun"),
           120_000_000, "Rupiah: 120000000, Rp 120.000.000, 120 jt atau 1,2 M."),
    Column("capital", "Modal Usaha (Rp)", read_money,
           ("modal", "modal usaha tanpa tanah dan bangunan", "modal kerja", "modal usaha rp"),
           25_000_000, "Rupiah, tanpa tanah dan bangunan."),
    Column("has_pirt", "PIRT", read_flag, ("p irt", "izin pirt", "sppirt", "punya pirt"), "Ya", YES_NO),
    Column("has_halal", "Halal", read_flag, ("sertifikat halal", "bersertifikat halal"), "Tidak", YES_NO),
    Column("has_bpom", "BPOM", read_flag, ("izin bpom", "punya izin bpom"), "Tidak", YES_NO),
    Column("has_brand", "Merek (HKI)", read_flag, ("merek", "hki", "merek terdaftar", "merk", "merek hki"),
           "Tidak", YES_NO),
    Column("sells_online", "Jualan Online", read_flag,
           ("berjualan daring", "online", "daring", "pemasaran online", "jual online", "penjualan online",
            "jualan daring"),
           "Ya", YES_NO),
    Column("has_financing", "Pembiayaan Bank/KUR", read_flag,
           ("pembiayaan", "kur", "akses pembiayaan", "kredit", "punya pembiayaan bank kur"), "Tidak", YES_NO),
    Column("status", "Status", read_status, ("status usaha",), "Aktif", "Aktif, Tidak aktif atau Tutup."),
]  # fmt: skip
# The registry's own ID, which its export writes first: it names the business a row updates. Not in
# the template, which is for businesses still to be registered.
ID_COLUMN = Column("id", "ID", read_id, ("id usaha", "no id", "id registri"))
COLUMN_BY_FIELD = {column.field: column for column in (ID_COLUMN, *COLUMNS)}
REQUIRED_COLUMNS = ("name", "kecamatan", "desa")
# Columns the export computes (PP 7/2021 decides the class from turnover and capital): read back, they
# would be overwritten anyway, so they are passed over without a word.
COMPUTED_HEADERS = ("Kelas usaha", "Kelas usaha (PP 7/2021)")


def header_key(text) -> str:
    """'Omzet per Tahun (Rp)', 'OMSET/TAHUN', 'No. HP' → keys that ignore case, spaces and signs."""
    text = re.sub(r"\([^)]*\)", " ", str(text or ""))
    key = squash(text)
    return key[:-2] if key.endswith("rp") and len(key) > 4 else key


HEADER_FIELDS = {
    header_key(name): column.field
    for column in COLUMN_BY_FIELD.values()
    for name in (column.header, *column.synonyms)
}
COMPUTED_KEYS = {header_key(name) for name in COMPUTED_HEADERS}


@dataclass
class Sheet:
    """Where the data sits in the file, and which column holds which field."""

    name: str
    header_row: int
    headers: dict[str, str]  # field → the header as written in the file
    positions: dict[str, int]  # field → column index
    ignored: list[str]  # headers in the file that feed no field


def detect_header(row_number: int, cells, sheet_name: str) -> Sheet | None:
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        if is_empty(cell):
            continue
        name = read_text(cell)
        key = header_key(name)
        found = HEADER_FIELDS.get(key)
        if found and found not in positions:
            positions[found] = index
            headers[found] = name
        elif key not in COMPUTED_KEYS:
            ignored.append(name)
    if "name" in positions and len(positions) >= 3:
        return Sheet(sheet_name, row_number, headers, positions, ignored)
    return None


FIELD_LABELS = {column.field: column.header for column in COLUMN_BY_FIELD.values()}
MONEY_FIELDS = ("turnover", "capital")


def display_value(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name in MONEY_FIELDS:
        return rupiah(value)
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, datetime.date):
        return tanggal(value)
    if name == "owner_gender":
        return Business.Gender(value).label
    if name == "status":
        return Business.Status(value).label
    return str(value)
