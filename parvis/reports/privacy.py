"""A safety net for public text: email addresses and phone numbers never leave in clear.

Agents redact what residents type about themselves; this mask catches what they miss.
"""

from __future__ import annotations

import re

MASK = "[masqué]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# French and international numbers: 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78…
_PHONE = re.compile(
    r"(?<![\w-])(?:(?:\+|00)\d{1,3}[\s.-]?)?(?:\(0\)\s?)?\d(?:[\s.-]?\d){7,12}(?![\w-])"
)


def public_text(text: str) -> str:
    """``text`` with email addresses and phone numbers masked."""
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, text))
