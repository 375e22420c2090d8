"""Template helpers for the console: label translation and form-field rendering."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.functional import Promise

from fengqiao.console.labels import tr as translate_label

register = template.Library()


@register.filter
def tr(value: str | Promise) -> str:
    """`{{ region.get_level_display|tr }}`: a model label in the active language."""
    return translate_label(value)


@register.filter
def widget_type(bound: forms.BoundField) -> str:
    """checkbox, select or input: lets _field.html lay out a field and its label."""
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.simple_tag
def field_attrs(bound: forms.BoundField) -> str:
    """Render the widget with aria-describedby pointing at its help text and errors."""
    described: list[str] = []
    if bound.help_text:
        described.append(f"{bound.auto_id}_help")
    if bound.errors:
        described.append(f"{bound.auto_id}_errors")
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    if bound.field.required and not isinstance(bound.field.widget, forms.CheckboxInput):
        attrs["aria-required"] = "true"
    return bound.as_widget(attrs=attrs)
