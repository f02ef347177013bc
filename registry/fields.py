"""Form fields that accept what Indonesian clerks type."""

import re

from django import forms
from django.core.exceptions import ValidationError

from .validators import normalize_phone, validate_phone

RUPIAH_NOISE_RE = re.compile(r"(?i)rp\.?|\s")


class RupiahField(forms.IntegerField):
    """Whole rupiah; accepts '1500000', '1.500.000' and 'Rp 1.500.000'."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": "Tulis jumlah rupiah bulat, misalnya 1.500.000.",
        "negative": "Jumlah rupiah tidak boleh negatif.",
    }

    def to_python(self, value):
        if isinstance(value, str):
            text = RUPIAH_NOISE_RE.sub("", value)
            if text.startswith("-"):
                raise ValidationError(self.error_messages["negative"], code="negative")
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                text = text.replace(".", "")
            elif text and not text.isdigit():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = text
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value


class PhoneField(forms.CharField):
    """A phone number with spaces, dashes, dots and brackets removed before it is checked."""

    default_validators = [validate_phone]

    def to_python(self, value):
        return normalize_phone(super().to_python(value))


# A 64-bit id has at most 19 digits; a longer string is no id (and int() refuses past 4300 digits).
MAX_ID_DIGITS = 18


def id_or_none(value) -> int | None:
    """An object's id as written in a query string or an unvalidated form, or None when it is none.

    str.isdigit() alone lets through "²" and other digits int() refuses, and any length.
    """
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS else None
