"""French typography for rendered HTML: a no-break space where French puts a space before
« ; : ! ? » and after «, so a line never starts with a lone punctuation mark.

Only text between tags changes: tags and their attributes, and the content of ``script``,
``style``, ``textarea``, ``pre`` and ``code`` elements (what a resident typed, code, data) are
left as they are.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
_RAW = re.compile(
    r"(<(script|style|textarea|pre|code)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_BEFORE = re.compile(r"[ \t]+(?=[;:!?»])")
_AFTER = re.compile(r"«[ \t]+")
_BEFORE_ENTITY = re.compile(r"[ \t]+(?=&raquo;)")
_AFTER_ENTITY = re.compile(r"&laquo;[ \t]+")
# Text with none of these has nothing to change (most text between two tags): skip it.
_TRIGGER = re.compile(r"[;:!?»«]|&[lr]aquo;")


def _fix(text: str) -> str:
    text = _BEFORE.sub(NBSP, text)
    text = _BEFORE_ENTITY.sub(NBSP, text)
    text = _AFTER.sub("«" + NBSP, text)
    return _AFTER_ENTITY.sub("&laquo;" + NBSP, text)


def french_spacing(html: str) -> str:
    """``html`` with no-break spaces before ; : ! ? » and after « in its text."""
    parts = _RAW.split(html)
    # re.split with two groups yields: text, whole match, inner name, text, ...
    out: list[str] = []
    for i in range(0, len(parts), 3):
        text = parts[i]
        out.append(_fix(text) if _TRIGGER.search(text) else text)
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)
