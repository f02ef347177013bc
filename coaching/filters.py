import django_filters
from django import forms
from django.db.models import Q

from registry.forms import DATE_INPUT
from registry.models import Kecamatan, Sector

from .forms import PendampingChoiceField
from .models import BudgetLine, CoachingSession, Enrolment, Expenditure, Programme, Topic
from .periods import QUARTER_NAMES, quarter_bounds
from .selectors import LINE_ORDER, cohort, pendamping_list, programme_spending, session_list


class PendampingFilter(django_filters.ModelChoiceFilter):
    field_class = PendampingChoiceField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, queryset=lambda request: pendamping_list(), empty_label="Semua", **kwargs)


# The cohort as the dashboards count it: everyone still in the programme.
IN_COHORT = "binaan"


class CohortFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Cari",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "Nama usaha, pemilik atau NIB", "type": "search"}),
    )
    kecamatan = django_filters.ModelChoiceFilter(
        field_name="business__kecamatan",
        queryset=Kecamatan.objects.all(),
        label="Kecamatan",
        empty_label="Semua",
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="business__sector", queryset=Sector.objects.all(), label="Sektor", empty_label="Semua"
    )
    pendamping = PendampingFilter(label="Pendamping")
    status = django_filters.ChoiceFilter(
        choices=[(IN_COHORT, "Masih dibina (aktif + naik kelas)"), *Enrolment.Status.choices],
        label="Status",
        empty_label="Semua",
        method="with_status",
    )
    verified_to = django_filters.DateFilter(
        field_name="verified_on", lookup_expr="lte", label="Naik kelas s.d. tanggal", widget=DATE_INPUT
    )

    class Meta:
        model = Enrolment
        fields = []

    def with_status(self, queryset, name, value):
        if value == IN_COHORT:
            return queryset.exclude(status=Enrolment.Status.WITHDRAWN)
        return queryset.filter(status=value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(business__name__icontains=value)
            | Q(business__owner_name__icontains=value)
            | Q(business__nib__startswith=value)
        )


class SessionFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        field_name="programme", queryset=Programme.objects.all(), label="Program", empty_label="Semua"
    )
    held_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label="Dari tanggal", widget=DATE_INPUT
    )
    held_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label="Sampai tanggal", widget=DATE_INPUT
    )
    kecamatan = django_filters.ModelChoiceFilter(queryset=Kecamatan.objects.all(), empty_label="Semua")
    kind = django_filters.ChoiceFilter(
        choices=CoachingSession.Kind.choices, label="Jenis sesi", empty_label="Semua"
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics", queryset=Topic.objects.all(), label="Topik", empty_label="Semua"
    )
    pendamping = PendampingFilter(label="Pendamping")

    class Meta:
        model = CoachingSession
        fields = []


class ExpenditureFilter(django_filters.FilterSet):
    """Filters a programme's spending; made with `programme=` so lines and quarters are that programme's."""

    q = django_filters.CharFilter(
        label="Cari",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "Uraian atau nomor kuitansi/SPJ", "type": "search"}),
    )
    mata_anggaran = django_filters.ModelChoiceFilter(
        field_name="budget_line",
        queryset=BudgetLine.objects.none(),
        label="Mata anggaran",
        empty_label="Semua",
    )
    category = django_filters.ChoiceFilter(
        field_name="budget_line__category",
        choices=BudgetLine.Category.choices,
        label="Kategori",
        empty_label="Semua",
    )
    triwulan = django_filters.ChoiceFilter(
        choices=list(QUARTER_NAMES.items()), label="Triwulan", empty_label="Semua", method="in_quarter"
    )
    spent_from = django_filters.DateFilter(
        field_name="spent_on", lookup_expr="gte", label="Dari tanggal", widget=DATE_INPUT
    )
    spent_to = django_filters.DateFilter(
        field_name="spent_on", lookup_expr="lte", label="Sampai tanggal", widget=DATE_INPUT
    )
    no_receipt = django_filters.BooleanFilter(
        field_name="receipt_number",
        label="Tanpa nomor kuitansi/SPJ",
        method="without_receipt",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Expenditure
        fields = []

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.filters["mata_anggaran"].queryset = programme.budget_lines.order_by(*LINE_ORDER)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(receipt_number__icontains=value))

    def in_quarter(self, queryset, name, value):
        return queryset.filter(spent_on__range=quarter_bounds(self.programme.year, int(value)))

    def without_receipt(self, queryset, name, value):
        return queryset.filter(receipt_number="") if value else queryset


# One filter per list, shared by the list's page and its export, so both hold exactly the same rows.


def cohort_filter(data, programme: Programme) -> CohortFilter:
    """The programme's cohort filtered by the list's parameters (`data`, e.g. request.GET)."""
    return CohortFilter(data or None, queryset=cohort(programme))


def session_filter(data) -> SessionFilter:
    return SessionFilter(data or None, queryset=session_list())


def spending_filter(data, programme: Programme) -> ExpenditureFilter:
    return ExpenditureFilter(data or None, queryset=programme_spending(programme), programme=programme)
