"""Everyday words against the site's: a general French thesaurus, and the site's own acronyms.

Residents write "proprio", "bagnole", "boulot"; the administration writes "propriétaire",
"véhicule", "emploi". Two general sources bridge them, neither picked for one corpus:

- the French thesaurus of LibreOffice (``data/thesaurus_fr.tsv.gz``, LGPL-2.1-or-later, see
  ``data/README.md``): a word of the question that the index does not hold at all gets, as
  expansions, the first few of its synonyms that the index does hold. A word the index holds is
  left alone: the thesaurus lists every sense of a word ("logement" → "cockpit"), so expanding
  words the site already uses would drown the question;
- the acronyms the indexed documents define themselves ("revenu de solidarité active (RSA)"):
  the long form is learnt from the documents (the letters of the acronym are the initials of
  the words before the parenthesis), so a question naming the acronym also finds the pages
  that only spell it out, and the other way round.
"""

from __future__ import annotations

import array
import bisect
import functools
import gzip
import re
from collections.abc import Sequence
from pathlib import Path

from parvis.answers.index import Vocabulary
from parvis.answers.text import STOP_WORDS, normalise, stem
from parvis.core.expiring import Expiring

THESAURUS = Path(__file__).resolve().parent / "data" / "thesaurus_fr.tsv.gz"
WORD_FORMS = Path(__file__).resolve().parent / "data" / "words_fr.txt.gz"
SYNONYMS_KEPT = 2  # synonyms the index holds, added for one unknown word (closest first)
SYNONYMS_SCAN = 5  # among the first synonyms listed: further down, other senses of the word
ACRONYMS_TTL = 3_600.0  # a scan of the documents: new definitions are learnt within the hour
ACRONYM_SCAN = 20_000  # characters of each document searched for acronym definitions


@functools.lru_cache(maxsize=1)
def thesaurus() -> dict[str, tuple[str, ...]]:
    """Normalised headword → its synonyms (normalised, closest meanings first)."""
    entries: dict[str, tuple[str, ...]] = {}
    with gzip.open(THESAURUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            head, _, synonyms = line.rstrip("\n").partition("\t")
            entries[head] = tuple(synonyms.split("|"))
    return entries


class _SortedWords(Sequence[bytes]):
    """A sorted word list held as one block of bytes and the offsets of its lines: the
    325 000 forms take ~5 MB instead of ~36 MB as a set of strings, and ``bisect`` finds one
    in about twenty comparisons."""

    def __init__(self, block: bytes) -> None:
        import numpy as np

        self._block = block
        ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10).astype(np.uint32)
        starts = np.concatenate((np.zeros(1, dtype=np.uint32), ends[:-1] + 1))
        self._starts = array.array("I", starts.tobytes())
        self._ends = array.array("I", ends.tobytes())

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> bytes:  # type: ignore[override]
        return self._block[self._starts[i] : self._ends[i]]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, bytes):
            return False
        i = bisect.bisect_left(self, word)
        return i < len(self) and self[i] == word


@functools.lru_cache(maxsize=1)
def _word_forms() -> _SortedWords:
    with gzip.open(WORD_FORMS, "rb") as handle:
        return _SortedWords(handle.read())


def french_word(word: str) -> bool:
    """True when the normalised ``word`` is a French word form ("veut", "fais", "voulons"):
    spelling leaves it alone, even where the site does not use it (``data/words_fr.txt.gz``,
    Debian's ``wfrench`` list, accentless)."""
    return word.encode() in _word_forms()


def _known(phrase: str, vocab: Vocabulary) -> bool:
    """Every content word of the phrase is in the index (by its stem)."""
    words = [w for w in phrase.split() if w not in STOP_WORDS and len(w) > 1]
    return bool(words) and all(stem(w) in vocab.stems for w in words)


def synonyms(word: str, vocab: Vocabulary) -> list[str]:
    """The site's words for an everyday word it does not use ("proprio" → "proprietaire").

    Empty when the index holds the word (its stem) already, or the thesaurus does not know it.
    """
    if stem(word) in vocab.stems or word.isdigit():
        return []
    entries = thesaurus()
    # Headwords are singular: "eboueurs" is looked up as "eboueur".
    listed = entries.get(word) or entries.get(word[:-1] if word[-1:] in ("s", "x") else "", ())
    found = [s for s in listed[:SYNONYMS_SCAN] if _known(s, vocab)]
    return found[:SYNONYMS_KEPT]


# --- Acronyms the documents define ------------------------------------------------------------

_DEFINED = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")
_WORD = re.compile(r"[\w'’-]+")
_SMALL = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "pour"}


def long_form(before: str, acronym: str) -> str | None:
    """The words before "(ACRONYM)" whose initials spell it, small words allowed between them.

    "le revenu de solidarité active" + "RSA" → "revenu de solidarité active".
    """
    letters = [c for c in acronym.lower() if c.isalpha()]
    words = _WORD.findall(before)[-(2 * len(letters) + 2) :]
    taken: list[str] = []
    i = len(letters) - 1
    for word in reversed(words):
        folded = normalise(word.split("'")[-1].split("’")[-1])
        if not folded:
            continue
        if i >= 0 and folded[0] == letters[i]:
            taken.append(word)
            i -= 1
            if i < 0:
                break
        elif folded in _SMALL and taken:
            taken.append(word)
        else:
            return None
    if i >= 0:
        return None
    return " ".join(reversed(taken))


def _acronyms_load() -> dict[str, str]:
    from django.db.models.functions import Substr

    from parvis.answers.models import SearchDocument

    counts: dict[str, dict[str, int]] = {}
    rows = SearchDocument.objects.annotate(scan=Substr("body", 1, ACRONYM_SCAN))
    for title, alternatives, short_answer, body in rows.values_list(
        "title", "alternatives", "short_answer", "scan"
    ).iterator():
        text = f"{title}\n{alternatives}\n{short_answer}\n{body}"
        for match in _DEFINED.finditer(text):
            acronym = match.group(1)
            # "(RSA)", "(Apa)", "(Pacs)" are acronyms; "(Paris)" is not.
            if sum(c.isupper() for c in acronym) < 2 and len(acronym) > 4:
                continue
            full = long_form(text[max(0, match.start() - 200) : match.start()], acronym)
            if full:
                key = normalise(acronym)
                forms = counts.setdefault(key, {})
                value = normalise(full)
                forms[value] = forms.get(value, 0) + 1
    return {key: max(forms, key=lambda f: (forms[f], f)) for key, forms in counts.items()}


_acronyms = Expiring(_acronyms_load, ttl=ACRONYMS_TTL)


def acronyms_invalidate() -> None:
    _acronyms.invalidate()


def acronyms() -> dict[str, str]:
    """Normalised acronym → normalised long form, as the indexed documents define them."""
    return _acronyms.get()


def acronym_expansions(tokens: list[str]) -> list[str]:
    """Long forms of the acronyms in the question, and acronyms of the long forms in it."""
    known = acronyms()
    out = [known[t] for t in tokens if t in known]
    padded = f" {' '.join(tokens)} "
    firsts = set(tokens)
    out.extend(
        acr
        for acr, full in known.items()
        if " " in full and full.split(" ", 1)[0] in firsts and f" {full} " in padded
    )
    return out
