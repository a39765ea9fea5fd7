"""French free text of an SMS answer: "oui", "OUI!", "1", "plutôt d'accord", a choice's words.

sms_parse("VELO12 plutôt d'accord")  → code "VELO12", rest "plutot d accord"
answer_parse(question, "plutot d accord") → ParsedAnswer(choice=0)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from parvis.listening.models import FieldQuestion

STOP_WORDS = frozenset(
    {
        "stop",
        "stop sms",
        "stopsms",
        "arret",
        "arret sms",
        "arreter",
        "stop stop",
        "stop svp",
        "stop merci",
        "desinscription",
        "unsubscribe",
    }
)
FOLLOW_WORDS = frozenset({"suivi", "suite", "info", "infos"})
# Longest phrases first: "pas d accord" must win over "d accord".
_NO = (
    "pas du tout d accord",
    "plutot pas d accord",
    "pas vraiment",
    "pas d accord",
    "pas du tout",
    "absolument pas",
    "surtout pas",
    "non merci",
    "defavorable",
    "jamais",
    "contre",
    "nan",
    "non",
    "no",
    "n",
)
_YES = (
    "tout a fait d accord",
    "plutot d accord",
    "tout a fait",
    "bien sur",
    "d accord",
    "absolument",
    "favorable",
    "evidemment",
    "carrement",
    "ouais",
    "ouai",
    "yes",
    "oui",
    "pour",
    "ok",
    "o",
)
_RATING = re.compile(r"^(?:note\s+)?([1-5])(?:\s*(?:sur|/)\s*5|\s*etoiles?)?\b")
_NUMBER = re.compile(r"^([1-9])\b")


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space ("OUI !" → "oui")."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("/", " / ")
    text = re.sub(r"[^\w/]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Incoming:
    """What an SMS asks for: a question's code (or none), and the rest of its words."""

    code: str
    rest: str
    original_rest: str
    stop: bool = False
    follow: bool = False


def sms_parse(text: str, *, codes: set[str]) -> Incoming:
    """Split ``text`` into a known question code (its first word) and the answer."""
    words = normalise(text)
    if words in STOP_WORDS:
        return Incoming(code="", rest="", original_rest="", stop=True)
    original = (text or "").strip()
    first, _space, rest = words.partition(" ")
    code = ""
    if first.upper() in codes:
        code = first.upper()
        words = rest
        original = original.split(None, 1)[1] if len(original.split(None, 1)) > 1 else ""
    if words in FOLLOW_WORDS:
        return Incoming(code=code, rest="", original_rest="", follow=True)
    return Incoming(code=code, rest=words, original_rest=original.strip())


@dataclass(frozen=True)
class ParsedAnswer:
    choice: int | None = None
    rating: int | None = None
    remark: str = ""


def _startswith_phrase(words: str, phrase: str) -> str | None:
    """The words after ``phrase`` if ``words`` starts with it as whole words, else None."""
    if words == phrase:
        return ""
    if words.startswith(phrase + " "):
        return words[len(phrase) + 1 :]
    return None


def _yes_no(words: str) -> tuple[int, str] | None:
    for index, phrases in ((1, _NO), (0, _YES)):
        for phrase in phrases:
            rest = _startswith_phrase(words, phrase)
            if rest is not None:
                return index, rest
    return None


def _choice_by_words(question: FieldQuestion, words: str) -> tuple[int, str] | None:
    """A choice whose label (or all its significant words) the text contains; only one."""
    found: list[tuple[int, str]] = []
    for index, label in enumerate(question.choices):
        norm = normalise(label)
        if not norm:
            continue
        rest = _startswith_phrase(words, norm)
        if rest is not None:
            return index, rest
        significant = [w for w in norm.split() if len(w) > 2] or norm.split()
        matches = [re.search(rf"\b{re.escape(w)}\b", words) for w in significant]
        if all(matches):
            end = max(m.end() for m in matches if m)
            found.append((index, words[end:].strip()))
    if len(found) == 1:
        return found[0]
    return None


def _remark_after(original: str, rest_words: str) -> str:
    """The remark in the person's own spelling: the last words of ``original``."""
    if not rest_words:
        return ""
    count = len(rest_words.split())
    parts = original.split()
    return " ".join(parts[-count:]) if count <= len(parts) else original


def answer_parse(question: FieldQuestion, words: str, original: str = "") -> ParsedAnswer | None:
    """The answer ``words`` (normalised) gives to ``question``, or None if not understood."""
    original = original or words
    kind = question.kind
    if kind == FieldQuestion.Kind.FREE_TEXT:
        return ParsedAnswer(remark=original.strip()[:1000]) if words else None
    if kind == FieldQuestion.Kind.RATING:
        match = _RATING.match(words)
        if match:
            return ParsedAnswer(rating=int(match.group(1)))
        return None
    if not words:
        return None
    found: tuple[int, str] | None = None
    number = _NUMBER.match(words)
    if number and int(number.group(1)) <= len(question.choices):
        found = int(number.group(1)) - 1, words[number.end() :].strip()
    if found is None and kind == FieldQuestion.Kind.YES_NO:
        found = _yes_no(words)
    if found is None:
        found = _choice_by_words(question, words)
    if found is None and len(question.choices) == 2:
        # "Oui"/"Non"-like first choices in a choice question: the same French words work.
        yes_no = _yes_no(words)
        labels = [normalise(c) for c in question.choices]
        if yes_no and labels[0].startswith("oui") and labels[1].startswith("non"):
            found = yes_no
    if found is None:
        return None
    index, rest = found
    remark = ""
    if kind == FieldQuestion.Kind.CHOICE_REMARK:
        remark = _remark_after(original, rest)[:1000]
    return ParsedAnswer(choice=index, remark=remark)
