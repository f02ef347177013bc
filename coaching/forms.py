from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.validators import FileExtensionValidator

from registry.fields import AsciiDecimalField, CountField, RupiahField, ascii_number_formfield, id_or_none
from registry.formatting import rupiah, tanggal
from registry.forms import DATE_INPUT, ModelFieldsMixin, VersionMixin, use_desa_select

from .indicators import INDICATORS
from .models import (
    Assessment,
    Association,
    BudgetLine,
    CoachingSession,
    Event,
    EventParticipant,
    Expenditure,
    Programme,
    SubActivity,
    Topic,
)
from .periods import QUARTERS, quarter_of
from .permissions import records_for_any_business
from .selectors import budget_lines, pendamping_list

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


def _row(*fields, size="col-md-6"):
    return Div(*(Div(name, css_class=f"col-12 {size}") for name in fields), css_class="row g-2")


class PendampingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class ProgrammeForm(ModelFieldsMixin, forms.ModelForm):
    budget_ceiling = RupiahField(label="Pagu anggaran (Rp)", min_value=0)
    planned_sessions_total = CountField(
        label="Rencana jumlah sesi (seluruh kecamatan)",
        min_value=0,
        max_value=10_000,
        initial=88,
        help_text="Dibagi rata ke 22 kecamatan; rincian per kecamatan bisa diubah sesudahnya.",
    )

    class Meta:
        model = Programme
        formfield_callback = ascii_number_formfield
        fields = [
            "year",
            "name",
            "budget_ceiling",
            "naik_kelas_target",
            "starts_on",
            "ends_on",
            "min_new_indicators",
            "turnover_growth_percent",
        ]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["planned_sessions_total"]
        self.helper = _helper(
            Fieldset("Program", _row("year", "name"), _row("budget_ceiling", "naik_kelas_target"),
                     _row("starts_on", "ends_on")),
            Fieldset("Aturan naik kelas", _row("min_new_indicators", "turnover_growth_percent")),
            *(["planned_sessions_total"] if not self.instance.pk else []),
        )  # fmt: skip


class KecamatanPlanForm(forms.Form):
    """One number per kecamatan: the sessions the programme plans there."""

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = list(plans)
        for plan in self.plans:
            self.fields[f"kecamatan_{plan.kecamatan_id}"] = CountField(
                label=plan.kecamatan.name, min_value=0, max_value=1000, initial=plan.planned_sessions
            )

    @property
    def planned(self) -> dict[int, int]:
        return {plan.kecamatan_id: self.cleaned_data[f"kecamatan_{plan.kecamatan_id}"] for plan in self.plans}


def ticked_id(value) -> int:
    """The id of a ticked business; a value no id can be (too long for the database) is no choice."""
    pk = id_or_none(value)
    if pk is None:
        raise ValueError(value)
    return pk


class EnrolForm(forms.Form):
    """Enrol the businesses ticked in the search results, all with one pendamping."""

    business = forms.TypedMultipleChoiceField(
        coerce=ticked_id,
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Centang paling sedikit satu usaha."},
    )
    pendamping = PendampingChoiceField(queryset=None, required=False, empty_label="(belum ditentukan)")
    enrolled_on = forms.DateField(label="Tanggal masuk kelompok binaan", widget=DATE_INPUT)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pendamping"].queryset = pendamping_list()
        self.fields["business"].choices = [(pk, pk) for pk in choices]


class PickForm(forms.Form):
    """Businesses ticked in a search result (their ids), for attendance, drives and associations."""

    business = forms.TypedMultipleChoiceField(
        coerce=ticked_id, error_messages={"required": "Centang paling sedikit satu usaha."}
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].choices = [(pk, pk) for pk in choices]


class PendampingForm(forms.Form):
    pendamping = PendampingChoiceField(queryset=None, required=False, empty_label="(belum ditentukan)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pendamping"].queryset = pendamping_list()


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Alasan", max_length=255)


class VerifyForm(forms.Form):
    note = forms.CharField(
        label="Catatan verifikasi",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Apa yang diperiksa: dokumen, kunjungan, bukti omzet.",
    )
    verified_on = forms.DateField(label="Tanggal naik kelas", widget=DATE_INPUT)
    evidence = forms.FileField(
        label="Berkas bukti (opsional)",
        required=False,
        validators=[
            FileExtensionValidator(["pdf", "jpg", "jpeg", "png"], "Bukti harus berkas PDF, JPG atau PNG.")
        ],
        help_text="PDF, JPG atau PNG, paling besar 5 MB.",
    )

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if not evidence:
            return evidence
        if evidence.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError("Berkas bukti paling besar 5 MB.")
        # The name can lie; the first bytes of a PDF, PNG or JPEG cannot.
        head = evidence.read(8)
        evidence.seek(0)
        if not head.startswith(EVIDENCE_SIGNATURES):
            raise forms.ValidationError("Isi berkas bukan PDF, JPG atau PNG yang sah.")
        return evidence


