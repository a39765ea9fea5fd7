"""The log tables refuse UPDATE and DELETE in the database itself; appends still work."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from parvis.certification.models import Checkpoint, LogEntry, LogHead, MerkleNode
from parvis.certification.monitor import log_check
from parvis.certification.services import export_certify

pytestmark = pytest.mark.django_db


def _export(n: int) -> LogEntry:
    return export_certify(name=f"a{n}.csv", content=f"{n}".encode(), url=f"http://x/a{n}.csv")


def _refused(sql: str, params: list | None = None) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])


def test_a_raw_delete_of_the_log_tail_is_refused():
    tail = _export(1).index
    _refused('DELETE FROM certification_logentry WHERE "index" >= %s', [tail])
    _refused("DELETE FROM certification_checkpoint")
    _refused("DELETE FROM certification_merklenode WHERE level = 0")
    assert LogEntry.objects.filter(index=tail).exists()


def test_an_update_of_an_entry_a_node_or_a_checkpoint_is_refused():
    entry = _export(2)
    _refused("UPDATE certification_logentry SET title = 'x' WHERE id = %s", [entry.pk])
    _refused("UPDATE certification_merklenode SET level = level")
    _refused("UPDATE certification_checkpoint SET note = ''")
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(title="réécrit")


def test_the_log_head_only_moves_forward_and_is_never_deleted():
    size = LogHead.objects.get(pk=1).size
    _refused("UPDATE certification_loghead SET size = size - 1")
    _refused("DELETE FROM certification_loghead")
    assert LogHead.objects.get(pk=1).size == size


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_the_log_is_refused_on_postgresql():
    _refused("TRUNCATE certification_logentry CASCADE")


def test_appending_still_works_and_the_log_checks():
    before = LogHead.objects.get(pk=1).size
    nodes = MerkleNode.objects.count()
    _export(3)
    _export(4)
    assert LogHead.objects.get(pk=1).size == before + 2
    assert MerkleNode.objects.count() > nodes
    assert Checkpoint.objects.filter(size=before + 2).exists()
    assert log_check().ok
