"""Plain text of stored rich text, shared by the search index and the signed statements."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|div|tr)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(value: str) -> str:
    """A plain-text rendering of stored rich text: tags dropped, entities decoded, spaces folded."""
    text = _BLOCK_END.sub("\n", str(value or ""))
    text = html.unescape(_TAG.sub(" ", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
