"""`as_field` writes what crispy-forms' `as_crispy_field` writes (umkm_blitar/templatetags/fields.py)."""

import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from umkm_blitar.templatetags import fields as fields_tag
from umkm_blitar.templatetags.fields import as_field


def same_page(markup: str) -> str:
    """The markup as a browser reads it: whitespace between and inside tags counts once."""
    return re.sub(r"\s+", " ", markup).strip()


text = st.text(alphabet=st.sampled_from("ab <>&\"'é1"), max_size=6)
choices = st.lists(
    st.tuples(st.sampled_from(["", "1", "2", "x&y"]), text), max_size=4, unique_by=lambda c: c[0]
)
WIDGETS = {
    "text": lambda: forms.CharField(max_length=5),
    "search": lambda: forms.CharField(
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Cari <nama>"})
    ),
    "number": lambda: forms.IntegerField(min_value=0, max_value=100),
    "decimal": lambda: forms.DecimalField(max_digits=6, decimal_places=2),
    "date": lambda: forms.DateField(widget=forms.DateInput(attrs={"type": "date"})),
    "textarea": lambda: forms.CharField(widget=forms.Textarea(attrs={"rows": 2})),
    "select": lambda: forms.ChoiceField(choices=[("", "Semua"), ("1", "Satu"), ("2", "Dua <2>")]),
    "classed select": lambda: forms.ChoiceField(
        choices=[("1", "Satu")], widget=forms.Select(attrs={"class": "w-auto"})
    ),
    "multiple": lambda: forms.MultipleChoiceField(choices=[("1", "Satu"), ("2", "Dua")]),
    "null boolean": lambda: forms.NullBooleanField(),
    "checkbox": lambda: forms.BooleanField(),
    "radio": lambda: forms.ChoiceField(choices=[("1", "Satu")], widget=forms.RadioSelect),
    "hidden": lambda: forms.CharField(widget=forms.HiddenInput),
}


def form_of(kind, *, required, label, help_text, data, auto_id, css, helper):
    field = WIDGETS[kind]()
    field.required = required
    field.label = label
    field.help_text = help_text
    attrs = {"x": field}
    if css:
        attrs |= {"error_css_class": "salah", "required_css_class": "wajib"}
    form = type("Saringan", (forms.Form,), attrs)(data=data, auto_id=auto_id)
    if helper:
        form.helper = FormHelper()
    form.is_valid()
    return form


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(list(WIDGETS)),
    required=st.booleans(),
    label=st.one_of(st.none(), st.just(""), text),
    help_text=st.one_of(st.just(""), text, st.just("Boleh <b>kosong</b>")),
    value=st.one_of(
        st.none(), st.just(""), st.sampled_from(["1", "2", "abcdefg", "2024-05-02", "-3", "1.005"]), text
    ),
    bound=st.booleans(),
    auto_id=st.sampled_from(["id_%s", "f-%s", False]),
    css=st.booleans(),
    helper=st.booleans(),
)
def test_every_field_reads_as_crispy_writes_it(
    kind, required, label, help_text, value, bound, auto_id, css, helper
):
    data = ({"x": value} if value is not None else {}) if bound else None
    made = {
        "required": required,
        "label": label,
        "help_text": help_text,
        "data": data,
        "auto_id": auto_id,
        "css": css,
        "helper": helper,
    }
    crispy = as_crispy_field(form_of(kind, **made)["x"])
    ours = as_field(form_of(kind, **made)["x"])
    assert same_page(ours) == same_page(crispy)


def test_plain_fields_take_the_short_way_and_the_others_crispys(monkeypatch):
    taken = []
    monkeypatch.setattr(fields_tag, "as_crispy_field", lambda field: taken.append(field.name) or "")
    made = {"required": False, "label": "L", "help_text": "", "data": None, "auto_id": "id_%s", "css": False}
    for kind in ["text", "select", "textarea", "checkbox", "radio", "hidden"]:
        as_field(form_of(kind, helper=False, **made)["x"])
    as_field(form_of("text", helper=True, **made)["x"])
    assert len(taken) == 4  # checkbox, radio, hidden, and a form with a helper


def test_errors_and_the_invalid_class_show_on_a_bound_field():
    form = form_of(
        "number",
        required=True,
        label="Tahun",
        help_text="",
        data={"x": "abc"},
        auto_id="id_%s",
        css=False,
        helper=False,
    )
    markup = str(Template("{% load fields %}{{ form.x|as_field }}").render(Context({"form": form})))
    assert 'class="numberinput form-control is-invalid"' in markup
    assert 'aria-invalid="true"' in markup
    assert f'<p id="error_1_id_x"><strong>{form.errors["x"][0]}</strong></p>' in markup


@pytest.mark.parametrize(
    "template",
    [
        "registry/business_list.html",
        "coaching/session_list.html",
        "coaching/cohort.html",
        "coaching/expenditure_list.html",
    ],
)
def test_the_filter_bars_use_it(template):
    from django.template.loader import get_template

    source = get_template(template).template.source
    assert "|as_field" in source
    assert "as_crispy_field" not in source
