"""The form renderer: Django's own widget markup, written out in Python for the common widgets.

Every filter bar and form on the office's pages renders its inputs and selects through Django's widget
templates: a select of 22 kecamatan is 22 template includes, each with its attrs template, and a
registry list page renders fourteen such fields. Profiled under the production settings, the widget
templates were the largest single part of a page's Python. `FastTemplates` gives the very same markup
(tests/test_forms_renderer.py compares it with Django's templates, byte for byte, over generated widgets)
for the input, select and textarea templates, and hands everything else to Django's templates.

It steps aside for a widget template the project or an app overrides: only templates that resolve to
Django's own files take the short way.
"""

from functools import cached_property
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = WIDGETS + "select_option.html"
DJANGO_WIDGET_DIR = Path(django.__file__).parent / "forms" / "templates" / "django" / "forms" / "widgets"
# The templates that are `{% include "django/forms/widgets/input.html" %}` (the renderer strips the line end).
INPUT_INCLUDERS = (
    "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search",
    "tel", "color", "checkbox",
)  # fmt: skip

# What `{{ value }}` does in a template: local time, localisation, str, autoescape.
_context = Context(autoescape=True)


def show_value(value) -> str:
    return render_value_in_context(value, _context)


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe, the rest is escaped."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031 (the filter's own)
    except (ValueError, TypeError):
        text = ""
    if isinstance(value, SafeData):
        text = mark_safe(text)  # noqa: S308 — it was safe going in, as the filter has it
    return conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {show_value(name)}" if value is True else f' {show_value(name)}="{_stringformat(value)}"'
        )
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (and the templates that include it)."""
    value = widget["value"]
    shown = f' value="{_stringformat(value)}"' if value != None else ""  # noqa: E711 (the template's test)
    kind, name = show_value(widget["type"]), show_value(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html."""
    value, label = _stringformat(option["value"]), show_value(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html; None when an option has a template of its own."""
    parts = [f'<select name="{show_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{show_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f"\n  {_option(option)}\n")  # the included template keeps its line end
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    shown = show_value(value) if value else ""
    return f'<textarea name="{show_value(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>'


SHORT_WAYS = {
    WIDGETS + "input.html": _input,
    **{WIDGETS + f"{name}.html": _input for name in INPUT_INCLUDERS},
    WIDGETS + "select.html": _select,
    WIDGETS + "textarea.html": _textarea,
}
# Each short way stands for these templates of Django's; any of them overridden, it is not taken.
DEPENDS_ON = {
    WIDGETS + "select.html": ("select.html", "select_option.html", "attrs.html"),
    WIDGETS + "textarea.html": ("textarea.html", "attrs.html"),
    WIDGETS + "input.html": ("input.html", "attrs.html"),
    **{WIDGETS + f"{name}.html": (f"{name}.html", "input.html", "attrs.html") for name in INPUT_INCLUDERS},
}


class FastTemplates(DjangoTemplates):
    """Django's default renderer, with the common widget templates rendered in Python."""

    @cached_property
    def short_ways(self) -> dict:
        def own(name: str) -> bool:
            origin = self.get_template(WIDGETS + name).origin.name
            return Path(origin).resolve() == (DJANGO_WIDGET_DIR / name).resolve()

        return {
            template: render
            for template, render in SHORT_WAYS.items()
            if all(own(name) for name in DEPENDS_ON[template])
        }

    def render(self, template_name, context, request=None):
        # As BaseRenderer.render, whose markup is stripped of the templates' leading and closing space.
        render = self.short_ways.get(template_name)
        if render is not None and request is None and set(context) == {"widget"}:
            markup = render(context["widget"])
            if markup is not None:
                return markup
        return super().render(template_name, context, request)
