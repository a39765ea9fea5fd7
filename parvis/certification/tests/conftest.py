"""Helpers for certification tests: a fresh page to publish, an empty log, the key document."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection as default_connection

from parvis.certification.appendonly import guard_create, guard_drop
from parvis.certification.models import Checkpoint, LogEntry, LogHead, MerkleNode
from parvis.certification.selectors import keys_document

_slugs = itertools.count()


@pytest.fixture
def publish_fiche(db: None) -> Callable[..., Any]:
    """Create and publish a Fiche under the demo's Fiche index; returns the page."""
    from parvis.content.models import FicheIndexPage, FichePage

    def publish(**values: Any) -> FichePage:
        index = FicheIndexPage.objects.first()
        defaults = {
            "title": "Comment obtenir une carte de stationnement résident ?",
            "slug": f"carte-stationnement-{next(_slugs)}",
            "short_answer": "La carte résident coûte 15 € par an et se demande en ligne.",
            "body": "<p>Le stationnement résident est ouvert aux habitants du centre-ville.</p>",
        }
        page = FichePage(**{**defaults, **values})
        index.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return publish


@contextlib.contextmanager
def log_unguarded(connection: Any = default_connection) -> Iterator[None]:
    """Lift the append-only triggers, as an attacker with database access would.

    PostgreSQL: the session skips ordinary triggers (``session_replication_role``, no lock
    taken, so other connections are not blocked); SQLite: the triggers are dropped and created
    again (inside the test's transaction when there is one).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
    else:
        guard_drop(connection)
        try:
            yield
        finally:
            guard_create(connection)


@pytest.fixture
def empty_log(db: None) -> None:
    """Start from an empty log (inside the test's transaction, so rolled back afterwards)."""
    with log_unguarded():
        Checkpoint.objects.all().delete()
        MerkleNode.objects.all().delete()
        LogEntry.objects.all().delete()
        LogHead.objects.filter(pk=1).update(size=0)


@pytest.fixture
def keys(db: None) -> Callable[[], dict[str, Any]]:
    return keys_document


@pytest.fixture
def key_file(tmp_path, settings, monkeypatch) -> Any:  # noqa: ANN001 — pytest fixtures
    """A signing key file of this test only (so rotation does not touch the shared key)."""
    monkeypatch.delenv("PARVIS_SIGNING_KEY", raising=False)
    settings.PARVIS_SIGNING_KEY_FILE = str(tmp_path / "keys" / "signing.key")
    return tmp_path / "keys" / "signing.key"
