"""Find a quoted sentence in the certified publications.

Both the quote and the stored text go through ``normalise_tokens`` (case, accents, punctuation,
typographic quotes and apostrophes, whitespace are ignored). A quote matches:

- exactly when its tokens appear, in order and contiguous, in a statement's text;
- near-exactly when some passage of the text is within a token edit distance of
  ``max(1, len(quote) // 10)`` (one word changed, added or dropped per ten words; quotes of at
  least ``NEAR_MIN_TOKENS`` words). A near match is shown as "differs from what the city
  published", with the certified passage, never as a confirmation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Q

from parvis.certification.canonical import normalise_tokens
from parvis.certification.models import LogEntry
from parvis.certification.statements import searchable_text

MIN_TOKENS = 3
NEAR_MIN_TOKENS = 5
MAX_CANDIDATES = 200
MAX_RESULTS = 10


@dataclass(frozen=True)
class QuoteMatch:
    entry: LogEntry
    exact: bool
    passage: str
    distance: int


def _window_distance(quote: list[str], text: list[str]) -> tuple[int, int, int]:
    """Smallest token edit distance from ``quote`` to a passage of ``text``: (d, start, end)."""
    prev = [(0, j) for j in range(len(text) + 1)]  # (distance, start of passage)
    for i, word in enumerate(quote, start=1):
        cur = [(i, 0)]
        for j, token in enumerate(text, start=1):
            options = (
                (prev[j - 1][0] + (word != token), prev[j - 1][1]),
                (prev[j][0] + 1, prev[j][1]),
                (cur[j - 1][0] + 1, cur[j - 1][1]),
            )
            cur.append(min(options))
        prev = cur
    best = min(range(len(prev)), key=lambda j: prev[j][0])
    return prev[best][0], prev[best][1], best


def _passage(entry: LogEntry, start: int, end: int) -> str:
    """The original words (accents, punctuation kept) behind tokens ``start:end``."""
    words = searchable_text(json.loads(bytes(entry.statement))).split()
    owner: list[int] = []
    for position, word in enumerate(words):
        owner += [position] * len(normalise_tokens(word))
    if not owner or start >= len(owner):
        return ""
    return " ".join(words[owner[start] : owner[max(start, end - 1)] + 1])


def _near(quote: list[str], entry: LogEntry, allowed: int) -> QuoteMatch | None:
    text = entry.text.split()
    anchors = sorted(set(quote), key=len, reverse=True)[: max(3, allowed + 1)]
    best: tuple[int, int, int] | None = None
    for anchor in anchors:
        offset = quote.index(anchor)
        for position, token in enumerate(text):
            if token != anchor:
                continue
            lo = max(0, position - offset - allowed)
            window = text[lo : position - offset + len(quote) + allowed]
            d, start, end = _window_distance(quote, window)
            if best is None or d < best[0]:
                best = (d, lo + start, lo + end)
    if best is None or best[0] > allowed:
        return None
    return QuoteMatch(entry, False, _passage(entry, best[1], best[2]), best[0])


def quote_search(*, text: str) -> list[QuoteMatch]:
    """Certified statements containing ``text`` (exact first, then near), newest per page."""
    quote = normalise_tokens(text)
    if len(quote) < MIN_TOKENS:
        raise ValueError("quote too short")
    needle = " " + " ".join(quote) + " "
    exact = LogEntry.objects.filter(text__contains=needle).order_by("-index")[:MAX_CANDIDATES]
    matches: dict[str, QuoteMatch] = {}
    for entry in exact:
        if entry.subject not in matches:
            tokens = entry.text.split()
            start = next(i for i in range(len(tokens)) if tokens[i : i + len(quote)] == quote)
            passage = _passage(entry, start, start + len(quote))
            matches[entry.subject] = QuoteMatch(entry, True, passage, 0)
    if not matches and len(quote) >= NEAR_MIN_TOKENS:
        allowed = max(1, len(quote) // 10)
        anchors = sorted(set(quote), key=len, reverse=True)[: allowed + 1]
        query = Q()
        for anchor in anchors:
            query |= Q(text__contains=f" {anchor} ")
        candidates = LogEntry.objects.filter(query).order_by("-index")[:MAX_CANDIDATES]
        for entry in candidates:
            if entry.subject in matches:
                continue
            found = _near(quote, entry, allowed)
            if found is not None:
                matches[entry.subject] = found
    ordered = sorted(matches.values(), key=lambda m: (not m.exact, m.distance, -m.entry.index))
    return ordered[:MAX_RESULTS]
