"""Publishing signs the revision and appends it to the log, in the publication's transaction."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from parvis.certification import services
from parvis.certification.canonical import canonical, sha256_hex
from parvis.certification.models import LogEntry
from parvis.certification.selectors import bundle_for, page_entry_latest
from parvis.certification.verify import bundle_verify

pytestmark = pytest.mark.django_db


def _statement(entry: LogEntry) -> dict:
    return json.loads(bytes(entry.statement))


def test_publishing_a_page_yields_a_bundle_that_verifies_offline(publish_fiche, keys):
    """A published Fiche's bundle verifies with the published keys alone."""
    page = publish_fiche()
    entry = page_entry_latest(page_id=page.pk)
    bundle = json.loads(json.dumps(bundle_for(entry)))  # what a resident downloads
    result = bundle_verify(bundle, json.loads(json.dumps(keys())))
    assert result.statement["title"] == page.title
    assert result.statement["url"].endswith(page.url)


def test_statement_carries_every_text_field_in_model_order(publish_fiche):
    """Fields are walked generically: text, rich text (raw + plain) and StreamField raw data."""
    page = publish_fiche(steps=[("step", {"title": "Créer un compte", "detail": "En ligne"})])
    statement = _statement(page_entry_latest(page_id=page.pk))
    names = [field["name"] for field in statement["fields"]]
    assert names.index("short_answer") < names.index("body") < names.index("steps")
    body = next(field for field in statement["fields"] if field["name"] == "body")
    assert body["kind"] == "html" and body["value"].startswith("<p>")
    assert body["text"] == "Le stationnement résident est ouvert aux habitants du centre-ville."
    steps = next(field for field in statement["fields"] if field["name"] == "steps")
    assert steps["kind"] == "stream" and "Créer un compte" in steps["text"]
    assert statement["revision_id"] == page.live_revision_id
    assert statement["type"] == "publication" and statement["version"] == 1


def test_a_correction_is_chained_to_the_previous_version(publish_fiche):
    """Each new version names the digest of the previous one: history cannot be rewritten."""
    page = publish_fiche()
    first = page_entry_latest(page_id=page.pk)
    page.short_answer = "La carte résident coûte 20 € par an."
    page.save_revision().publish()
    second = page_entry_latest(page_id=page.pk)
    statement = _statement(second)
    assert statement["version"] == 2 and statement["reason"] == "correction"
    assert statement["previous"] == first.digest == sha256_hex(bytes(first.statement))


def test_unpublishing_is_a_signed_entry_with_its_reason(publish_fiche, keys):
    """Withdrawing a page appends a signed unpublication; the past versions stay in the log."""
    page = publish_fiche()
    published = page_entry_latest(page_id=page.pk)
    page.unpublish()
    entry = page_entry_latest(page_id=page.pk)
    statement = _statement(entry)
    assert statement["type"] == "unpublication" and statement["reason"] == "dépublication"
    assert statement["previous"] == published.digest
    bundle_verify(bundle_for(entry), keys())
    assert LogEntry.objects.filter(pk=published.pk).exists()


def test_a_signing_failure_rolls_the_publication_back(publish_fiche, monkeypatch):
    """If the entry cannot be appended, the page is not published either (one transaction)."""
    page = publish_fiche()
    before = (page.live_revision_id, LogEntry.objects.count())
    page.short_answer = "Texte qui ne sera jamais publié."
    revision = page.save_revision()

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.tree, "append", broken)
    with pytest.raises(RuntimeError), transaction.atomic():  # as the Wagtail editor does
        revision.publish()
    page.refresh_from_db()
    assert (page.live_revision_id, LogEntry.objects.count()) == before


def test_the_signed_bytes_are_the_rfc8785_form_of_the_statement(publish_fiche):
    """The stored statement is canonical: re-canonicalising it gives the same bytes."""
    page = publish_fiche(title="Émile « Zola » — l’été")
    entry = page_entry_latest(page_id=page.pk)
    assert canonical(_statement(entry)) == bytes(entry.statement)


def test_exports_are_signed_by_digest(db, keys):
    """An open-data file is certified by its SHA-256; its bundle verifies."""
    content = b"id;nom\n1;Piscine Leo Lagrange\n"
    entry = services.export_certify(
        name="piscines.csv", content=content, url="http://127.0.0.1:8000/donnees/piscines.csv"
    )
    statement = bundle_verify(bundle_for(entry), keys()).statement
    assert statement["sha256"] == sha256_hex(content) and statement["type"] == "export"


def test_pages_show_the_certification_line_and_the_bundle_link(publish_fiche, client):
    """Every certified page says so and links its proof for machines."""
    page = publish_fiche()
    entry = page_entry_latest(page_id=page.pk)
    html = client.get(page.url).content.decode()
    assert "Information certifiée par la Ville de Nantes — publiée le" in html
    assert f"version {entry.version}" in html
    bundle = f"/transparence/bundle/{entry.index}.json"
    link = '<link rel="alternate" type="application/json" title="Preuve de certification"'
    assert f'{link} href="{bundle}">' in html
    assert f'href="/verifier/?url={page.url}"' in html


def test_a_revision_scheduled_for_later_is_signed_only_when_it_goes_live(publish_fiche):
    """Scheduling is not publishing: nothing is certified until the page is live."""
    import datetime as dt

    from django.utils import timezone

    from parvis.content.models import FicheIndexPage, FichePage

    page = FichePage(
        title="Fermeture estivale",
        slug="fermeture-estivale",
        short_answer="Fermé en août.",
        go_live_at=timezone.now() + dt.timedelta(days=3),
    )
    FicheIndexPage.objects.first().add_child(instance=page)
    revision = page.save_revision()
    revision.publish()
    assert page_entry_latest(page_id=page.pk) is None
    page.go_live_at = None
    page.save_revision().publish()
    assert page_entry_latest(page_id=page.pk).kind == "publication"
