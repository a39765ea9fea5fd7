"""Find a quoted sentence in the certified publications.

Both the quote and the stored text go through ``normalise_tokens`` (case, accents, punctuation,
typographic quotes and apostrophes, whitespace are ignored). A quote matches:

- exactly when its tokens appear, in order and contiguous, in a statement's text;
- near-exactly when some passage of the text is within a token edit distance of
  ``max(1, len(quote) // 10)`` (one word changed, added or dropped per ten words; quotes of at
  least ``NEAR_MIN_TOKENS`` words). A near match is shown as "differs from what the city
  published", with the certified passage, never as a confirmation.

Cost is bounded by design, whatever the quote: at most ``MAX_TOKENS`` words (longer quotes get
a clear message), at most ``MAX_CANDIDATES`` statements read, a multiset bound that discards a
statement or a passage before any alignment (an edit distance is at least the number of quote
words missing from the passage), at most ``MAX_WINDOW_CHECKS`` passages looked at and
``MAX_WINDOWS`` aligned per search, and the
alignments themselves done by RapidFuzz's C implementation with a cut-off.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from rapidfuzz.distance import Levenshtein

from parvis.certification.canonical import normalise_tokens
from parvis.certification.models import LogEntry
from parvis.certification.statements import searchable_text

MIN_TOKENS = 3
NEAR_MIN_TOKENS = 5
MAX_TOKENS = 300
MAX_CANDIDATES = 200
MAX_WINDOWS = 60  # passages aligned per search
MAX_WINDOW_CHECKS = 2000  # passages looked at (multiset bound) per search
MAX_ANCHORS = 4
MAX_RESULTS = 10


class QuoteTooLong(ValueError):
    """The quote has more than MAX_TOKENS words."""


@dataclass(frozen=True)
class QuoteMatch:
    entry: LogEntry
    exact: bool
    passage: str
    distance: int
    url: str = ""  # the page's signed address (its site's origin and path)


def _missing(quote: Counter[str], text: Counter[str]) -> int:
    """Quote words absent from ``text`` (with multiplicity): a lower bound of the distance."""
    return sum((quote - text).values())


def _best_passage(
    quote: list[str], window: list[str], offset: int, allowed: int
) -> tuple[int, int, int] | None:
    """Smallest token edit distance (≤ allowed) from ``quote`` to a passage of ``window``
    starting within ``allowed`` of ``offset``: (distance, start, end), or None."""
    length = len(quote)
    best: tuple[int, int, int] | None = None
    for start in range(max(0, offset - allowed), min(len(window), offset + allowed) + 1):
        for delta in sorted(range(-allowed, allowed + 1), key=abs):
            limit = allowed if best is None else best[0] - 1
            if abs(delta) > limit or limit < 0:
                break
            end = start + length + delta
            if end > len(window) or end <= start:
                continue
            d = Levenshtein.distance(quote, window[start:end], score_cutoff=limit)
            if d <= limit:
                best = (d, start, end)
    return best


def _signed_url(entry: LogEntry) -> str:
    return str(json.loads(bytes(entry.statement)).get("url") or "")


def _passage(entry: LogEntry, start: int, end: int) -> str:
    """The original words (accents, punctuation kept) behind tokens ``start:end``."""
    words = searchable_text(json.loads(bytes(entry.statement))).split()
    owner: list[int] = []
    for position, word in enumerate(words):
        owner += [position] * len(normalise_tokens(word))
    if not owner or start >= len(owner):
        return ""
    return " ".join(words[owner[start] : owner[max(start, end - 1)] + 1])


def _near(quote: list[str], entry: LogEntry, allowed: int, budget: list[int]) -> QuoteMatch | None:
    text = entry.text.split()
    wanted = Counter(quote)
    if _missing(wanted, Counter(text)) > allowed:
        return None
    positions: dict[str, list[int]] = {}
    for position, token in enumerate(text):
        if token in wanted:
            positions.setdefault(token, []).append(position)
    # Rarest quote words in this text first: fewest passages to try.
    anchors = sorted(
        {t for t in quote if t in positions}, key=lambda t: (len(positions[t]), -len(t))
    )[:MAX_ANCHORS]
    best: tuple[int, int, int] | None = None
    tried: set[int] = set()
    for anchor in anchors:
        offset = quote.index(anchor)
        for position in positions[anchor]:
            lo = max(0, position - offset - allowed)
            if lo in tried:
                continue
            tried.add(lo)
            if budget[0] <= 0 or budget[1] <= 0:
                break
            budget[1] -= 1
            window = text[lo : position - offset + len(quote) + 2 * allowed]
            if _missing(wanted, Counter(window)) > allowed:
                continue
            budget[0] -= 1
            found = _best_passage(quote, window, position - offset - lo, allowed)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], lo + found[1], lo + found[2])
                if best[0] == 0:
                    break
    if best is None:
        return None
    return QuoteMatch(entry, False, _passage(entry, best[1], best[2]), best[0], _signed_url(entry))


def quote_search(*, text: str) -> list[QuoteMatch]:
    """Certified statements containing ``text`` (exact first, then near), newest per page."""
    quote = normalise_tokens(text[: MAX_TOKENS * 40])
    if len(quote) < MIN_TOKENS:
        raise ValueError("quote too short")
    if len(quote) > MAX_TOKENS:
        raise QuoteTooLong(f"quote longer than {MAX_TOKENS} words")
    needle = " " + " ".join(quote) + " "
    exact = LogEntry.objects.filter(text__contains=needle).order_by("-index")[:MAX_CANDIDATES]
    matches: dict[str, QuoteMatch] = {}
    for entry in exact:
        if entry.subject not in matches:
            start = entry.text[: entry.text.index(needle) + 1].count(" ") - 1
            passage = _passage(entry, start, start + len(quote))
            matches[entry.subject] = QuoteMatch(entry, True, passage, 0, _signed_url(entry))
    if not matches and len(quote) >= NEAR_MIN_TOKENS:
        allowed = max(1, len(quote) // 10)
        # A passage within `allowed` edits keeps all but `allowed` of the quote's words: the
        # longest (most selective) of any `allowed + 1` of them must appear in it.
        anchors = sorted(set(quote), key=len, reverse=True)[: allowed + 1]
        query = Q()
        for anchor in anchors:
            query |= Q(text__contains=f" {anchor} ")
        candidates = LogEntry.objects.filter(query).order_by("-index")[:MAX_CANDIDATES]
        budget = [MAX_WINDOWS, MAX_WINDOW_CHECKS]
        for entry in candidates:
            if entry.subject in matches:
                continue
            found = _near(quote, entry, allowed, budget)
            if found is not None:
                matches[entry.subject] = found
            if budget[0] <= 0 or budget[1] <= 0:
                break
    ordered = sorted(matches.values(), key=lambda m: (not m.exact, m.distance, -m.entry.index))
    return ordered[:MAX_RESULTS]
