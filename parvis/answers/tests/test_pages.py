"""Search page, feedback, question to an agent, OpenSearch: forms that work without JS."""

from __future__ import annotations

import pytest

from parvis.answers.models import AnswerFeedback, QueryLog

pytestmark = pytest.mark.django_db


def test_search_page_shows_the_answer_card_first(client, publish_fiche):
    """A confident answer is shown as a card before the results, with the feedback form."""
    publish_fiche("Louer un vélo-cargo municipal", "Réservez le vélo-cargo à l'accueil.")
    html = client.get("/recherche/", {"q": "louer velo cargo"}).content.decode()
    assert html.index("Réservez le vélo-cargo") < html.index("Résultats</h2>")
    assert "Cette réponse vous a-t-elle aidé\u00a0?" in html


def test_snippet_highlights_words_and_escapes_html(client, knowledge):
    """Matched words are in <mark>; markup in documents is escaped (no XSS)."""
    knowledge([{"id": "X1", "body": "Le <script>alert(1)</script> stationnement résidentiel."}])
    html = client.get("/recherche/", {"q": "stationnement script"}).content.decode()
    assert "<mark>stationnement</mark>" in html
    assert "<script>alert(1)" not in html and "&lt;" in html


def test_query_with_markup_is_escaped(client):
    """The resident's own query is never rendered as HTML."""
    html = client.get("/recherche/", {"q": '<img src=x onerror="alert(1)">'}).content.decode()
    assert "<img src=x" not in html


@pytest.mark.parametrize("q", ["???", "\x00", "a" * 10_000])
def test_odd_queries_render_a_page(client, q):
    """Punctuation, control characters and 10 kB queries get a page, not a 500."""
    assert client.get("/recherche/", {"q": q}).status_code == 200


def test_no_result_offers_an_agent_form(client):
    """No result never dead-ends: the page offers to ask an agent."""
    html = client.get("/recherche/", {"q": "zzzzqqq xxyyzz"}).content.decode()
    assert "Poser la question à un agent" in html and 'name="csrfmiddlewaretoken"' in html


def test_a_confident_answer_still_links_to_an_agent(client, publish_fiche):
    """With an answer card (no agent form), a link opens the agent form with the question."""
    publish_fiche("Louer un vélo-cargo municipal", "Réservez le vélo-cargo à l'accueil.")
    html = client.get("/recherche/", {"q": "louer velo cargo"}).content.decode()
    assert 'class="pv-agent-form"' not in html
    assert 'href="/recherche/agent/?q=louer%20velo%20cargo">Poser la question à un agent' in html


def test_the_agent_form_page_names_the_form_once(client):
    """On its own page the form's title is the h1, not repeated as an h3 (heading order)."""
    html = client.get("/recherche/agent/", {"q": "crèche"}).content.decode()
    assert html.count("Poser la question à un agent</h") == 1 and "<h3" not in html


def test_search_logs_only_the_normalised_query(client):
    """A search is logged as normalised text with its count: nothing about the visitor."""
    client.get("/recherche/", {"q": "Où est la Déchèterie ?"})
    log = QueryLog.objects.get()
    assert log.normalised == "ou est la decheterie"
    assert {f.name for f in QueryLog._meta.fields} == {
        "id",
        "normalised",
        "signature",
        "result_count",
        "confidence",
        "created_at",
    }


def test_feedback_vote_is_stored_without_personal_data(client):
    """Oui/Non stores the normalised question, the answer id and the vote, then thanks."""
    response = client.post(
        "/recherche/avis/", {"q": "Refaire CNI", "id": "fiche:cni", "helpful": "non"}
    )
    assert response.status_code == 303 and "avis=merci" in response["Location"]
    vote = AnswerFeedback.objects.get()
    assert (vote.normalised, vote.document_key, vote.helpful) == ("refaire cni", "fiche:cni", False)


def test_incomplete_feedback_is_a_400_page(client):
    """A vote without its fields is refused with a page that explains, not a 500."""
    assert client.post("/recherche/avis/", {"q": "x"}).status_code == 400
    assert not AnswerFeedback.objects.exists()


def test_agent_form_requires_csrf():
    """The contact form is protected against cross-site posting."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/recherche/agent/", {"question": "x"})
    assert response.status_code == 403


def test_opensearch_description_and_link(client):
    """Browsers can add the portal's search: /opensearch.xml and <link rel="search">."""
    response = client.get("/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    assert b"/recherche/?q={searchTerms}" in response.content
    assert b'rel="search"' in client.get("/recherche/").content


def test_an_answer_card_says_when_its_opening_status_was_computed(client):
    """ "Ouvert · ferme à 12 h 30" on a page read later names the moment it describes."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    at = dt.datetime(2026, 12, 1, 10, 5, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(at, tick=False):
        html = client.get("/recherche/", {"q": "piscine ouverte"}).content.decode()
    assert "(état le 1 décembre à 10 h 05)" in html
