from django import forms
from django.utils import timezone

from registry.validators import validate_nik

from .models import SubjectRequest

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SubjectRequestForm(forms.ModelForm):
    nik = forms.CharField(label="NIK pemohon", max_length=16, validators=[validate_nik])

    class Meta:
        model = SubjectRequest
        fields = ["nik", "kind", "received_at", "note"]
        widgets = {"received_at": DATETIME_INPUT, "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"received_at": "Kapan permintaan diterima; batas jawab 3×24 jam sesudahnya."}

    def clean_nik(self):
        nik = self.cleaned_data["nik"]
        if not nik.isascii():
            raise forms.ValidationError("NIK harus 16 digit angka.")
        return nik

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError("Waktu diterima tidak boleh di masa depan.")
        return received_at


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Jawaban / tindakan", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
