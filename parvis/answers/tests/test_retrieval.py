"""Retrieval and ranking against the database's full-text index (SQLite FTS5 / PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from parvis.answers import index, ranking
from parvis.answers.models import SearchDocument
from parvis.answers.query import understand
from parvis.answers.selectors import CONFIDENT, answer_query, normalise_query

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def test_paraphrased_question_finds_the_imported_answer(small_kb):
    """A question in other words ranks the document that answers it first."""
    response = answer_query(query="Peut-on déshériter ses enfants ?")
    assert response.results[0].id == "T1"
    assert response.results[0].source == "Test"


def test_question_without_accents_or_with_a_typo_still_matches(small_kb):
    """ "mediation familliale" (typo, no accent) finds the médiation familiale document."""
    response = answer_query(query="c koi la mediation familliale")
    assert response.results[0].id == "T4"
    assert response.suggestion == "c quoi la mediation familiale"


def test_lexicon_abbreviation_reaches_the_page(small_kb):
    """ "ANTS" and "permis" lead to the document about renewing a driving licence."""
    assert answer_query(query="renouveler permis ANTS").results[0].id == "T5"


def test_published_fiche_is_found_with_a_stable_id(publish_fiche):
    """A published Fiche is indexed at once and has the id ``fiche:<slug>``."""
    publish_fiche(
        "Obtenir un badge pour la navette fluviale",
        "Demandez le badge à l'accueil de la mairie avec une photo.",
        slug="badge-navette-test",
        alternative_questions="J'ai perdu mon badge de bateau",
    )
    response = answer_query(query="jai perdu mon badje navette")
    assert response.results[0].id == "fiche:badge-navette-test"
    assert response.answer is not None and response.confidence >= CONFIDENT
    assert response.answer.short_answer.startswith("Demandez le badge")


def test_unpublished_page_leaves_the_index(publish_fiche):
    """Unpublishing a page removes it from the results immediately."""
    page = publish_fiche("Emprunter une grelinette", "Inscription en ligne.")
    assert answer_query(query="grelinette").results[0].page_id == page.pk
    page.unpublish()
    assert not SearchDocument.objects.filter(page_id=page.pk).exists()
    assert all(item.page_id != page.pk for item in answer_query(query="grelinette").results)


def test_deleted_page_leaves_the_index(publish_fiche):
    """Deleting a page removes its document."""
    page = publish_fiche("Obtenir un permis de pêche municipal", "Demande en ligne.")
    assert answer_query(query="permis peche").results[0].page_id == page.pk
    page.delete()
    assert all(item.id != f"fiche:{page.slug}" for item in answer_query(query="peche").results)


def test_place_question_answers_with_places_and_their_status(publish_lieu):
    """ "piscine ouverte dimanche" lists the piscines, open ones first, for that Sunday."""
    publish_lieu("Déchèterie du Dimanche", "decheterie", hours={6: (9, 18)})
    publish_lieu("Déchèterie de Semaine", "decheterie", hours={0: (9, 18)})
    wednesday = dt.datetime(2026, 11, 25, 12, 0, tzinfo=PARIS)
    response = answer_query(query="decheterie ouverte dimanche", at=wednesday)
    card = response.answer
    titles = [p.title for p in card.places]
    assert card is not None and card.type == "lieux"
    assert titles.index("Déchèterie du Dimanche") < titles.index("Déchèterie de Semaine")
    assert card.places[0].is_open and not card.places[-1].is_open
    assert response.at == dt.datetime(2026, 11, 29, 10, 0, tzinfo=PARIS)


def test_place_question_narrows_to_the_named_quartier(publish_lieu):
    """ "médiathèque près de Chantenay" keeps the médiathèques of that quartier."""
    publish_lieu("Médiathèque Ouest", "mediatheque", quartier="Zzchantenay", hours={2: (10, 18)})
    publish_lieu("Médiathèque Est", "mediatheque", quartier="Zzdoulon", hours={2: (10, 18)})
    question = "médiathèque ouverte maintenant près de Zzchantenay"
    meaning = understand(normalise_query(question), now=timezone.now(), vocab=index.vocabulary())
    ranked = ranking.rank(meaning, vocab=index.vocabulary(), limit=30)
    # The place card (shown when its computed confidence is high enough) lists that quartier's.
    card, _confidence = ranking.place_answer(meaning, timezone.now(), ranked)
    assert [p.title for p in card.places] == ["Médiathèque Ouest"]


def test_fiche_answer_card_shows_the_status_of_its_places(publish_fiche, publish_lieu):
    """A Fiche's card says whether its place is open at the time asked."""
    mairie = publish_lieu("Mairie Test", "mairie", hours={0: (8, 17)})
    publish_fiche(
        "Déclarer une ruche", "Déclarez la ruche à la mairie sous 5 jours.", lieux=[mairie]
    )
    monday = dt.datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
    card = answer_query(query="declarer une ruche", at=monday).answer
    assert card is not None and card.places[0].is_open


