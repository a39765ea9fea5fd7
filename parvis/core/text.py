"""Plain-text helpers: stored rich text as text, decimal numbers typed by people, XML-safe text,
plain-text templates rendered without HTML escaping."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from django.template import Context
from django.template.loader import get_template

_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|div|tr)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(value: str) -> str:
    """A plain-text rendering of stored rich text: tags dropped, entities decoded, spaces folded."""
    text = _BLOCK_END.sub("\n", str(value or ""))
    text = html.unescape(_TAG.sub(" ", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


# Characters XML 1.0 forbids anywhere in a document (C0 controls but tab and newlines,
# surrogates, U+FFFE and U+FFFF): one of them in a feed makes every reader reject it.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_ascii_number(value: str) -> bool:
    """True for "0"-"9" only: ``str.isdigit`` also accepts "²" and "٣", which ``int`` refuses or
    reads as another number, so user input checked with it alone can crash a view."""
    return value.isascii() and value.isdigit()


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", value)


def render_plain_text(template_name: str, context: Mapping[str, object] | None = None) -> str:
    """``template_name`` (a ``.txt`` template: an email, a README) rendered with HTML escaping
    off: in plain text, "L'Atelier & Co" must arrive as typed, not as ``L&#x27;Atelier &amp; Co``.

    The engine's autoescape stays on for HTML; only this rendering turns it off, whatever the
    template says, so a new ``.txt`` template cannot forget it."""
    template = get_template(template_name).template
    return template.render(Context(dict(context or {}), autoescape=False))
