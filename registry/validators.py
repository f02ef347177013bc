"""Validators for Indonesian identifiers, with messages in Indonesian."""

import re

from django.core.exceptions import ValidationError

NIK_RE = re.compile(r"^\d{16}$")
NIB_RE = re.compile(r"^\d{13}$")
KBLI_RE = re.compile(r"^\d{5}$")
# Mobile: 08… or +628…, national significant number 8[1-35-9] + 7..10 digits (libphonenumber ID).
MOBILE_RE = re.compile(r"^(?:0|\+62)8[1-35-9]\d{7,10}$")
# Landline: area code (2–4 digits, not starting with 8) + 5–8 digit subscriber number.
LANDLINE_RE = re.compile(r"^(?:0|\+62)[2-79]\d{6,10}$")
PHONE_SEPARATORS_RE = re.compile(r"[\s\-.()]")


def validate_nik(value: str) -> None:
    if not NIK_RE.match(value or ""):
        raise ValidationError("NIK harus 16 digit angka.", code="invalid_nik")
    # Digits 7–8 are the birth day, plus 40 for women (Dukcapil format).
    day = int(value[6:8])
    month = int(value[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        raise ValidationError("NIK tidak sah: digit 7–12 harus tanggal lahir (DDMMYY).", code="invalid_nik")


def validate_nib(value: str) -> None:
    if not NIB_RE.match(value or ""):
        raise ValidationError("NIB harus 13 digit angka.", code="invalid_nib")


def validate_kbli(value: str) -> None:
    if not KBLI_RE.match(value or ""):
        raise ValidationError("Kode KBLI harus 5 digit angka.", code="invalid_kbli")


def normalize_phone(value: str) -> str:
    return PHONE_SEPARATORS_RE.sub("", value or "")


def validate_phone(value: str) -> None:
    if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise ValidationError(
            "Nomor telepon tidak sah. Tulis 08…, +628… atau nomor rumah/kantor dengan kode "
            "area, misalnya 0342 801234.",
            code="invalid_phone",
        )
