"""Open-data exports are stored daily snapshots, each signed once in the transparency log."""

from __future__ import annotations

import hashlib

from parvis.certification.models import ExportSnapshot, LogEntry
from parvis.certification.selectors import bundle_for, keys_document
from parvis.certification.verify import bundle_verify


def test_each_export_is_certified_once_per_day_and_served_identically(client, db):
    before = LogEntry.objects.filter(kind="export").count()
    for path in ("/signalements/donnees.csv", "/signalements/donnees.json"):
        first = client.get(path)
        second = client.get(path)
        assert first.status_code == 200 and first.content == second.content
        digest = hashlib.sha256(first.content).hexdigest()
        entry = LogEntry.objects.get(file_sha256=digest)
        statement = bundle_verify(bundle_for(entry), keys_document()).statement
        assert statement["sha256"] == digest and statement["url"].endswith(path)
        assert f"/transparence/bundle/{entry.index}.json" in first["Link"]
    assert LogEntry.objects.filter(kind="export").count() == before + 2


def test_a_past_snapshot_is_served_by_its_day_and_an_unknown_day_is_a_404(client, db):
    client.get("/signalements/donnees.csv")
    snapshot = ExportSnapshot.objects.get(url__endswith="/signalements/donnees.csv")
    again = client.get("/signalements/donnees.csv", {"periode": snapshot.period})
    assert again.content == bytes(snapshot.content)
    assert client.get("/signalements/donnees.csv", {"periode": "1999-01-01"}).status_code == 404
