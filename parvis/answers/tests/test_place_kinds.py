"""Kinds of place and the residents' words for them are data the editors change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from parvis.answers.index import vocabulary
from parvis.answers.models import PlaceKindWords
from parvis.answers.query import place_kind_named, understand
from parvis.answers.selectors import answer_query

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
SUNDAY_NOON = dt.datetime(2026, 11, 29, 12, 0, tzinfo=PARIS)


def _kind(question: str) -> tuple[str | None, list[str]]:
    parsed = understand(question, now=SUNDAY_NOON, vocab=vocabulary())
    return parsed.place_kind, parsed.place_words


def test_the_seeded_words_are_the_former_lists() -> None:
    """The data migration seeds what the code used to hard-code, plurals included."""
    assert _kind("piscines ouvertes dimanche")[0] == "piscine"
    assert _kind("ou nager le soir")[0] == "piscine"
    assert _kind("bibliothèque du quartier")[0] == "mediatheque"
    assert _kind("Mairies annexes")[0] == "mairie"
    assert _kind("dechetterie horaires")[0] == "decheterie"  # an SMS spelling, folded first
    assert _kind("ccas nantes")[0] == "ccas"
    assert _kind("carte d'identité")[0] is None


def test_a_phrase_names_a_kind_and_the_first_kind_named_wins() -> None:
    """ "hôtel de ville" (seeded: a phrase, which the former word lists could not hold)."""
    assert place_kind_named(["hotels", "de", "ville", "piscine"]) == (
        "mairie",
        ["hotels de ville", "piscine"],
    )
    assert _kind("Hôtel de Ville horaires") == ("mairie", ["hotel de ville"])
    assert _kind("ville de nantes")[0] is None


def test_an_editor_adds_a_word_and_the_engine_answers_with_the_places(
    publish_lieu: Callable,
) -> None:
    """ "recyclerie ouverte dimanche" names no kind until an editor adds the word; then the
    answer is the déchèteries with their status (the card comes from the data, not the code)."""
    publish_lieu("Déchèterie test du dimanche", "decheterie", hours={6: (9, 18)})
    publish_lieu("Déchèterie test du lundi", "decheterie", hours={0: (9, 18)})
    assert _kind("recyclerie ouverte dimanche")[0] is None
    entry = PlaceKindWords.objects.get(kind="decheterie")
    entry.resident_words += "\nrecyclerie"
    entry.save()
    assert _kind("recyclerie ouverte dimanche")[0] == "decheterie"
    response = answer_query(query="déchèterie ouverte dimanche", at=SUNDAY_NOON)
    assert response.answer is not None and response.answer.id == "lieux:decheterie"
    status = {p.title: p.is_open for p in response.answer.places}
    assert status["Déchèterie test du dimanche"] is True
    assert status["Déchèterie test du lundi"] is False


def test_editors_edit_the_words_in_the_back_office() -> None:
    """The snippet is listed, and a save through the admin form changes what is understood."""
    client = Client()
    client.force_login(User.objects.create_superuser("editrice", "e@ville.test", "pw-123456"))
    listing = client.get("/admin/snippets/answers/placekindwords/")
    assert listing.status_code == 200
    assert "Déchèterie" in listing.content.decode()
    entry = PlaceKindWords.objects.get(kind="piscine")
    edit = client.post(
        f"/admin/snippets/answers/placekindwords/edit/{entry.pk}/",
        {"kind": "piscine", "resident_words": "piscine\nbassin"},
    )
    assert edit.status_code == 302, edit.content.decode()[:2000]
    assert _kind("bassin ouvert")[0] == "piscine"
    assert _kind("nager le soir")[0] is None


def test_an_empty_list_of_words_is_refused_with_a_message() -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("editeur", "f@ville.test", "pw-123456"))
    entry = PlaceKindWords.objects.get(kind="ccas")
    page = client.post(
        f"/admin/snippets/answers/placekindwords/edit/{entry.pk}/",
        {"kind": "ccas", "resident_words": ""},
    )
    assert page.status_code == 200  # the form again, with its error
    entry.refresh_from_db()
    assert entry.resident_words == "CCAS"
