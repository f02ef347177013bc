"""`{{ form.field|as_field }}`: crispy-forms' Bootstrap 5 field, written out in Python for plain fields.

The filter bars of the registry, the sessions, the cohort and the spending lists show up to fourteen
fields each, through crispy-forms' `bootstrap5/field.html`: forty template tags a field, most of them
deciding what a plain input or select never needs. Profiled under the production settings, that
template was a sixth of those pages' Python. For a plain field (an input, a select or a textarea, no
form helper, label and errors shown) `as_field` writes the same elements, attributes and text
(tests/test_fields_tag.py compares it with `as_crispy_field`, whitespace between tags aside); any other
field, or a project that overrides crispy's templates, goes through `as_crispy_field` itself.
"""

from functools import cache
from pathlib import Path

import crispy_bootstrap5
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from umkm_blitar.forms_renderer import show_value

register = template.Library()

PACK = "bootstrap5"
# crispy-bootstrap5's templates a plain field goes through; overridden, the short way is not taken.
TEMPLATES = (
    "field.html",
    "layout/help_text_and_errors.html",
    "layout/field_errors_block.html",
    "layout/help_text.html",
)
CRISPY_DIR = Path(crispy_bootstrap5.__file__).parent / "templates" / PACK
NOT_PLAIN = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


@cache
def _crispy_templates_are_its_own() -> bool:
    return all(
        Path(get_template(f"{PACK}/{name}").origin.name).resolve() == (CRISPY_DIR / name).resolve()
        for name in TEMPLATES
    )


def _plain(field) -> bool:
    widget = field.field.widget
    return (
        getattr(settings, "CRISPY_TEMPLATE_PACK", PACK) == PACK
        and getattr(field.form, "helper", None) is None
        and not field.is_hidden
        and not isinstance(widget, NOT_PLAIN)
        and not hasattr(widget, "widget")  # a wrapper (the admin's related-field widget)
        and not field.use_fieldset
        and _crispy_templates_are_its_own()
    )


def _widget(field) -> str:
    """{% crispy_field field 'class' '…' %}: the widget's class name and Bootstrap's, then the field."""
    widget = field.field.widget
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if field.errors:
        bootstrap += " is-invalid"
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in bootstrap.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class
    return str(field)


def _markup(field) -> str:
    required = field.field.required
    wrapper = "mb-3"
    if css := field.css_classes():
        wrapper += f" {show_value(css)}"
    parts = [f'<div id="div_{show_value(field.auto_id)}" class="{wrapper}">']
    if field.label:
        label_for = f'for="{show_value(field.id_for_label)}" ' if field.id_for_label else ""
        asterisk = '<span class="asteriskField">*</span>' if required else ""
        parts.append(
            f'<label {label_for}class="form-label{" requiredField" if required else ""}">'
            f" {show_value(field.label)}{asterisk} </label>"
        )
    parts.append(_widget(field))
    if errors := field.errors:
        field_id = show_value(getattr(errors, "field_id", ""))
        shown = " ".join(
            f'<p id="error_{number}_{show_value(field.auto_id)}"><strong>{show_value(error)}</strong></p>'
            for number, error in enumerate(errors, start=1)
        )
        parts.append(f'<div id="{field_id}_error" class="invalid-feedback"> {shown} </div>')
    if field.help_text:
        helptext_id = f'id="{show_value(field.auto_id)}_helptext" ' if field.auto_id else ""
        parts.append(f'<div {helptext_id}class="form-text">{field.help_text}</div>')
    parts.append("</div>")
    return " ".join(parts)


@register.filter
def as_field(field):
    """A form field as crispy-forms' Bootstrap 5 `as_crispy_field` writes it."""
    if _plain(field):
        return mark_safe(_markup(field))  # noqa: S308 — every value escaped, help text as crispy shows it
    return as_crispy_field(field)
