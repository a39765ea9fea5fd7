"""``{% personal_data_holders as holders %}``: the declared personal data, for the register
and the "Données personnelles" page (both generated from the declarations)."""

from __future__ import annotations

from django import template

from parvis.core.personal_data import PersonalDataHolder, holders

register = template.Library()


@register.simple_tag
def personal_data_holders() -> tuple[PersonalDataHolder, ...]:
    return holders()
