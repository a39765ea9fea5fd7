from django import template

from parvis.reports.privacy import public_text as _public_text

register = template.Library()


@register.filter
def public_text(value: str) -> str:
    """Mask email addresses and phone numbers in text shown to the public."""
    return _public_text(str(value or ""))
