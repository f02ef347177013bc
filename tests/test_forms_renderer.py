"""The form renderer writes exactly the markup Django's widget templates write (forms_renderer.py)."""

import datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from umkm_blitar.forms_renderer import FastTemplates

FAST = FastTemplates()
DJANGO = DjangoTemplates()

# Text that markup must escape, numbers that localisation formats, and safe strings that it must not.
text = st.text(alphabet=st.sampled_from("ab <>&\"'=é\u00a0\n1.,"), max_size=8)
scalar = st.one_of(
    text,
    text.map(mark_safe),
    st.integers(-(10**7), 10**7),
    st.decimals(-(10**6), 10**6, places=2, allow_nan=False),
    st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)),
    st.tuples(st.integers(0, 9), text),
)
attr_name = st.sampled_from(
    ["class", "placeholder", "data-x", "min", "max", "required", "disabled", "aria-describedby", 'x"y']
)
attrs = st.dictionaries(attr_name, st.one_of(st.just(True), st.just(False), scalar), max_size=4)
choice_value = st.one_of(st.just(""), st.integers(0, 50).map(str), st.integers(0, 50), text)
flat_choices = st.lists(st.tuples(choice_value, st.one_of(text, st.integers(0, 3000))), max_size=6)
grouped_choices = st.lists(st.tuples(st.one_of(text, st.just("")), flat_choices), max_size=3)


def same_markup(widget, name, value, extra_attrs):
    context = widget.get_context(name, value, extra_attrs)
    template = widget.template_name
    fast = FAST.render(template, context)
    assert fast == DJANGO.render(template, context)
    return fast


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(
        [
            forms.TextInput,
            forms.NumberInput,
            forms.EmailInput,
            forms.URLInput,
            forms.PasswordInput,
            forms.HiddenInput,
            forms.DateInput,
            forms.DateTimeInput,
            forms.TimeInput,
            forms.SearchInput,
            forms.ColorInput,
            forms.TelInput,
            forms.CheckboxInput,
        ]  # fmt: skip
    ),
    widget_attrs=attrs,
    extra_attrs=attrs,
    name=text,
    value=st.one_of(st.none(), st.just(""), st.booleans(), scalar),
)
def test_inputs_are_written_as_djangos_templates_write_them(kind, widget_attrs, extra_attrs, name, value):
    same_markup(kind(attrs=widget_attrs), name, value, extra_attrs)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from([forms.Select, forms.SelectMultiple, forms.NullBooleanSelect]),
    choices=st.one_of(flat_choices, grouped_choices),
    widget_attrs=attrs,
    name=text,
    value=st.one_of(st.none(), choice_value, st.lists(choice_value, max_size=3)),
)
def test_selects_are_written_as_djangos_templates_write_them(kind, choices, widget_attrs, name, value):
    if kind is forms.NullBooleanSelect:
        widget, value = kind(attrs=widget_attrs), value if isinstance(value, str) else None
    else:
        widget = kind(attrs=widget_attrs, choices=choices)
    same_markup(widget, name, value, {"id": "id_x"})


@settings(max_examples=100, deadline=None)
@given(widget_attrs=attrs, name=text, value=st.one_of(st.none(), st.just(""), scalar))
def test_textareas_are_written_as_djangos_templates_write_them(widget_attrs, name, value):
    same_markup(forms.Textarea(attrs=widget_attrs), name, value, {})


def test_a_select_whose_options_have_a_template_of_their_own_goes_through_the_templates(monkeypatch):
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Fancy(choices=[("1", "Satu")])
    called = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, *args, **kwargs: called.append(args) or "x")
    assert FAST.render(widget.template_name, widget.get_context("n", "1", {})) == "x"
    assert called


def test_a_widget_template_the_project_overrides_is_rendered_from_the_override(tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "select_option.html").write_text("<option>{{ widget.label }} (ganti)</option>")

    class ProjectTemplates(FastTemplates):
        """Templates looked up in the project's directory first, then in Django's."""

        @cached_property
        def engine(self):
            django_forms = Path(forms.__file__).parent / "templates"
            return self.backend(
                {"APP_DIRS": False, "DIRS": [tmp_path, django_forms], "NAME": "t", "OPTIONS": {}}
            )

    renderer = ProjectTemplates()
    short = {name.rsplit("/", 1)[-1] for name in renderer.short_ways}
    assert "select.html" not in short
    assert {"input.html", "text.html", "textarea.html"} <= short
    markup = renderer.render(
        "django/forms/widgets/select.html", forms.Select(choices=[("1", "Satu")]).get_context("n", "1", {})
    )
    assert "Satu (ganti)" in markup


def test_the_project_renders_its_forms_with_it():
    field = forms.ChoiceField(choices=[("a", "<A>"), ("b", Decimal("1.5"))])
    form = type("F", (forms.Form,), {"x": field})(data={"x": "b"})
    assert isinstance(form.renderer, FastTemplates)
    assert '<option value="b" selected>1,5</option>' in str(form["x"])
