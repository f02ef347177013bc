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
