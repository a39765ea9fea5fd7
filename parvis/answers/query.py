"""Understanding a resident's question: time words, citizen lexicon, audiences, spelling,
places."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from parvis.answers import lexicon as everyday
from parvis.answers import typos
from parvis.answers.english import question_language, to_french
from parvis.answers.index import Vocabulary
from parvis.answers.text import STOP_WORDS, content_words, normalise, stem
from parvis.core.expiring import Expiring

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
PARTS_OF_DAY = {"matin": 10, "midi": 12, "aprem": 15, "soir": 19, "soiree": 19, "nuit": 22}
TIME_WORDS = {"maintenant", "actuellement", "aujourdhui", "demain", "ce", "cet", "cette", "apres"}
TIME_WORDS |= set(WEEKDAYS) | set(PARTS_OF_DAY) | {"prochain", "h", "heure", "heures"}
_CLOCK = re.compile(r"\b(?:a )?(\d{1,2}) ?h ?(\d{2})?\b")

OPEN_WORDS = {"ouvert", "ouverte", "ouverts", "ouvertes", "ouvre", "horaire", "horaires", "ferme"}
OPEN_WORDS |= {"fermee", "fermes", "fermees", "ouverture", "fermeture"}


@dataclass
class TimeRef:
    at: dt.datetime
    explicit: bool  # True when the question named a time ("dimanche", "ce soir")


def parse_time(normalised: str, *, now: dt.datetime) -> TimeRef:
    """The moment a question is about, in Europe/Paris; ``now`` when it names none."""
    local = now.astimezone(PARIS)
    words = normalised.split()
    day = local.date()
    explicit = False
    hour: int | None = None
    minute = 0
    if "apres demain" in normalised:
        day, explicit = day + dt.timedelta(days=2), True
    elif "demain" in words:
        day, explicit = day + dt.timedelta(days=1), True
    elif "aujourdhui" in words or "ce soir" in normalised:
        explicit = True
    for index, name in enumerate(WEEKDAYS):
        if name in words:
            ahead = (index - local.weekday()) % 7
            if "prochain" in words and ahead == 0:
                ahead = 7
            day, explicit = local.date() + dt.timedelta(days=ahead), True
            break
    for part, part_hour in PARTS_OF_DAY.items():
        if part in words:
            hour, explicit = part_hour, True
    if "apres" in words and "midi" in words:
        hour = 15
    clock = _CLOCK.search(normalised)
    if clock and 0 <= int(clock.group(1)) <= 23 and int(clock.group(2) or 0) < 60:
        hour, minute, explicit = int(clock.group(1)), int(clock.group(2) or 0), True
    if not explicit or "maintenant" in words:
        return TimeRef(now, explicit=False)
    if hour is None:
        hour, minute = (local.hour, local.minute) if day == local.date() else (10, 0)
    at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)
    return TimeRef(at, explicit=True)


def strip_time_words(normalised: str) -> str:
    text = _CLOCK.sub(" ", normalised)
    return " ".join(w for w in text.split() if w not in TIME_WORDS)


# --- Citizen lexicon --------------------------------------------------------------------------

LEXICON_TTL = 60.0


def _lexicon_load() -> dict[str, str]:
    from parvis.answers.models import LexiconEntry

    entries = {
        normalise(e.term): normalise(e.expansion)
        for e in LexiconEntry.objects.only("term", "expansion")
    }
    entries.pop("", None)
    return entries


_lexicon = Expiring(_lexicon_load, ttl=LEXICON_TTL)


def lexicon_invalidate() -> None:
    _lexicon.invalidate()


def lexicon() -> dict[str, str]:
    """Normalised citizen term → normalised expansion, from the editors' lexicon."""
    return _lexicon.get()


def expansions(normalised: str) -> list[str]:
    """Expansions of every lexicon term found in the question (whole words only)."""
    padded = f" {normalised} "
    return [exp for term, exp in lexicon().items() if f" {term} " in padded]


# --- Audiences named in the question -----------------------------------------------------------

AUDIENCES_TTL = 60.0


def audiences_invalidate() -> None:
    _audiences.invalidate()


def _inflection(word: str) -> str:
    """A word without its plural and feminine endings ("étudiantes" → "etudiant").

    Lighter than the stemmer on purpose: "habitant" must not meet "habitation".
    """
    bare = word.rstrip("sx").rstrip("e").rstrip("s")
    return bare if len(bare) >= 3 else word


