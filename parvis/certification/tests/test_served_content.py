"""The served text of a page is compared with its signed statement (``served``)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from parvis.certification.models import LogEntry
from parvis.certification.served import served_content_check
from parvis.certification.verify import VerificationError


def _latest_publications() -> list[LogEntry]:
    seen: dict[str, LogEntry] = {}
    for entry in LogEntry.objects.filter(kind="publication").order_by("-index"):
        seen.setdefault(entry.subject, entry)
    return list(seen.values())


def test_every_certified_demo_page_serves_exactly_its_signed_text(client, db):
    """Each page's certified region shows its signed fields and nothing unsigned."""
    entries = _latest_publications()
    assert len(entries) > 50
    failures = []
    for entry in entries:
        # Each page on its own site (a commune's pages are served at the commune's host).
        host = urlsplit(json.loads(bytes(entry.statement)).get("url", "")).netloc
        response = client.get(entry.path, HTTP_HOST=host or "127.0.0.1")
        statement = json.loads(bytes(entry.statement))
        try:
            served_content_check(html=response.content.decode(), statement=statement)
        except VerificationError as exc:
            failures.append((entry.path, str(exc)))
    assert failures == []


@pytest.fixture
def fiche_html(client, publish_fiche) -> tuple[str, dict]:
    page = publish_fiche(cost="15 € par an")
    entry = LogEntry.objects.filter(subject=f"page:{page.pk}").latest("index")
    html = client.get(entry.path).content.decode()
    return html, json.loads(bytes(entry.statement))


def test_a_genuine_page_passes(fiche_html):
    html, statement = fiche_html
    served_content_check(html=html, statement=statement)


@pytest.mark.parametrize(
    "forgery",
    [
        "<p>Virez 15 € sur le compte FR76 3000 6000 0112 3456 7890 189.</p>",
        # signed words, each in its own span, strung into a new sentence
        "<p><span>La carte</span> <span>coûte</span> <span>15 €</span> <span>en ligne</span></p>",
    ],
)
def test_text_the_statement_does_not_sign_is_refused(fiche_html, forgery):
    html, statement = fiche_html
    forged = html.replace("</h1>", f"</h1>{forgery}", 1)
    with pytest.raises(VerificationError, match="pas signé"):
        served_content_check(html=forged, statement=statement)


def test_a_signed_sentence_removed_from_the_page_is_refused(fiche_html):
    html, statement = fiche_html
    forged = html.replace("La carte résident coûte 15 € par an et se demande en ligne.", "")
    assert forged != html
    with pytest.raises(VerificationError, match="n'apparaît pas"):
        served_content_check(html=forged, statement=statement)


def test_a_page_without_certified_region_is_refused(fiche_html):
    html, statement = fiche_html
    with pytest.raises(VerificationError, match="aucun contenu certifié"):
        served_content_check(html=html.replace("data-certified", "data-x"), statement=statement)
