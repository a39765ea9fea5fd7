"""French text understanding shared by indexing and querying.

Both sides go through the same steps so that a resident's spelling meets the editors' spelling:
Unicode folding, lower case, accents removed, elisions (l', d', qu', j'…) cut, SMS spellings
expanded, stop words dropped, then the French Snowball stemmer.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

MAX_QUERY_LENGTH = 200

_APOSTROPHES = "'’‘`´ʼ′"
_ELISIONS = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}

# SMS and hurried spellings → the word they stand for (outputs are never keys: idempotent).
SMS = {
    "jai": "ai",
    "jsuis": "suis",
    "chui": "suis",
    "jveux": "veux",
    "kel": "quel",
    "kelle": "quelle",
    "koi": "quoi",
    "kan": "quand",
    "qd": "quand",
    "pr": "pour",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pcq": "parce",
    "ds": "dans",
    "tt": "tout",
    "ts": "tous",
    "bcp": "beaucoup",
    "mm": "meme",
    "auj": "aujourdhui",
    "ajd": "aujourdhui",
    "dm": "demain",
    "dmn": "demain",
    "mtn": "maintenant",
    "mnt": "maintenant",
    "stp": "",
    "svp": "",
    "slt": "",
    "bjr": "",
    "cc": "",
    "nn": "non",
    "ok": "",
    "ya": "",
    "keske": "",
    "kesako": "",
    "cmt": "comment",
    "cmb": "combien",
    "rdv": "rendez vous",
    "dechetterie": "decheterie",
    "biblio": "bibliotheque",
}

# Function words that carry no topic (accentless, as produced by ``normalise``).
STOP_WORDS = frozenset(
    """
    a ai aie aient aies ait as au aux avais avait avez avions avoir avons ayant c ca ce ceci cela
    celle celles celui ces cet cette ceux chez comme comment d dans de des du elle elles en es est
    et etaient etais etait etant ete etes etre eu eux faut il ils j je la le les leur leurs lui m
    ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas peut peux pour qu que quel
    quelle quelles quels qui quoi s sa sans se ses si son sont suis sur t ta te tes toi ton tu un
    une vos votre vous y est-ce faire fait dois doit doivent puis veux voudrais aimerais savoir
    quand combien possible bonjour merci cest quest estce veut veulent voulons voulez voudrait
    voudrions voudriez voulais voulait
    """.split()
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _fold(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    text = _CONTROL.sub(" ", text).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", text).casefold()


def _tokens(folded: str) -> list[str]:
    for mark in _APOSTROPHES:
        folded = folded.replace(mark, "'")
    out: list[str] = []
    for word in re.split(r"[^\w']+", folded):
        word = word.replace("_", "")
        parts = [p for p in word.split("'") if p]
        if len(parts) > 1 and parts[0] in _ELISIONS:
            parts = parts[1:]
        for part in parts:
            part = "".join(ch for ch in part if ch.isalnum())
            if not part:
                continue
            mapped = SMS.get(part, part)
            out.extend(mapped.split())
    return out


def normalise(raw: str, *, limit: int | None = None) -> str:
    """Canonical text: lower-case accentless alphanumeric words joined by one space.

    Never raises; idempotent (``normalise(normalise(x)) == normalise(x)``).
    """
    text = raw if isinstance(raw, str) else str(raw)
    for _ in range(4):  # folding converges in one or two passes; bounded for safety
        folded = " ".join(_tokens(_fold(text)))
        if folded == text:
            break
        text = folded
    if limit is not None and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return text


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer("french")
    stemmer.maxCacheSize = 50_000
    return stemmer


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def content_words(normalised: str) -> list[str]:
    """The words of a normalised text that carry meaning (stop words and 1-letter words out)."""
    return [w for w in normalised.split() if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


def stems(text: str, *, normalised: bool = False) -> list[str]:
    """Stemmed content words of ``text``, in order (duplicates kept, for term frequency)."""
    words = content_words(text if normalised else normalise(text))
    return _stemmer().stemWords(words)


def index_text(text: str) -> str:
    """What goes into the full-text index for one field: stemmed content words."""
    return " ".join(stems(text))


def signature(text: str, *, normalised: bool = False) -> str:
    """Sorted set of stems: two wordings with the same signature are grouped together."""
    return " ".join(sorted(set(stems(text, normalised=normalised))))
