"""Truncated words: a word the index does not know, completed from the index's own words.

Residents stop typing early ("passep", "attest", "carte d'ident"). A word that is neither in the
index nor within spelling distance of one of its words is completed to the index's most
frequent word that begins with it, when the beginning is long enough to say something and few
enough words share it.
"""

from __future__ import annotations

import bisect

from parvis.answers.index import Vocabulary

PREFIX_MIN = 4  # letters typed before a word is completed ("carte" is not "cartel")
PREFIX_MAX_CHOICES = 30  # more words beginning alike: the beginning says too little

_sorted: dict[int, tuple[Vocabulary, list[str]]] = {}


def _words(vocab: Vocabulary) -> list[str]:
    cached = _sorted.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        _sorted.clear()
        cached = (vocab, sorted(vocab.words))
        _sorted[id(vocab)] = cached
    return cached[1]


def complete(word: str, vocab: Vocabulary) -> str | None:
    """The index's most frequent word beginning with ``word`` (longer than it), or None."""
    if len(word) < PREFIX_MIN or word.isdigit():
        return None
    words = _words(vocab)
    start = bisect.bisect_right(words, word)
    choices = []
    for candidate in words[start : start + PREFIX_MAX_CHOICES + 1]:
        if not candidate.startswith(word):
            break
        choices.append(candidate)
    if not choices or len(choices) > PREFIX_MAX_CHOICES:
        return None
    return max(choices, key=lambda c: (vocab.words.get(c, 0), -len(c)))
