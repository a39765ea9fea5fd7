"""A safety net for public text: email addresses and phone numbers never leave in clear.

Agents redact what residents type about themselves; this mask catches what they miss.
The masks themselves are shared (``parvis.core.privacy``): search logs use them too.
"""

from __future__ import annotations

from parvis.core.privacy import MASK, personal_data_mask

__all__ = ["MASK", "public_text"]


def public_text(text: str) -> str:
    """``text`` with email addresses, phone, IBAN and social security numbers masked."""
    return personal_data_mask(text)
