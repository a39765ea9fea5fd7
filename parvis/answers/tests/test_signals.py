"""Signals beside the text: the audience a resident names, news freshness, Fiche review dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from parvis.answers.index import vocabulary
from parvis.answers.models import SearchDocument
from parvis.answers.query import understand
from parvis.answers.selectors import answer_query

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NOON = dt.time(12, tzinfo=PARIS)


def _ids(query: str, at: dt.datetime | None = None) -> list[str]:
    return [item.id for item in answer_query(query=query, at=at).results]


def test_question_names_an_audience_as_context(audience):
    """ "je suis étudiante" names the étudiant audience (feminine, by its resident words); its
    words leave the topic, and "habitation" does not name the audience "habitant"."""
    audience("Étudiant", "etudiant", "je suis étudiant\nétudiant boursier")
    audience("Habitant", "habitant-test")
    meaning = understand(
        "Je suis étudiante, aide pour la taxe d'habitation",
        now=dt.datetime.now(PARIS),
        vocab=vocabulary(),
    )
    assert meaning.audiences == ["etudiant"]
    assert meaning.context == ["etudiante"]
    assert meaning.words == ["aide", "taxe", "habitation"]


def test_question_only_naming_an_audience_keeps_its_words_as_topic(audience):
    """ "étudiant boursier" alone is about the audience: its words stay the topic."""
    audience("Étudiant", "etudiant", "étudiant boursier")
    meaning = understand("étudiant boursier", now=dt.datetime.now(PARIS), vocab=vocabulary())
    assert meaning.audiences == ["etudiant"]
    assert meaning.words == ["etudiant", "boursier"] and meaning.context == []


def test_audience_named_reorders_close_candidates(audience, publish_fiche):
    """Of two close Fiches, the one for the audience the resident names comes first, though
    neither text says "étudiant"."""
    students = audience("Étudiant", "etudiant", "je suis étudiant")
    publish_fiche(
        "Obtenir le pass navette fluviale",
        "Le pass navette fluviale se demande en ligne, avec une photo.",
        slug="pass-navette-general",
    )
    publish_fiche(
        "Obtenir le pass navette fluviale à tarif réduit",
        "Le pass navette fluviale à tarif réduit se demande en ligne, avec une photo et un "
        "justificatif.",
        slug="pass-navette-reduit",
        audiences=[students],
    )
    assert _ids("pass navette fluviale")[:2] == [
        "fiche:pass-navette-general",
        "fiche:pass-navette-reduit",
    ]
    assert _ids("je suis étudiant, pass navette fluviale")[:2] == [
        "fiche:pass-navette-reduit",
        "fiche:pass-navette-general",
    ]


def test_news_is_fresh_then_falls_behind_a_current_fiche(publish_fiche, publish_actualite):
    """A new Actualité rises above a close Fiche; a year later the Fiche comes first."""
    published = dt.date(2026, 3, 2)
    publish_fiche(
        "Prêt de composteurs de quartier",
        "La Ville prête des composteurs collectifs de quartier aux habitants volontaires.",
        slug="composteurs-quartier",
        last_reviewed=published,
    )
    publish_actualite(
        "Prêt de composteurs de quartier",
        "La Ville prête des composteurs de quartier.",
        date=published,
    )
    news = SearchDocument.objects.get(kind="actualite", title="Prêt de composteurs de quartier")
    assert news.published_on == published
    the_day_after = dt.datetime.combine(published + dt.timedelta(days=1), NOON)
    a_year_later = dt.datetime.combine(published + dt.timedelta(days=360), NOON)
    assert _ids("composteurs de quartier", the_day_after)[0] == news.key
    assert _ids("composteurs de quartier", a_year_later)[0] == "fiche:composteurs-quartier"


def test_fiche_overdue_for_review_falls_behind_an_equal_one(publish_fiche):
    """Two Fiches that say the same score the same until one is overdue for review; then
    it comes second."""
    reviewed = dt.date(2026, 1, 15)
    for slug, last_reviewed in [("kayak-ancien", reviewed), ("kayak-relu", dt.date(2026, 8, 1))]:
        publish_fiche(
            "Louer un kayak municipal",
            "Le kayak municipal se loue à la base nautique.",
            slug=slug,
            last_reviewed=last_reviewed,
        )
    due = SearchDocument.objects.get(key="fiche:kayak-ancien").review_due
    assert due == reviewed + dt.timedelta(days=365)

    def scores(day: dt.date) -> dict[str, float]:
        at = dt.datetime.combine(day, NOON)
        return {r.id: r.score for r in answer_query(query="louer kayak municipal", at=at).results}

    before, after = scores(due), scores(due + dt.timedelta(days=1))
    assert before["fiche:kayak-ancien"] == before["fiche:kayak-relu"]
    assert list(after)[:2] == ["fiche:kayak-relu", "fiche:kayak-ancien"]
    assert after["fiche:kayak-ancien"] < after["fiche:kayak-relu"]


def test_imported_documents_are_neutral_to_dates_and_audiences(audience, small_kb):
    """Imported documents (no date, no audience) score the same whenever and whoever asks."""
    audience("Étudiant", "etudiant", "je suis étudiant")
    assert (
        not SearchDocument.objects.filter(kind="knowledge")
        .exclude(published_on=None, review_due=None)
        .exists()
    )
    now = dt.datetime(2026, 11, 25, 12, tzinfo=PARIS)
    later = now + dt.timedelta(days=3 * 365)
    plain = answer_query(query="médiation familiale divorce", at=now).results
    asked = answer_query(query="je suis étudiant, médiation familiale divorce", at=later).results
    assert plain[0].id == "T4"
    assert [(r.id, r.score) for r in asked if r.source == "Test"] == [
        (r.id, r.score) for r in plain if r.source == "Test"
    ]


def test_demo_audiences_carry_residents_words():
    """The demo's audiences are named the way residents put it ("on vient d'emménager")."""
    now = dt.datetime.now(PARIS)
    vocab = vocabulary()
    assert understand("on vient d'emménager, la crèche", now=now, vocab=vocab).audiences == [
        "nouvel-arrivant"
    ]
    assert understand("terrasse pour mon restaurant", now=now, vocab=vocab).audiences == [
        "entreprise"
    ]
