from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import reference
from .fields import CountField, PhoneField, RupiahField, ascii_number_formfield
from .models import Business, Desa, KbliCode

NOTHING_CHOSEN = "\x00"  # a value no option has: the markup with nothing selected


class DesaSelect(forms.Select):
    """Desa grouped by kecamatan; each option names its kecamatan so a script can narrow them."""

    def __init__(self, *args, kecamatan_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kecamatan_of = kecamatan_of or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        if key in self.kecamatan_of:
            # Before `selected`, so that the remembered markup below gains it where Django puts it.
            option["attrs"] = {"data-kecamatan": self.kecamatan_of[key], **option["attrs"]}
        return option

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered once with nothing chosen (reference.remembered_markup), then the chosen option
        # marked: the markup Django's select gives, without building 248 options each request.
        # The choices as values (a filter's are an iterator object, whose repr changes every time).
        parts = (name, self.build_attrs(self.attrs, attrs), list(self.choices), self.kecamatan_of)
        markup = reference.remembered_markup(
            parts, lambda: self.render_options(name, NOTHING_CHOSEN, attrs, renderer)
        )
        for chosen in self.format_value(value):
            option = markup.find(f'<option value="{escape(chosen)}"')
            if option >= 0:
                close = markup.index(">", option)
                markup = f"{markup[:close]} selected{markup[close:]}"
        return mark_safe(markup)  # noqa: S308 — the renderer's markup, one attribute added

    def render_options(self, name, value, attrs=None, renderer=None):
        """Django's own rendering of the select (the form renderer writes it without templates)."""
        return super().render(name, value, attrs, renderer)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ModelFieldsMixin:
    """`model_fields`: the cleaned values of the model's fields on this form, for a service to save."""

    @property
    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class VersionMixin:
    """An edit form carries, hidden, the version of the row the person loaded (optimistic locking).

    The service compares it with the row's version when saving and refuses a save over someone else's
    later one (services.StaleEdit); a post without it is refused, since it could not be compared.
    Call add_version_field() in __init__, after the form's own fields are set up.
    """

    def add_version_field(self) -> list[str]:
        """Add the hidden field to a form editing an existing row; the names to put in the layout."""
        if self.instance.pk is None:
            return []
        self.fields["version"] = CountField(
            widget=forms.HiddenInput,
            min_value=1,
            error_messages={
                key: "Versi data di halaman ini tidak terbaca. Muat ulang halaman, lalu ubah lagi."
                for key in ("required", "invalid", "min_value", "max_value")
            },
        )
        self.initial.setdefault("version", self.instance.version)
        return ["version"]

    @property
    def loaded_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def refuse_stale(self, error) -> None:
        """Show a StaleEdit on the form, keeping all the person's input, and carry the current version
        from now on: having seen the other change, the person may save again deliberately."""
        self.add_error("version", str(error))
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(error.current_version)


def use_desa_select(field, *, empty_label="---------"):
    """Make a desa field a select grouped by kecamatan that app.js narrows to the chosen kecamatan."""
    choices, kecamatan_of = desa_grouped_choices()
    field.widget = DesaSelect(kecamatan_of=kecamatan_of, attrs={"data-desa-select": ""})
    field.choices = [("", empty_label), *choices]


def desa_grouped_choices():
    """Desa choices grouped by kecamatan, plus the desa → kecamatan map for DesaSelect."""
    return reference.remembered("desa-grouped-choices", _desa_grouped_choices)


def _desa_grouped_choices():
    groups: dict[str, list] = {}
    kecamatan_of = {}
    for desa in Desa.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        label = f"Kec. {desa.kecamatan.name}"
        groups.setdefault(label, []).append((desa.pk, f"{desa.name} ({desa.get_kind_display()})"))
        kecamatan_of[desa.pk] = desa.kecamatan_id
    return list(groups.items()), kecamatan_of


class BusinessForm(ModelFieldsMixin, VersionMixin, forms.ModelForm):
    turnover = RupiahField(
        label="Omzet per tahun (Rp)",
        required=False,
        min_value=0,
        help_text="Hasil penjualan setahun. Menentukan kelas usaha bila diisi.",
    )
    capital = RupiahField(
        label="Modal usaha tanpa tanah & bangunan (Rp)",
        required=False,
        min_value=0,
        help_text="Dipakai untuk kelas usaha bila omzet tidak diketahui.",
    )
    phone = PhoneField(
        label="Nomor HP/telepon",
        required=False,
        max_length=20,
        help_text="Contoh: 0812 3456 7890, +62 812 3456 7890 atau 0342 801234.",
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    kbli_code = forms.CharField(
        label="Kode KBLI 2020",
        required=False,
        max_length=5,
        help_text="Pilih dari daftar atau tulis kode 5 digit lain yang sah.",
        widget=forms.TextInput(attrs={"list": "kbli-list", "inputmode": "numeric"}),
    )
    save_anyway = forms.BooleanField(
        label="Saya sudah memeriksa: ini usaha yang berbeda, simpan tetap", required=False
    )
    save_anyway_reason = forms.CharField(
        label="Alasan", required=False, max_length=200, widget=forms.TextInput()
    )

    class Meta:
        model = Business
        formfield_callback = ascii_number_formfield
        fields = [
            "name",
            "owner_name",
            "owner_nik",
            "owner_gender",
            "phone",
            "nib",
            "kecamatan",
            "desa",
            "address",
            "sector",
            "kbli_code",
            "year_founded",
            "registered_on",
            "employees",
            "turnover",
            "capital",
            "has_pirt",
            "has_halal",
            "has_bpom",
            "has_brand",
            "sells_online",
            "has_financing",
            "status",
        ]
        widgets = {
            "registered_on": DATE_INPUT,
            "owner_nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "nib": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 13}),
        }
        help_texts = {
            "owner_nik": "16 digit, boleh dikosongkan.",
            "nib": "Nomor Induk Berusaha, 13 digit, boleh dikosongkan.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_desa_select(self.fields["desa"])
        self.fields["kecamatan"].widget.attrs["data-kecamatan-select"] = ""
        self.kbli_choices = KbliCode.objects.all()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Usaha dan pemilik",
                Div(
                    Div("name", css_class="col-md-6"),
                    Div("owner_name", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("owner_nik", css_class="col-md-4"),
                    Div("owner_gender", css_class="col-md-4"),
                    Div("phone", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Lokasi",
                Div(
                    Div("kecamatan", css_class="col-md-6"), Div("desa", css_class="col-md-6"), css_class="row"
                ),
                "address",
            ),
            Fieldset(
                "Bidang, legalitas dan skala",
                Div(
                    Div("sector", css_class="col-md-4"),
                    Div("kbli_code", css_class="col-md-4"),
                    Div("nib", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("year_founded", css_class="col-md-4"),
                    Div("registered_on", css_class="col-md-4"),
                    Div("employees", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("turnover", css_class="col-md-6"),
                    Div("capital", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("has_pirt", "has_halal", "has_bpom", css_class="col-md-6"),
                    Div("has_brand", "sells_online", "has_financing", css_class="col-md-6"),
                    css_class="row",
                ),
                "status",
            ),
            *self.add_version_field(),
        )

    def clean_owner_nik(self):
        return self.cleaned_data["owner_nik"] or None

    def clean_nib(self):
        return self.cleaned_data["nib"] or None

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("save_anyway") and not cleaned.get("save_anyway_reason", "").strip():
            self.add_error("save_anyway_reason", "Tulis alasan mengapa tetap disimpan.")
        return cleaned


IMPORT_MAX_BYTES = 30 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas spreadsheet (.xlsx atau .csv)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise ValidationError(
                "Pilih berkas .xlsx atau .csv. Berkas .xls atau .ods: buka lalu simpan sebagai .xlsx."
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError("Berkas lebih dari 30 MB; bagi menjadi beberapa berkas.")
        return upload
