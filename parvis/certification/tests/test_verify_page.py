"""The verify page applies the rules of ``parvis verify``; quote search cost is bounded."""

from __future__ import annotations

import html
import json

import pytest
from django.utils import translation

from parvis.certification.models import LogEntry
from parvis.certification.pagecheck import page_verify
from parvis.certification.quotes import MAX_TOKENS, QuoteTooLong, quote_search
from parvis.certification.selectors import bundle_for, keys_document
from parvis.certification.verify import VerificationError


@pytest.fixture
def origins(settings) -> list[str]:  # noqa: ANN001 — pytest-django fixture
    settings.PARVIS_CERTIFIED_ORIGINS = ["http://testserver"]
    settings.ALLOWED_HOSTS = ["testserver"]
    return settings.PARVIS_CERTIFIED_ORIGINS


def test_an_unreadable_address_gets_a_clear_error_not_a_500(client, db, origins):
    response = client.get("/verifier/", {"url": "http://[::1"})
    assert response.status_code == 400
    assert "illisible" in html.unescape(response.content.decode())


def test_an_address_on_another_origin_is_refused(client, db, origins):
    response = client.get("/verifier/", {"url": "https://attacker.example/demarches/"})
    assert response.status_code == 400
    assert "pas une page du portail" in html.unescape(response.content.decode())


def test_the_served_page_is_compared_with_its_latest_certified_version(client, db, origins):
    response = client.get("/verifier/", {"url": "http://testserver/demarches/"})
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "montre exactement le texte de sa dernière version certifiée" in text


def test_a_translated_address_is_not_covered_by_the_french_proof(client, db, origins):
    response = client.get("/verifier/", {"url": "/en/demarches/"})
    text = html.unescape(response.content.decode())
    assert "La preuve ne porte pas sur cette page." in text
    assert 'href="/demarches/"' in text


def test_the_english_page_shows_no_certified_line_but_links_the_certified_french_one(client, db):
    english = client.get("/en/demarches/").content.decode()
    assert 'type="application/json"' not in english and "data-certified" not in english
    assert 'href="/demarches/" lang="fr" hreflang="fr"' in english
    french = client.get("/demarches/").content.decode()
    assert 'type="application/json"' in french and "data-certified" in french


def test_a_proof_about_another_address_is_refused(client, db, origins):
    entry = LogEntry.objects.filter(path="/demarches/").latest("index")
    english = client.get("/en/demarches/").content.decode()
    with translation.override("fr"), pytest.raises(VerificationError, match="ne porte pas sur"):
        page_verify(
            url="http://testserver/en/demarches/",
            html=english,
            bundle=bundle_for(entry),
            keys=json.loads(json.dumps(keys_document())),
            origins=origins,
        )


def test_a_quote_longer_than_the_cap_gets_a_clear_message(client, db):
    with pytest.raises(QuoteTooLong):
        quote_search(text="mot " * (MAX_TOKENS + 1))
    response = client.get("/verifier/", {"q": "de la " * MAX_TOKENS})
    assert response.status_code == 400
    assert f"au plus {MAX_TOKENS} mots" in html.unescape(response.content.decode())


def test_quote_search_is_rate_limited_per_client(client, db, settings):
    settings.PARVIS_RATELIMITS = {**settings.PARVIS_RATELIMITS, "certification.quote": [(2, 60)]}
    for _ in range(2):
        assert client.get("/verifier/", {"q": "carte de stationnement"}).status_code == 200
    refused = client.get("/verifier/", {"q": "carte de stationnement"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_exact_and_near_quotes_are_still_found(publish_fiche):
    page = publish_fiche(
        short_answer="Le permis de végétaliser se demande en ligne et la Ville répond sous "
        "quinze jours ouvrés après réception du dossier complet."
    )
    exact = quote_search(text="la Ville répond sous quinze jours ouvrés")
    assert exact and exact[0].exact and exact[0].entry.subject == f"page:{page.pk}"
    near = quote_search(
        text="se demande en ligne et la Mairie répond sous quinze jours ouvrés après réception"
    )
    assert near and not near[0].exact and near[0].distance == 1
    assert "la Ville répond" in near[0].passage
    assert quote_search(text="les bananes bleues dansent la nuit sous la lune") == []
