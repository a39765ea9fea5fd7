"""Masks for the personal data people type where none is expected (a search, a description).

``personal_data_mask`` works on text as typed; ``personal_data_mask_normalised`` on the
accentless, punctuation-free form the answer engine stores (``answers.text.normalise``), where
"jean.dupont@gmail.com" has become "jean dupont gmail com".
"""

from __future__ import annotations

import re

MASK = "[masqué]"
# What MASK becomes once normalised: the word stored in place of the data.
MASKED_WORD = "masque"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# IBAN: country, check digits, then letters or digits in groups of 4 or not; the first eight
# must be digits (French and most European bank codes), so that "rd75 autoroute" is no IBAN.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?\d{4}){2}(?:[ ]?[A-Z0-9]{1,4}){1,6}\b", re.I)
# French social security number (NIR): sex, year, month, département (2A/2B for Corsica),
# commune, order, and the optional 2-digit key; spaces or dots between the groups or not.
_NIR = re.compile(
    r"\b[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[ab])[ .]?\d{3}[ .]?\d{3}"
    r"(?:[ .]?\d{2})?\b",
    re.I,
)
# French and international numbers: 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12…
_PHONE = re.compile(
    r"(?<![\w-])(?:(?:\+|00)\d{1,3}[\s.-]?)?(?:\(0\)\s?)?\d(?:[\s.-]?\d){7,12}(?![\w-])"
)
# An address of a common mail provider once normalised: "jean dupont 75 gmail com".
_PROVIDERS = (
    "gmail|googlemail|hotmail|outlook|live|msn|yahoo|orange|wanadoo|free|sfr|neuf|laposte|"
    "bbox|aol|icloud|me|gmx|proton|protonmail|pm|mailo|numericable|club internet|caramail"
)
_EMAIL_NORMALISED = re.compile(
    rf"(?:\b\w+ ){{1,3}}(?:{_PROVIDERS}) (?:com|fr|net|org|eu|be|ch|me|de|io)\b"
)


_DIGIT = re.compile(r"\d")


def personal_data_mask(text: str) -> str:
    """``text`` with email addresses, IBANs, social security and phone numbers masked."""
    # Most text has no "@" and no digit: two quick looks spare the four patterns (the Open311
    # list masks three texts of each of its reports).
    if "@" in text:
        text = _EMAIL.sub(MASK, text)
    if _DIGIT.search(text) is None:  # an IBAN, a NIR and a phone number all hold digits
        return text
    text = _IBAN.sub(MASK, text)
    text = _NIR.sub(MASK, text)
    return _PHONE.sub(MASK, text)


def personal_data_mask_normalised(text: str) -> str:
    """The same for normalised text (lower case, words and digits separated by one space)."""
    text = _EMAIL_NORMALISED.sub(MASKED_WORD, text)
    text = _IBAN.sub(MASKED_WORD, text)
    text = _NIR.sub(MASKED_WORD, text)
    return _PHONE.sub(MASKED_WORD, text)
