"""The log: consistent checkpoints, a monitor that finds tampering, serialised appends."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from parvis.certification import merkle, tree
from parvis.certification.models import Checkpoint, LogEntry, LogHead
from parvis.certification.services import export_certify
from parvis.certification.tests.conftest import log_unguarded
from parvis.certification.verify import VerificationError, checkpoint_verify

pytestmark = pytest.mark.django_db


def _export(n: int) -> LogEntry:
    return export_certify(name=f"f{n}.csv", content=f"{n}".encode(), url=f"http://x/f{n}.csv")


def test_two_checkpoints_are_provably_consistent_and_a_forgery_is_not(db, keys):
    """The consistency proof between two signed checkpoints verifies; altered, it fails."""
    _export(0)
    first = Checkpoint.objects.order_by("-size").first()
    for n in range(1, 12):
        _export(n)
    second = Checkpoint.objects.order_by("-size").first()
    a, b = checkpoint_verify(first.note, keys()), checkpoint_verify(second.note, keys())
    proof = tree.consistency_proof(a.size, b.size)
    assert merkle.verify_consistency(a.size, b.size, a.root, b.root, proof)
    forged = [bytes(32)] + proof[1:] if proof else [bytes(32)]
    assert not merkle.verify_consistency(a.size, b.size, a.root, b.root, forged)
    assert not merkle.verify_consistency(a.size, b.size, a.root, merkle.leaf_hash(b"x"), proof)


def test_a_checkpoint_with_a_forged_root_is_rejected(db, keys):
    """Changing the root of a signed checkpoint breaks its signature."""
    _export(0)
    note = Checkpoint.objects.order_by("-size").first().note
    lines = note.split("\n")
    lines[2] = "A" * 43 + "="
    with pytest.raises(VerificationError):
        checkpoint_verify("\n".join(lines), keys())


def test_log_check_accepts_the_log_and_finds_a_rewritten_entry(db, capsys):
    """log_check exits 0 on the real log and 1 once a stored statement is altered."""
    _export(1)
    call_command("log_check")
    assert "Journal cohérent." in capsys.readouterr().out
    entry = LogEntry.objects.order_by("-index").first()
    with log_unguarded():
        LogEntry.objects.filter(pk=entry.pk).update(
            statement=bytes(entry.statement).replace(b"f1", b"f2")
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("log_check")
    assert exit_info.value.code == 1
    assert "signature invalide" in capsys.readouterr().out


def test_log_check_finds_a_checkpoint_that_forks_the_history(db, capsys):
    """A stored checkpoint whose root is not the recomputed one is reported."""
    _export(2)
    with log_unguarded():
        Checkpoint.objects.filter(size=LogHead.objects.get(pk=1).size).update(root=bytes(32))
    with pytest.raises(SystemExit):
        call_command("log_check")
    assert "racine différente" in capsys.readouterr().out


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers with IMMEDIATE transactions (the test holds the lock)",
)
def test_concurrent_appends_on_postgresql_build_one_consistent_tree(db):
    """Two threads appending at once get distinct indices and a tree log_check accepts."""
    start = LogHead.objects.get(pk=1).size
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            barrier.wait()
            for n in range(5):
                _export(1000 + offset * 10 + n)
        except BaseException as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        indices = sorted(LogEntry.objects.filter(index__gte=start).values_list("index", flat=True))
        assert indices == list(range(start, start + 10))
        compact = merkle.CompactRange()
        for entry in LogEntry.objects.order_by("index"):
            compact.append(merkle.leaf_hash(bytes(entry.statement) + bytes(entry.signature)))
        assert tree.root(start + 10) == compact.root()
    finally:
        _forget_committed(start)


def _forget_committed(start: int) -> None:
    """The threads committed outside the test transaction: remove their entries again."""

    def clean() -> None:
        from parvis.certification.models import MerkleNode

        with log_unguarded(connections["default"]):
            LogEntry.objects.filter(index__gte=start).delete()
            Checkpoint.objects.filter(size__gt=start).delete()
            for level in range(64):  # nodes whose last leaf is one of theirs
                first_new = ((start + (1 << level)) >> level) - 1
                MerkleNode.objects.filter(level=level, index__gte=first_new).delete()
            LogHead.objects.filter(pk=1).update(size=start)
        connections.close_all()

    thread = threading.Thread(target=clean)
    thread.start()
    thread.join()


def test_log_check_since_a_seen_checkpoint_finds_a_truncated_log(db, capsys, tmp_path):
    """Given a checkpoint seen earlier, log_check reports a log cut below it (even when the
    cut log is internally consistent), and accepts the same log before the cut."""
    start = LogHead.objects.get(pk=1).size
    _export(10)
    seen = tmp_path / "seen.txt"
    seen.write_text(Checkpoint.objects.get(size=start + 1).note, encoding="utf-8")
    call_command("log_check", since_checkpoint=str(seen))
    assert "Journal cohérent." in capsys.readouterr().out
    from parvis.certification.models import MerkleNode

    with log_unguarded():
        LogEntry.objects.filter(index__gte=start).delete()
        Checkpoint.objects.filter(size__gt=start).delete()
        for level in range(64):
            MerkleNode.objects.filter(
                level=level, index__gte=((start + (1 << level)) >> level) - 1
            ).delete()
        LogHead.objects.filter(pk=1).update(size=start)
    call_command("log_check")  # on its own, the cut log looks fine
    with pytest.raises(SystemExit):
        call_command("log_check", since_checkpoint=str(seen))
    assert "tronqué ou réécrit" in capsys.readouterr().out
