"""Query understanding: time words, citizen lexicon, spelling tolerance."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from parvis.answers.index import Vocabulary
from parvis.answers.query import correct, expansions, lexicon_invalidate, parse_time
from parvis.answers.text import normalise

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY_NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("piscine ouverte maintenant", WEDNESDAY_NOON),
        ("piscine ouverte dimanche", dt.datetime(2026, 11, 29, 10, 0, tzinfo=PARIS)),
        ("mairie ouverte demain", dt.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)),
        ("mediatheque ce soir", dt.datetime(2026, 11, 25, 19, 0, tzinfo=PARIS)),
        ("piscine samedi matin", dt.datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)),
        ("mairie mercredi a 17h30", dt.datetime(2026, 11, 25, 17, 30, tzinfo=PARIS)),
    ],
)
def test_time_words_give_a_moment_in_paris(words, expected):
    """ "maintenant", "dimanche", "demain", "ce soir", "samedi matin", "17h30" → a datetime."""
    assert parse_time(normalise(words), now=WEDNESDAY_NOON).at == expected


def test_question_without_time_words_is_about_now():
    """No time word: the question is about the moment it is asked, not explicit."""
    ref = parse_time("refaire carte identite", now=WEDNESDAY_NOON)
    assert ref.at == WEDNESDAY_NOON and not ref.explicit


@pytest.mark.django_db
def test_lexicon_expands_citizen_words():
    """The seeded lexicon turns "CNI" into the site's words, on whole words only."""
    lexicon_invalidate()
    assert any("identite" in e for e in expansions(normalise("refaire ma CNI")))
    assert expansions(normalise("technique")) == []


@pytest.mark.django_db
def test_lexicon_edits_take_effect():
    """An entry added by an editor is used by the next query."""
    from parvis.answers.models import LexiconEntry

    LexiconEntry.objects.create(term="velib", expansion="vélo en libre-service bicloo")
    assert any("bicloo" in e for e in expansions("ou trouver un velib"))


def _vocab(*words: str) -> Vocabulary:
    return Vocabulary(10, {}, dict.fromkeys(words, 1))


def test_spelling_corrects_to_the_site_vocabulary():
    """A one-letter typo is corrected to the closest word of the index."""
    assert correct("pisine", _vocab("piscine", "mairie")) == "piscine"
    assert correct("mediateque", _vocab("mediatheque")) == "mediatheque"


def test_spelling_leaves_known_and_far_words_alone():
    """Known words, short words and words far from everything are kept as typed."""
    vocab = _vocab("piscine")
    assert correct("piscine", vocab) is None
    assert correct("bus", vocab) is None
    assert correct("velodrome", vocab) is None


def test_spelling_leaves_french_words_alone():
    """ "veut" is a French word the site does not use, not a misspelt "peut"; a word that is no
    French word is still corrected."""
    vocab = _vocab("peut", "piscine", "carte")
    assert correct("veut", vocab) is None
    assert correct("voulons", _vocab("moulons")) is None
    assert correct("pisine", vocab) == "piscine"


def test_spelling_never_turns_a_word_into_another_inflection():
    """ "fais" is a verb the site does not use, not a typo of "fait"."""
    assert correct("fais", _vocab("fait", "faire")) is None