@pytest.mark.parametrize("query", ["", "   ", "?!…", "\x00\x01", "a" * 10_000])
def test_malformed_queries_get_an_empty_or_bounded_answer(query):
    """Empty, punctuation-only, control or huge queries never raise."""
    response = answer_query(query=query)
    assert len(response.query) <= 200
    assert 0.0 <= response.confidence <= 1.0


def test_facet_filter_keeps_matching_results(small_kb, publish_fiche):
    """Filtering by type keeps only that type."""
    publish_fiche("Médiation familiale à la mairie", "Un médiateur vous reçoit.")  # a page too
    response = answer_query(query="mediation familiale", filters={"type": "knowledge"})
    assert response.results and {r.type for r in response.results} == {"knowledge"}


def test_semantic_ranking_is_off_by_default():
    """Without the setting, the engine stays lexical (no model is loaded in tests)."""
    from parvis.answers import semantic

    assert not semantic.enabled()


def test_reciprocal_rank_fusion_rewards_agreement():
    """A document ranked well by both rankings comes first after fusion."""
    from parvis.answers.semantic import fuse

    fused = fuse([1, 2, 3], [4, 2, 5])
    assert max(fused, key=fused.get) == 2 and set(fused) == {1, 2, 3, 4, 5}


def test_demo_content_is_indexed_on_publication():
    """The Nantes demo, published through revisions, answers residents' wording."""
    response = answer_query(query="jai perdu mon livret de famille")
    assert response.results[0].id == "fiche:livret-de-famille-perdu"
    assert answer_query(query="refaire ma cni").results[0].id == "fiche:refaire-carte-identite"


@pytest.mark.parametrize(
    "question",
    ["Quelle est la couleur du ciel ?", "recette de la pâte à crêpes", "carte grise"],
)
def test_a_question_the_site_cannot_answer_gets_no_answer_card(question):
    """A stray word matching one page is not an answer: no card, offer an agent instead."""
    response = answer_query(query=question)
    assert response.answer is None and response.confidence < 0.5


@pytest.mark.parametrize(
    "question", ["ou jeter un vieux canape", "renew my identity card", "mon enfant est ne hier"]
)
def test_no_suggestion_that_finds_no_better_answer(question):
    """A word the site does not know is not "corrected" into a word the answer is not about
    ("vieux" -> "lieux", "card" -> "tard", "hier" -> "hiver")."""
    assert answer_query(query=question).suggestion == ""


def test_unknown_word_kept_as_typed_still_finds_the_answer():
    """Refusing "vieux" -> "lieux" keeps the answer about old furniture first."""
    response = answer_query(query="ou jeter un vieux canape")
    assert response.results[0].id == "fiche:encombrants"


@pytest.mark.parametrize(
    ("question", "suggestion"),
    [("obtenir passport", "obtenir passeport"), ("piscime ouverte", "piscine ouverte")],
)
def test_suggestion_that_finds_the_answer_is_kept(question, suggestion):
    """A real typo whose correction is what the answer is about is still suggested."""
    assert answer_query(query=question).suggestion == suggestion


@pytest.mark.parametrize(
    ("question", "glued", "kept"),
    [
        ("signalement gratuit delai quelques heures", "Gratuit De", "Gratuit. De"),
        ("jours de collecte sortez le bon bac", "collecte Sortez", "collecte. Sortez"),
    ],
)
def test_snippets_keep_the_boundaries_between_fields_and_blocks(question, glued, kept):
    """A snippet never glues a field or a block title to the next one."""
    snippets = " ".join(r.snippet for r in answer_query(query=question).results)
    assert glued not in snippets
    assert kept in snippets
