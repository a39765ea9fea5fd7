"""Compare the text a page actually serves with the text its statement signs.

The certified region of a page is the element carrying ``data-certified`` (base.html wraps the
page's main content in it when the page has a certified statement for its address). Its visible
text is cut into blocks at block-level elements (inline markup does not split a block, so a
sentence cannot be assembled from signed words in separate ``<span>``s). The page is faithful to
its statement when:

- every block is a contiguous run of the statement's signed words, possibly between interface
  labels the software ships (messages of the translation catalogue: "En bref", "Téléphone :"…);
- every line of every signed text field appears, as a contiguous run of words, in the region
  (``METADATA_FIELDS`` — seo_title, search_description, alternative_questions — are not shown in
  it; the block type names of a StreamField are structure, not text).

Elements marked ``data-uncertified`` inside the region are left out of the word comparison and
counted, so the verifier can say how much of the page it did not compare: what the clock
computes (the live opening status), values the statement signs as data but the page shows
formatted (opening hours and exceptions, dates, tags: signed in ``fields``/``related``), and cards
of other pages (each certified by its own statement). A Fiche's places and service contact, a
Lieu's kind and quartier and a Parcours's steps are compared word for word.

Words are compared after ``normalise_tokens`` (case, accents, punctuation, typographic quotes),
so more signed fields only make the comparison stricter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from bs4 import BeautifulSoup, NavigableString

from parvis.certification.canonical import normalise_tokens
from parvis.certification.statements import searchable_text
from parvis.certification.verify import VerificationError

REGION = "data-certified"
OUTSIDE = "data-uncertified"
MAX_SEGMENTED = 60  # longer blocks must be signed text or labels as a whole
# Signed but not shown as such in the region: page metadata and search phrasings, the address
# of an online procedure (a link's target), and a Fiche's per-address answer (a template shown
# only filled in for the address a resident gives, with the zone set naming its values).
METADATA_FIELDS = frozenset(
    {
        "seo_title",
        "search_description",
        "alternative_questions",
        "online_procedure_url",
        "zone_set",
        "zone_answer",
    }
)
TEXT_KINDS = frozenset({"text", "html", "stream"})
_BLOCKS = (
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p section table tbody td tfoot th thead tr ul"
).split()
_INVISIBLE = ["script", "style", "template", "noscript"]


def _spaced(text: str) -> str:
    return " " + " ".join(normalise_tokens(text)) + " "


def _contains(haystack: str, tokens: list[str]) -> bool:
    return f" {' '.join(tokens)} " in haystack


@dataclass(frozen=True)
class Region:
    blocks: list[str]  # visible text blocks the statement must sign
    outside: int  # blocks inside ``data-uncertified`` elements, not compared
    head_title: str  # the document's <title> (a home page may show its title only there)


def _blocks(element: Any) -> list[str]:
    for tag in element.find_all(_BLOCKS):
        tag.insert_before(NavigableString("\n"))
        tag.insert_after(NavigableString("\n"))
    return [" ".join(line.split()) for line in element.get_text().split("\n") if line.strip()]


def served_region(html: str) -> Region | None:
    """The visible text of the page's certified region; None when it has none."""
    soup = BeautifulSoup(html, "html.parser")
    region = soup.find(attrs={REGION: True})
    if region is None:
        return None
    for tag in region.find_all(_INVISIBLE):
        tag.decompose()
    for tag in region.find_all(attrs={"hidden": True}):
        tag.decompose()
    outside = 0
    for tag in region.find_all(attrs={OUTSIDE: True}):
        if tag.parent is not None:
            outside += len(_blocks(tag))
            tag.decompose()
    head_title = soup.title.get_text() if soup.title else ""
    return Region(blocks=_blocks(region), outside=outside, head_title=head_title)


def _stream_types(value: Any) -> set[str]:
    """Block type names in StreamField raw data (structure, not published text)."""
    if isinstance(value, dict):
        found = {value["type"]} if isinstance(value.get("type"), str) else set()
        return found.union(*(_stream_types(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_stream_types(item) for item in value))
    return set()


def region_blocks(html: str) -> list[str] | None:
    """The text blocks compared with the statement (outside parts removed)."""
    region = served_region(html)
    return region.blocks if region else None


@cache
def interface_labels() -> frozenset[str]:
    """Normalised texts of the software's own messages (French msgids, English translations)."""
    from django.utils.translation import trans_real

    labels: set[str] = set()
    catalog = trans_real.translation("en")._catalog  # noqa: SLF001 — Django's merged catalogue
    for msgid, msgstr in catalog.items():
        for text in (msgid, msgstr):
            if isinstance(text, str) and "%" not in text and "{" not in text:
                labels.add(" ".join(normalise_tokens(text)))
    labels.discard("")
    return frozenset(labels)


def _labels_only(tokens: list[str], labels: frozenset[str]) -> bool:
    """Whether ``tokens`` is a sequence of interface labels (empty counts)."""
    ends = {0}
    for end in range(1, len(tokens) + 1):
        if any(" ".join(tokens[start:end]) in labels for start in ends if start < end):
            ends.add(end)
    return len(tokens) in ends


def _block_signed(tokens: list[str], signed: str, labels: frozenset[str]) -> bool:
    """A block is labels, then at most one contiguous run of signed words, then labels.

    ("Téléphone : 02 40 41 90 00" is a label and a signed value; signed words from separate
    places cannot be strung together into a new sentence.)
    """
    if _contains(signed, tokens) or _labels_only(tokens, labels):
        return True
    if len(tokens) > MAX_SEGMENTED:
        return False
    for start in range(len(tokens)):
        if not _labels_only(tokens[:start], labels):
            continue
        for end in range(len(tokens), start, -1):
            if _contains(signed, tokens[start:end]) and _labels_only(tokens[end:], labels):
                return True
    return False


def served_content_check(*, html: str, statement: dict[str, Any]) -> int:
    """Raise VerificationError unless the page's certified region shows the signed text.

    Returns the number of blocks left out of the comparison (``data-uncertified``).
    """
    region = served_region(html)
    if region is None or not region.blocks:
        raise VerificationError("Cette page ne présente aucun contenu certifié.")
    signed = " " + " ".join(normalise_tokens(searchable_text(statement))) + " "
    served = " " + " ".join(t for block in region.blocks for t in normalise_tokens(block)) + " "
    labels = interface_labels()
    for block in region.blocks:
        tokens = normalise_tokens(block)
        if tokens and not _block_signed(tokens, signed, labels):
            raise VerificationError(
                f"La page affiche un texte que la Ville n'a pas signé : « {block[:200]} »."
            )
    title = normalise_tokens(str(statement.get("title") or ""))
    if title and not (_contains(served, title) or _contains(_spaced(region.head_title), title)):
        raise VerificationError("Le titre signé n'apparaît pas dans la page servie.")
    expected = []
    for field in statement.get("fields", []):
        # Text the page must show as written; values (dates, numbers, choices, references) are
        # signed as data and shown formatted, so they are checked as signed words, not lines.
        if field.get("name") in METADATA_FIELDS or field.get("kind") not in TEXT_KINDS:
            continue
        structure = _stream_types(field.get("value")) if field.get("kind") == "stream" else set()
        expected += [
            line
            for line in str(field.get("text") or "").splitlines()
            if line.strip() not in structure
        ]
    for line in expected:
        tokens = normalise_tokens(line)
        if tokens and not _contains(served, tokens):
            raise VerificationError(
                f"Un texte signé n'apparaît pas dans la page servie : « {line[:200]} »."
            )
    return region.outside