def _phrase(text: str) -> tuple[str, ...]:
    """A phrase as comparable words: normalised, 1-letter words out, inflections folded."""
    return tuple(_inflection(w) for w in normalise(text).split() if len(w) > 1 or w.isdigit())


def _audience_phrases_load() -> list[tuple[str, tuple[str, ...]]]:
    from parvis.content.models import Audience

    phrases = {
        (audience.slug, _phrase(text))
        for audience in Audience.objects.only("slug", "name", "resident_words")
        for text in [audience.name, *audience.resident_words.splitlines()]
    }
    return sorted((p for p in phrases if p[1]), key=lambda p: (-len(p[1]), p))


_audiences = Expiring(_audience_phrases_load, ttl=AUDIENCES_TTL)


def audience_phrases() -> list[tuple[str, tuple[str, ...]]]:
    """(audience slug, phrase) for each audience's name and resident words, longest first."""
    return _audiences.get()


def audiences_named(tokens: list[str]) -> tuple[list[str], set[int]]:
    """The audiences a question names ("je suis étudiante"), and the positions of the words
    that name them in ``tokens`` (normalised words)."""
    kept = [(i, _inflection(w)) for i, w in enumerate(tokens) if len(w) > 1 or w.isdigit()]
    words = [w for _, w in kept]
    slugs: list[str] = []
    taken: set[int] = set()
    for slug, phrase in audience_phrases():
        size = len(phrase)
        for start in range(len(words) - size + 1):
            span = {kept[start + k][0] for k in range(size)}
            if tuple(words[start : start + size]) == phrase and not span & taken:
                taken |= span
                if slug not in slugs:
                    slugs.append(slug)
    return slugs, taken


# --- Communes named in the question --------------------------------------------------------

COMMUNES_TTL = 60.0


def communes_invalidate() -> None:
    _communes.invalidate()
    _default_commune.invalidate()


def _commune_phrases_load() -> list[tuple[str, tuple[str, ...]]]:
    """(commune slug, its name as normalised words) for every commune, longest first.

    Commune names are data (the Commune rows), not a list in the code: "saint herblain",
    "reze", "la chapelle sur erdre".
    """
    from parvis.content.models import Commune

    phrases = {
        (commune.slug, tuple(normalise(commune.name.replace("-", " ")).split()))
        for commune in Commune.objects.only("slug", "name")
    }
    return sorted((p for p in phrases if p[1]), key=lambda p: (-len(p[1]), p))


_communes = Expiring(_commune_phrases_load, ttl=COMMUNES_TTL)


def _default_commune_load() -> str:
    from parvis.content.models import Commune

    slug = Commune.objects.filter(site__is_default_site=True).values_list("slug", flat=True)
    return slug.first() or ""


_default_commune = Expiring(_default_commune_load, ttl=COMMUNES_TTL)


def default_commune() -> str:
    """The commune whose city runs the metropolitan portal (the default site), or ""."""
    return _default_commune.get()


def communes_named(tokens: list[str]) -> tuple[list[str], set[int]]:
    """The communes a question names ("mairie de Rezé"), and the positions of their words."""
    slugs: list[str] = []
    taken: set[int] = set()
    for slug, phrase in _communes.get():
        size = len(phrase)
        for start in range(len(tokens) - size + 1):
            span = set(range(start, start + size))
            if tuple(tokens[start : start + size]) == phrase and not span & taken:
                taken |= span
                if slug not in slugs:
                    slugs.append(slug)
    return slugs, taken


# --- Kinds of place named in the question ------------------------------------------------------

PLACE_KINDS_TTL = 60.0


def place_kinds_invalidate() -> None:
    _place_kinds.invalidate()


def _place_kind_phrases_load() -> list[tuple[str, tuple[str, ...]]]:
    """(LieuKind value, phrase as normalised words) for every kind's residents' words,
    longest first: the editors' data ("mairie", "hôtel de ville" → town hall)."""
    from parvis.answers.models import PlaceKindWords

    phrases = {
        (entry.kind, tuple(normalise(text.replace("-", " ")).split()))
        for entry in PlaceKindWords.objects.only("kind", "resident_words")
        for text in entry.words()
    }
    return sorted((p for p in phrases if p[1]), key=lambda p: (-len(p[1]), p))


_place_kinds = Expiring(_place_kind_phrases_load, ttl=PLACE_KINDS_TTL)


def place_kind_phrases() -> list[tuple[str, tuple[str, ...]]]:
    """(kind, phrase) for each kind of place's residents' words, longest first."""
    return _place_kinds.get()


