"""schema.org JSON-LD on pages, for search engines."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db
_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _graph(client, page) -> dict[str, dict]:
    html = client.get(page.url).content.decode()
    return {item["@type"]: item for item in map(json.loads, _LD.findall(html))}


def test_fiche_is_a_faq_with_its_breadcrumb(client, publish_fiche):
    """A Fiche is a FAQPage whose question is its title and answer its short answer."""
    page = publish_fiche("Refaire son passeport", "Prenez rendez-vous en mairie.")
    graph = _graph(client, page)
    question = graph["FAQPage"]["mainEntity"][0]
    assert question["name"] == "Refaire son passeport"
    assert question["acceptedAnswer"]["text"].startswith("Prenez rendez-vous")
    assert graph["BreadcrumbList"]["itemListElement"][-1]["name"] == "Refaire son passeport"


def test_lieu_is_a_place_with_opening_hours(client, publish_lieu):
    """A Lieu is a Place with its weekly hours as openingHoursSpecification."""
    page = publish_lieu("Piscine JSON", "piscine", hours={6: (9, 18)})
    place = _graph(client, page)["Place"]
    assert place["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Sunday",
            "opens": "09:00",
            "closes": "18:00",
        }
    ]


def test_home_is_a_government_organization_with_search(client):
    """The home page describes the city and its search (SearchAction)."""
    from parvis.content.models import HomePage

    graph = _graph(client, HomePage.objects.first())
    assert (
        "/recherche/?q={search_term_string}"
        in (graph["GovernmentOrganization"]["potentialAction"]["target"])
    )


def test_markup_in_titles_cannot_close_the_script(client, publish_fiche):
    """A title containing </script> stays inside the JSON-LD block."""
    page = publish_fiche("Test </script><b>x</b>", "Réponse.")
    html = client.get(page.url).content.decode()
    assert "</script><b>" not in html
    assert _graph(client, page)["FAQPage"]["mainEntity"][0]["name"] == "Test </script><b>x</b>"
