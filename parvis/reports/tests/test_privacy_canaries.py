"""S8/P: reporters' personal data never appears in any public output (canary crawl)."""

from __future__ import annotations

import re
import uuid

import feedparser
import pytest
from django.contrib.auth.models import Permission

from parvis.content.models import Quartier
from parvis.reports.models import Report
from parvis.reports.services import report_create, report_redact, report_update_publish
from parvis.reports.tests.factories import agent_for, category

pytestmark = pytest.mark.django_db


def _canaries() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    return {
        "email": f"canary.{tag}@example.test",
        "phone": "06 00 00 7f 3a".replace("7f 3a", f"{int(tag[:4], 16) % 100:02d} 42"),
        "phone_intl": f"+33 6 11 {int(tag[4:6], 16) % 100:02d} 22 33",
        "name": f"Canarine Oiseau{tag}",
        "home": f"{int(tag[:2], 16)} impasse du Canari{tag}",
    }


def _seed(quartier: Quartier) -> tuple[dict[str, str], list[Report]]:
    canaries = _canaries()
    agent = agent_for("voirie", "proprete-dechets")
    agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    text = (
        f"Trou devant chez moi, {canaries['name']}, {canaries['home']}. "
        f"Appelez-moi au {canaries['phone']} ou {canaries['phone_intl']}, "
        f"ou écrivez à {canaries['email']}."
    )
    reports = []
    for code in ("nid-de-poule", "depot-sauvage"):
        report, _ = report_create(
            category=category(code),
            description=text,
            latitude=47.2184,
            longitude=-1.5536,
            quartier=quartier,
            email=canaries["email"],
        )
        report_redact(report=report, agent=agent, text=canaries["name"])
        report_redact(report=report, agent=agent, text=canaries["home"])
        report_update_publish(report=report, agent=agent, status="pris_en_compte", message="Vu.")
        reports.append(report)
    # A hidden one, not redacted at all: must not appear anywhere public.
    hidden, _ = report_create(
        category=category("tag"),
        description=text + " HIDDEN",
        address="1 rue X",
        quartier=quartier,
        email=canaries["email"],
    )
    Report.objects.filter(pk=hidden.pk).update(hidden=True)
    return canaries, reports


def _public_urls(reports: list[Report], quartier: Quartier) -> list[str]:
    urls = [
        "/signalements/",
        f"/signalements/?quartier={quartier.slug}",
        "/signalements/carte.geojson",
        "/signalements/donnees.json",
        "/signalements/donnees.csv",
        f"/signalements/quartier/{quartier.slug}/rss/",
        f"/signalements/quartier/{quartier.slug}/atom/",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/api/v1/reports",
        "/signalements/nouveau/?category=nid-de-poule&lat=47.2184&long=-1.5536",
    ]
    for report in reports:
        urls += [
            f"/signalements/{report.pk}/",
            f"/open311/v2/requests/{report.pk}.json",
            f"/open311/v2/requests/{report.pk}.xml",
            f"/api/v1/reports/{report.pk}",
        ]
    return urls


def _needles(canaries: dict[str, str]) -> list[str]:
    needles = list(canaries.values())
    # Phones also in their digits-only form, the way a scraper would normalise them.
    needles += [re.sub(r"\D", "", canaries["phone"]), re.sub(r"\D", "", canaries["phone_intl"])]
    return [n.lower() for n in needles]


def test_no_canary_in_any_public_output(client):
    """0 canary hits across HTML, GeoJSON, RSS/Atom, CSV/JSON, Open311 and /api/v1."""
    quartier = Quartier.objects.first() or Quartier.objects.create(name="Centre", slug="centre")
    canaries, reports = _seed(quartier)
    hits = []
    for url in _public_urls(reports, quartier):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8").lower()
        digits = re.sub(r"\D", "", text)
        for needle in _needles(canaries):
            if needle in text or (needle.isdigit() and needle in digits):
                hits.append((url, needle))
    assert hits == []


def test_feeds_are_well_formed(client):
    """The quartier's RSS and Atom feeds parse without errors and list public reports."""
    quartier = Quartier.objects.first() or Quartier.objects.create(name="Centre", slug="centre")
    _canaries_, reports = _seed(quartier)
    for kind in ("rss", "atom"):
        feed = feedparser.parse(
            client.get(f"/signalements/quartier/{quartier.slug}/{kind}/").content
        )
        assert feed.bozo == 0
        assert len(feed.entries) >= len(reports)


def test_open_data_counts_exclude_hidden_reports(client):
    """Open-data counts cover public reports only."""
    quartier = Quartier.objects.first() or Quartier.objects.create(name="Centre", slug="centre")
    _seed(quartier)
    rows = client.get("/signalements/donnees.json").json()
    assert sum(r["count"] for r in rows) == Report.objects.filter(hidden=False).count()
    assert "tag" not in {r["category"] for r in rows}
