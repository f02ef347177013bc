"""Form fields that accept what Indonesian clerks type."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .validators import normalize_phone, validate_phone

RUPIAH_NOISE_RE = re.compile(r"(?i)rp\.?|\s")


class AsciiDigitsMixin:
    """Numbers written with 0–9 only: int() and Decimal() would read '٣٠٠٠' and '１０００' as numbers."""

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class CountField(AsciiDigitsMixin, forms.IntegerField):
    """A whole number (a count, a year, a percentage) written with the digits 0–9."""


class AsciiDecimalField(AsciiDigitsMixin, forms.DecimalField):
    """A decimal number written with the digits 0–9."""


def ascii_number_formfield(model_field, **kwargs):
    """A ModelForm's field for a model field; integers and decimals take the digits 0–9 only.

    Set as `formfield_callback` on a ModelForm's Meta. Fields with choices keep their choice field.
    """
    if not model_field.choices:
        if isinstance(model_field, models.IntegerField):
            kwargs.setdefault("form_class", CountField)
        elif isinstance(model_field, models.DecimalField):
            kwargs.setdefault("form_class", AsciiDecimalField)
    return model_field.formfield(**kwargs)


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
            if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", text):
                text = text.replace(".", "")
            elif text and not (text.isascii() and text.isdigit()):
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