class AssessmentForm(ModelFieldsMixin, forms.ModelForm):
    turnover = RupiahField(label="Omzet per tahun (Rp)", required=False, min_value=0)
    capital = RupiahField(label="Modal usaha tanpa tanah & bangunan (Rp)", required=False, min_value=0)

    class Meta:
        model = Assessment
        formfield_callback = ascii_number_formfield
        fields = ["assessed_on", "turnover", "capital", "employees", *INDICATORS, "notes"]
        widgets = {"assessed_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _row("assessed_on", "employees"),
            _row("turnover", "capital"),
            Fieldset("Indikator naik kelas", Div(*INDICATORS, css_class="indicator-grid")),
            "notes",
        )


class SessionForm(ModelFieldsMixin, VersionMixin, forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="Topik",
        error_messages={"required": "Pilih paling sedikit satu topik."},
    )
    pendamping = PendampingChoiceField(queryset=None, required=False, empty_label="(tanpa pendamping)")
    hours = AsciiDecimalField(
        label="Lama (jam)", min_value=0.25, max_value=12, decimal_places=2, initial=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )  # fmt: skip
    attendees = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Hadir dari kelompok binaan"
    )

    class Meta:
        model = CoachingSession
        formfield_callback = ascii_number_formfield
        fields = ["held_on", "kind", "topics", "kecamatan", "desa", "venue", "pendamping", "speaker", "notes"]
        widgets = {
            "held_on": DATE_INPUT,
            "kecamatan": forms.Select(attrs={"data-kecamatan-select": ""}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, attendee_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pendamping"].queryset = pendamping_list()
        if self.instance.pk:
            self.fields["hours"].initial = self.instance.duration_minutes / 60
        use_desa_select(self.fields["desa"], empty_label="(pilih desa)")
        may_pick_pendamping = records_for_any_business(user)
        if not may_pick_pendamping:
            del self.fields["pendamping"]
        # The attendee checkboxes are drawn by the template, grouped by kecamatan.
        self.attendee_rows = list(attendee_choices or [])
        if attendee_choices is None:
            del self.fields["attendees"]
        else:
            self.fields["attendees"].choices = [(e.business_id, e.business.name) for e in self.attendee_rows]
        layout = [
            _row("held_on", "hours"),
            "kind",
            "topics",
            _row("kecamatan", "desa"),
            "venue",
            _row(*(["pendamping"] if may_pick_pendamping else []), "speaker"),
            "notes",
            *self.add_version_field(),
        ]
        self.helper = _helper(*layout)

    @property
    def model_fields(self) -> dict:
        fields = super().model_fields
        del fields["topics"]
        fields["duration_minutes"] = round(self.cleaned_data["hours"] * 60)
        return fields


class EventForm(ModelFieldsMixin, forms.ModelForm):
    class Meta:
        model = Event
        formfield_callback = ascii_number_formfield
        fields = ["programme", "kind", "name", "held_on", "kecamatan", "desa", "venue", "partner", "notes"]
        widgets = {
            "held_on": DATE_INPUT,
            "kecamatan": forms.Select(attrs={"data-kecamatan-select": ""}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].empty_label = None
        use_desa_select(self.fields["desa"], empty_label="(pilih desa)")
        self.helper = _helper(
            _row("programme", "kind"),
            "name",
            _row("held_on", "partner"),
            _row("kecamatan", "desa"),
            "venue",
            "notes",
        )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Hasil", choices=EventParticipant.Outcome.choices)
    nib = forms.CharField(label="NIB yang terbit", required=False, max_length=20)
    outcome_on = forms.DateField(label="Tanggal", widget=DATE_INPUT)


class AssociationForm(ModelFieldsMixin, forms.ModelForm):
    class Meta:
        model = Association
        formfield_callback = ascii_number_formfield
        fields = ["name", "sector", "contact", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class MembershipForm(forms.Form):
    association = forms.ModelChoiceField(
        queryset=Association.objects.all(), label="Asosiasi", empty_label=None
    )
    joined_on = forms.DateField(label="Tanggal bergabung", widget=DATE_INPUT)


PLAN_FIELDS = [f"plan_q{quarter}" for quarter in QUARTERS]


class BudgetLineForm(ModelFieldsMixin, forms.ModelForm):
    allocation = RupiahField(label="Pagu mata anggaran (Rp)", min_value=0)
    plan_q1 = RupiahField(label="Triwulan I", required=False, min_value=0)
    plan_q2 = RupiahField(label="Triwulan II", required=False, min_value=0)
    plan_q3 = RupiahField(label="Triwulan III", required=False, min_value=0)
    plan_q4 = RupiahField(label="Triwulan IV", required=False, min_value=0)

    class Meta:
        model = BudgetLine
        formfield_callback = ascii_number_formfield
        fields = ["category", "name", "sub_activity", "account_code", "allocation", *PLAN_FIELDS]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme  # the model's check that the sub-kegiatan is the programme's
        self.fields["sub_activity"].queryset = programme.sub_activities.order_by("code")
        self.fields["sub_activity"].empty_label = "(belum diisi)"
        self.helper = _helper(
            _row("category", "name"),
            _row("sub_activity", "account_code"),
            "allocation",
            Fieldset(
                "Rencana per triwulan (jumlahnya sama dengan pagu; kosongkan semua agar dibagi rata)",
                _row(*PLAN_FIELDS, size="col-md-3"),
            ),
        )

    def clean(self):
        data = super().clean()
        allocation = data.get("allocation")
        if allocation is not None and all(data.get(name) is None for name in PLAN_FIELDS):
            data.update(even_quarter_plan(allocation, self.programme))
        for name in PLAN_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data

    def _post_clean(self):
        # The spread plan is computed in clean(); the instance must carry it before the model checks.
        for name in PLAN_FIELDS:
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


class SubActivityForm(ModelFieldsMixin, forms.ModelForm):
    """A SIPD sub-kegiatan: its code and name, and the output e-Monev asks of it (target and realised)."""

    class Meta:
        model = SubActivity
        formfield_callback = ascii_number_formfield
        fields = ["code", "name", "output_indicator", "output_unit", "output_target", "output_realised"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme  # so the code is checked for being once per programme
        self.helper = _helper(
            _row("code", "name"),
            _row("output_indicator", "output_unit"),
            _row("output_target", "output_realised"),
        )


def even_quarter_plan(allocation: int, programme: Programme) -> dict[str, int]:
    """Spread an allocation evenly over the quarters the programme runs in; the last takes the remainder."""
    quarters = [q for q in QUARTERS if quarter_of(programme.starts_on) <= q <= quarter_of(programme.ends_on)]
    share, remainder = divmod(allocation, len(quarters))
    plan = {name: 0 for name in PLAN_FIELDS}
    for q in quarters:
        plan[f"plan_q{q}"] = share + (remainder if q == quarters[-1] else 0)
    return plan


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, line):
        return f"{line.get_category_display()} — {line.name} (sisa {rupiah(line.remaining)})"


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return f"{tanggal(session.held_on)} · {session.get_kind_display()} · Kec. {session.kecamatan.name}"


class ExpenditureForm(ModelFieldsMixin, forms.ModelForm):
    budget_line = BudgetLineChoiceField(queryset=None, label="Mata anggaran")
    amount = RupiahField(label="Jumlah (Rp)", min_value=1)
    session = SessionChoiceField(queryset=None, required=False, label="Untuk sesi (opsional)")
    event = forms.ModelChoiceField(queryset=None, required=False, label="Untuk kegiatan (opsional)")
    reason = forms.CharField(
        label="Alasan koreksi", max_length=200, help_text="Disimpan di riwayat belanja bersama nilai lamanya."
    )

    class Meta:
        model = Expenditure
        formfield_callback = ascii_number_formfield
        fields = ["budget_line", "spent_on", "amount", "description", "receipt_number", "session", "event"]
        widgets = {"spent_on": DATE_INPUT}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = budget_lines(programme)
        self.fields["budget_line"].empty_label = "(pilih mata anggaran)"
        self.fields["session"].queryset = programme.sessions.select_related("kecamatan").order_by(
            "-held_on", "-id"
        )
        self.fields["session"].empty_label = "(tidak untuk sesi tertentu)"
        self.fields["event"].queryset = programme.events.order_by("-held_on", "-id")
        self.fields["event"].empty_label = "(tidak untuk kegiatan tertentu)"
        if not self.instance.pk:
            del self.fields["reason"]
        self.helper = _helper(
            "budget_line",
            _row("spent_on", "amount"),
            "description",
            "receipt_number",
            _row("session", "event"),
            *(["reason"] if self.instance.pk else []),
        )

    def clean(self):
        data = super().clean()
        if data.get("session") and data.get("event"):
            self.add_error("event", "Pilih sesi atau kegiatan, tidak keduanya.")
        return data