def _plural_of(token: str, word: str) -> bool:
    return token == word or (len(word) > 2 and token in (word + "s", word + "x"))


def place_kind_named(tokens: list[str]) -> tuple[str | None, list[str]]:
    """The kind of place a question names first ("piscines", "hôtel de ville"), and the
    phrases (normalised, as typed) that named a kind; plurals in -s/-x fold."""
    found: list[tuple[int, str, str]] = []  # (position, kind, phrase as typed)
    taken: set[int] = set()
    for kind, phrase in place_kind_phrases():
        size = len(phrase)
        for start in range(len(tokens) - size + 1):
            span = set(range(start, start + size))
            if span & taken:
                continue
            if all(_plural_of(tokens[start + k], phrase[k]) for k in range(size)):
                taken |= span
                found.append((start, kind, " ".join(tokens[start : start + size])))
    found.sort()
    return (found[0][1] if found else None), [typed for _, _, typed in found]


# --- Spelling ---------------------------------------------------------------------------------


LONG_WORD = 8  # letters from which a word may be two edits away from the site's
INFLECTIONS = set("estxz")  # French verb and plural endings: "fais" / "fait" is not a typo


def _is_inflection(word: str, other: str) -> bool:
    """True when the two words differ only in an ending letter ("fais" / "fait")."""
    return (
        len(word) == len(other) and word[:-1] == other[:-1] and {word[-1], other[-1]} <= INFLECTIONS
    )


def correct(word: str, vocab: Vocabulary) -> str | None:
    """The site's own word closest to ``word`` (1 edit, 2 for long words), or None; a word cut
    short ("passep") is first completed to the index's word it begins (``typos.complete``).

    Only a word the site does not know is corrected, never a French word ("veut" is not a
    misspelt "peut": ``lexicon.french_word``), and never into another inflection of itself (a
    conjugated verb the site happens not to use is not a typo).
    """
    if len(word) < 4 or word in vocab.words or word.isdigit() or stem(word) in vocab.stems:
        return None
    if everyday.french_word(word):
        return None
    completed = typos.complete(word, vocab)  # a word cut short ("passep") before a typo
    if completed:
        return completed
    max_edits = 1 if len(word) < LONG_WORD else 2
    found = process.extractOne(
        word,
        vocab.words.keys(),
        scorer=Levenshtein.distance,
        score_cutoff=max_edits,
        processor=None,
    )
    if found is None:
        return None
    # Among equally close words, extractOne keeps the first; prefer the most frequent one.
    candidates = process.extract(
        word, vocab.words.keys(), scorer=Levenshtein.distance, score_cutoff=found[1], limit=20
    )
    candidates = [c for c in candidates if not _is_inflection(word, c[0])]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (vocab.words.get(c[0], 0), -c[1]))[0]


@dataclass
class ParsedQuery:
    """A resident's question, parsed once at the entry point and passed down.

    Everything below ``answer_query`` (ranking, confidence, places, snippets, spelling, the
    search log) reads this object; none of it normalises the question again.
    """

    text: str  # normalised question
    words: list[str]  # content words after spelling, without time words
    corrections: dict[str, str] = field(default_factory=dict)
    expanded: list[str] = field(default_factory=list)  # words added by the lexicon
    time: TimeRef | None = None
    place_kind: str | None = None
    place_words: list[str] = field(default_factory=list)  # what named a kind ("hotel de ville")
    asks_hours: bool = False
    audiences: list[str] = field(default_factory=list)  # slugs of the audiences named
    communes: list[str] = field(default_factory=list)  # slugs of the communes named
    home_commune: str = ""  # the site's own commune, what a question naming none is about
    context: list[str] = field(default_factory=list)  # the words that named them (not topic)
    now: dt.datetime | None = None  # when the question was asked (freshness is relative to it)
    raw: str = ""  # the question as typed (display form), what the semantic side embeds
    language: str = "fr"  # "en" for an English question (told by its function words)
    searched: str = ""  # normalised text searched: ``text``, or an English one in French words
    loggable: str = ""  # normalised with personal data masked: what the search log keeps
    topic_stems: list[str] = field(default_factory=list)  # stems of ``words``, in order
    expansion_stems: list[str] = field(default_factory=list)  # of ``expanded`` + ``context``

    @property
    def stems(self) -> set[str]:
        """Every stem the question retrieves with (topic, lexicon expansions, context)."""
        return {*self.topic_stems, *self.expansion_stems}

    @property
    def suggestion(self) -> str:
        """The question with spelling corrected ("Vouliez-vous dire …"), or ""."""
        if not self.corrections:
            return ""
        return " ".join(self.corrections.get(w, w) for w in self.text.split())


