"""``{{ field|field_anchor }}``: where an error summary's link to a field lands."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def field_anchor(field: BoundField) -> str:
    """The id of ``field``'s first control: its own for a single input, the first option's for
    a group of radios or checkboxes (Django gives the group itself no id to link to)."""
    if field.id_for_label:
        return field.id_for_label
    for option in field.subwidgets:
        return option.id_for_label or field.auto_id or ""
    return field.auto_id or ""
