import django_filters
from django import forms
from django.db.models import Q

from . import reference
from .forms import DesaSelect, desa_grouped_choices
from .models import Business, Kecamatan, Sector
from .selectors import business_list
from .sizes import SIZE_CLASS_CHOICES, SIZE_CLASS_UNKNOWN

YES_NO = [("", "Semua"), ("ya", "Ada"), ("tidak", "Belum")]


class FlagFilter(django_filters.ChoiceFilter):
    """'ada'/'belum' for a legal flag; for NIB, whether one is recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=YES_NO[1:], empty_label="Semua", **kwargs)

    def filter(self, qs, value):
        if value not in ("ya", "tidak"):
            return qs
        wanted = value == "ya"
        if self.field_name == "nib":
            return qs.filter(nib__isnull=not wanted)
        return qs.filter(**{self.field_name: wanted})


class SizeClassFilter(django_filters.ChoiceFilter):
    """A PP 7/2021 class, or "belum" for businesses whose class is not known yet."""

    def __init__(self, *args, **kwargs):
        choices = [*SIZE_CLASS_CHOICES, (SIZE_CLASS_UNKNOWN, "Belum diketahui")]
        super().__init__(*args, choices=choices, empty_label="Semua", **kwargs)

    def filter(self, qs, value):
        if value == SIZE_CLASS_UNKNOWN:
            return qs.filter(size_class="")
        return super().filter(qs, value)


class YearFilter(django_filters.Filter):
    """A year of registered_on: `lookup_expr` "year" for that year, "year__lte" for up to its end."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 1900, "max": 2100}))
        super().__init__(*args, field_name="registered_on", min_value=1900, max_value=2100, **kwargs)


class BusinessFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Cari",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "Nama usaha, pemilik atau NIB", "type": "search"}),
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=Kecamatan.objects.all(),
        empty_label="Semua",
        widget=forms.Select(attrs={"data-kecamatan-select": ""}),
    )
    desa = django_filters.ChoiceFilter(field_name="desa_id", label="Desa/kelurahan", empty_label="Semua")
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), label="Sektor", empty_label="Semua"
    )
    size_class = SizeClassFilter(label="Kelas usaha")
    status = django_filters.ChoiceFilter(choices=Business.Status.choices, label="Status", empty_label="Semua")
    nib = FlagFilter(field_name="nib", label="NIB")
    has_pirt = FlagFilter(label="PIRT")
    has_halal = FlagFilter(label="Halal")
    has_bpom = FlagFilter(label="BPOM")
    has_brand = FlagFilter(label="Merek/HKI")
    # The registry dashboard's growth figures link here: new in a year, and the registry at a year's end.
    registered_year = YearFilter(lookup_expr="year", label="Tahun masuk registri")
    registered_until = YearFilter(lookup_expr="year__lte", label="Masuk registri s.d. tahun")
    sort = django_filters.OrderingFilter(
        label="Urutkan",
        empty_label="Nama (A–Z)",
        fields=(
            ("name", "name"),
            ("registered_on", "registered_on"),
            ("turnover", "turnover"),
            ("kecamatan__name", "kecamatan"),
        ),
        field_labels={
            "name": "Nama (A–Z)",
            "-name": "Nama (Z–A)",
            "registered_on": "Terlama masuk registri",
            "-registered_on": "Terbaru masuk registri",
            "turnover": "Omzet terkecil",
            "-turnover": "Omzet terbesar",
            "kecamatan": "Kecamatan (A–Z)",
            "-kecamatan": "Kecamatan (Z–A)",
        },
    )

    class Meta:
        model = Business
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kecamatan and sectors from the remembered reference lists: no query, no 22 objects built.
        for name in ("kecamatan", "sector"):
            field = self.form.fields[name]
            # A callable: listed only when the form is rendered (the API filters without rendering).
            field.widget.choices = lambda field=field: [
                ("", field.empty_label),
                *reference.choices_of(field.queryset),
            ]
        choices, kecamatan_of = desa_grouped_choices()
        desa_field = self.form.fields["desa"]
        desa_field.choices = choices
        desa_field.widget = DesaSelect(
            choices=desa_field.choices, kecamatan_of=kecamatan_of, attrs={"data-desa-select": ""}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(owner_name__icontains=value)
        if value.isdigit():
            condition |= Q(nib__startswith=value)
        return queryset.filter(condition)

    @property
    def qs(self):
        queryset = super().qs
        # A stable order for paging: ties on the sort key are broken by id.
        ordering = list(queryset.query.order_by) or ["name"]
        return queryset.order_by(*ordering, "id")


def business_filter(data) -> BusinessFilter:
    """The registry list filtered by its parameters (`data`, e.g. request.GET); its export uses the same."""
    return BusinessFilter(data or None, queryset=business_list())
