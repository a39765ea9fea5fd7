"""Question kinds: what a question asks for, matched with what a page says it answers.

"Qu'est-ce que le quotient familial ?" asks for a definition: the page titled "Le quotient
familial, c'est quoi ?" answers it better than one on a detail of the subject ("Quotient
familial : comment le calculer ?"), even when the detail page holds more of the words. The kind
is read the same way on both sides, from the question's words and from a page's title and
other wordings (the questions it answers): definition, how-to, can I, must I, who, how much,
when, where. The words that say it are French function words, not a list of subjects.

Both sides are read after ``normalise`` (elisions cut: "qu'est-ce que" → "est ce que", "c'est
quoi" → "est quoi", "peut-on" → "peut on").
"""

from __future__ import annotations

import re

from parvis.answers.models import SearchDocument
from parvis.answers.text import normalise

KIND_BOOST = 0.1  # a share of the best score, like the other re-ranking signals

_PATTERNS = {
    "definition": (
        r"^est ce qu(?:e|) (?:le|la|les|un|une|l|des|du)\b(?!.*\b(?:je|on|il|elle|nous|vous)\b)"
        r"|\best (?:ce que est|quoi)$|\best quoi\b|\bdefinition\b|\bsignifie\b|\bveut dire\b"
        r"|\ba quoi sert\b|\bsert a quoi\b|^quest ce\b"
    ),
    "howto": r"\bcomment\b|\bque faire\b|\bquelles? demarches?\b|\bmarche a suivre\b",
    "can": (
        r"\bpeut on\b|\bpuis je\b|\bpeux je\b|\bpeut (?:il|elle)\b|\bpeuvent (?:ils|elles)\b"
        r"|\bdroit (?:de|a|au|aux)\b|\bai je le droit\b|\best il possible\b|\bpossible de\b"
        r"|\bje peux\b|\bon peut\b|\bautorise\b"
    ),
    "must": r"\bdoit on\b|\bdois je\b|\bfaut il\b|\boblige\b|\bobligatoire\b|\bobligation\b",
    "who": r"^(?:a )?qui\b|\bqui (?:peut|doit|est|paie|contacter|prend)\b",
    "howmuch": r"\bcombien\b|\bcout\b|\bcoute\b|\bprix\b|\btarifs?\b|\bmontant\b|\bgratuit\b",
    "when": r"\bquand\b|\bdelais?\b|\ba partir de quel\b|\bquelle date\b",
    "where": r"^ou\b|\bou (?:trouver|faire|s adresser|aller|deposer|se)\b",
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in _PATTERNS.items()}


def kinds_of(text: str, *, normalised: bool = False) -> frozenset[str]:
    """The kinds a question (or a page's title) asks for; empty for a bare subject."""
    folded = text if normalised else normalise(text)
    return frozenset(kind for kind, pattern in _COMPILED.items() if pattern.search(folded))


_PAGE_KINDS: dict[tuple[int, object], frozenset[str]] = {}
PAGE_KINDS_CACHE = 5_000


def page_kinds(doc: SearchDocument) -> frozenset[str]:
    """The kinds a page answers, from its title and each of its other wordings."""
    key = (doc.pk, doc.updated_at)
    found = _PAGE_KINDS.get(key)
    if found is None:
        lines = [doc.title, *(doc.wordings or "").splitlines()]
        found = frozenset().union(*(kinds_of(line) for line in lines if line.strip()))
        if len(_PAGE_KINDS) > PAGE_KINDS_CACHE:
            _PAGE_KINDS.clear()
        _PAGE_KINDS[key] = found
    return found


def weigh(
    ranked: list[tuple[SearchDocument, float]], asked: frozenset[str], *, depth: int
) -> list[tuple[SearchDocument, float]]:
    """Raise, among the first ``depth`` candidates, the pages whose kind is the question's."""
    if not ranked or not asked:
        return ranked
    best = ranked[0][1]
    out = [
        (doc, score + best * KIND_BOOST if i < depth and page_kinds(doc) & asked else score)
        for i, (doc, score) in enumerate(ranked)
    ]
    out.sort(key=lambda pair: -pair[1])
    return out