# The former name, kept for callers written against it.
Understanding = ParsedQuery


def _loggable(raw: str, text: str) -> str:
    """The normalised question with what people type about themselves masked (emails, phone,
    IBAN, social security numbers): masked on the raw text, where their spellings are known,
    so normalised again only when the mask changed something."""
    from parvis.core.privacy import personal_data_mask, personal_data_mask_normalised

    masked = personal_data_mask(raw)
    return personal_data_mask_normalised(text if masked == raw else normalise(masked, limit=200))


def understand(
    raw: str,
    *,
    now: dt.datetime,
    vocab: Vocabulary,
    keep: frozenset[str] = frozenset(),
    home_commune: str | None = None,
) -> ParsedQuery:
    """Parse a question (the one place it is normalised). Words in ``keep`` are taken as
    typed (a correction refused)."""
    text = normalise(raw, limit=200)
    return _parse(
        text,
        raw=raw,
        loggable=_loggable(raw, text),
        now=now,
        vocab=vocab,
        keep=keep,
        home_commune=default_commune() if home_commune is None else home_commune,
    )


def respell(parsed: ParsedQuery, *, vocab: Vocabulary, keep: frozenset[str]) -> ParsedQuery:
    """The same question parsed again with the corrections of ``keep`` refused, from its
    normalised text (not normalised again)."""
    return _parse(
        parsed.text,
        raw=parsed.raw,
        loggable=parsed.loggable,
        now=parsed.now or dt.datetime.now(PARIS),
        vocab=vocab,
        keep=keep,
        home_commune=parsed.home_commune,
    )


def _parse(
    text: str,
    *,
    raw: str,
    loggable: str,
    now: dt.datetime,
    vocab: Vocabulary,
    keep: frozenset[str],
    home_commune: str,
) -> ParsedQuery:
    language = question_language(text.split())
    # An English question is searched in the site's French words ("identity card" → "carte
    # identite"); its spelling is not corrected (English words are not French typos).
    searched = " ".join(to_french(text.split())) if language == "en" else text
    time_ref = parse_time(searched, now=now)
    topic = strip_time_words(searched)
    tokens = topic.split()
    audiences, naming = audiences_named(tokens)
    communes, naming_commune = communes_named(tokens)
    # Who the resident is is context, not topic; unless the question is about the audience
    # itself ("nouvel arrivant"). Either way, the words that named it are never "corrected".
    topical = any(content_words(w) for i, w in enumerate(tokens) if i not in naming)
    corrections: dict[str, str] = {}
    words: list[str] = []
    context: list[str] = []
    thesaurus_words: list[str] = []
    for i, word in enumerate(tokens):
        if not content_words(word):
            continue
        if i in naming:
            (context if topical else words).append(word)
            continue
        if i in naming_commune:  # a commune's name is a place, never a typo to correct
            words.append(word)
            continue
        synonyms = [] if language == "en" else everyday.synonyms(word, vocab)
        if synonyms:  # a French word the site does not use is not a typo: its synonyms are
            thesaurus_words.extend(synonyms)
            words.append(word)
            continue
        fixed = None if word in keep or language == "en" else correct(word, vocab)
        if fixed:
            corrections[word] = fixed
        words.append(fixed or word)
    corrected = " ".join(corrections.get(w, w) for w in tokens)
    added = [w for exp in expansions(corrected) for w in content_words(exp)]
    everyday_words = [*thesaurus_words, *everyday.acronym_expansions(corrected.split())]
    added += [w for exp in everyday_words for w in content_words(exp) if w not in added]
    kind, place_words = place_kind_named(
        [corrections.get(w, w) for i, w in enumerate(tokens) if i not in naming or not topical]
    )
    asks_hours = any(w in OPEN_WORDS for w in words) or time_ref.explicit
    topic_words = [w for w in words if w not in STOP_WORDS]
    return ParsedQuery(
        text=text,
        words=topic_words,
        corrections=corrections,
        expanded=added,
        time=time_ref,
        place_kind=kind,
        place_words=place_words,
        asks_hours=asks_hours,
        audiences=audiences,
        communes=communes,
        home_commune=home_commune,
        context=context,
        now=now,
        raw=raw,
        language=language,
        searched=searched,
        loggable=loggable,
        topic_stems=[stem(w) for w in topic_words],
        expansion_stems=[stem(w) for w in [*added, *context]],
    )
