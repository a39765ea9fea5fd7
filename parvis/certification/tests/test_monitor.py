"""``parvis monitor`` against the real portal (another process): growth is accepted, a cut or
rewritten log is reported, a changed key set is reported."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from parvis.conftest import PARVIS

TRUNCATE = """
from django.db import connection, transaction
from parvis.certification.appendonly import guard_create, guard_drop
from parvis.certification.models import Checkpoint, LogEntry, LogHead, MerkleNode
size = {size}
with transaction.atomic():
    guard_drop(connection)  # an attacker with database access
    LogEntry.objects.filter(index__gte=size).delete()
    Checkpoint.objects.filter(size__gt=size).delete()
    for level in range(64):  # the subtrees that end at or after the cut
        first = ((size + (1 << level)) >> level) - 1
        MerkleNode.objects.filter(level=level, index__gte=first).delete()
    LogHead.objects.filter(pk=1).update(size=size)
    guard_create(connection)
"""


def _monitor(env: dict[str, str], url: str, state: Path, *extra: str):
    return subprocess.run(
        [PARVIS, "monitor", url, "--state", str(state), *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _on_server(env: dict[str, str], *args: str) -> None:
    subprocess.run([PARVIS, *args], env=env, check=True, timeout=300, capture_output=True)


def _certify(env: dict[str, str], url: str, tmp_path: Path, name: str) -> None:
    data = tmp_path / name
    data.write_text(f"id;valeur\n1;{name}\n", encoding="utf-8")
    _on_server(env, "certify_file", str(data), "--url", f"{url}/donnees/{name}")


def test_monitor_accepts_growth_and_reports_a_truncated_then_forked_log(
    portal_url, portal_env, tmp_path
):
    env = {**portal_env, "PARVIS_BASE_URL": portal_url}
    state = tmp_path / "state.json"
    first = _monitor(env, portal_url, state)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Première utilisation" in first.stdout
    size = json.loads(state.read_text())["size"]
    _certify(env, portal_url, tmp_path, "a.csv")
    grown = _monitor(env, portal_url, state)
    assert grown.returncode == 0, grown.stdout + grown.stderr
    assert json.loads(state.read_text())["size"] == size + 1
    seen = state.read_text()

    _on_server(env, "shell", "-c", TRUNCATE.format(size=size))
    # The server's own mark (certification.watermark) would now refuse every command and server
    # started on this database, as it should after a restore; an attacker with database access
    # removes it too, and the shared test portal must keep serving the modules that follow.
    for mark in (Path(env["PARVIS_VAR_DIR"]) / "keys").glob("log-watermark-*.json"):
        mark.unlink()
    cut = _monitor(env, portal_url, state)
    assert cut.returncode == 1
    assert "Le journal a été tronqué ou réécrit" in cut.stdout
    assert state.read_text() == seen  # the state keeps what was seen

    _certify(env, portal_url, tmp_path, "b.csv")  # same size again, another history
    forked = _monitor(env, portal_url, state)
    assert forked.returncode == 1
    assert "Le journal a été tronqué ou réécrit" in forked.stdout
    assert state.read_text() == seen


def test_monitor_reports_a_changed_key_set_and_refuses_unpinned_keys(
    portal_url, portal_env, tmp_path
):
    env = {**portal_env, "PARVIS_BASE_URL": portal_url}
    state = tmp_path / "state.json"
    assert _monitor(env, portal_url, state).returncode == 0
    saved = json.loads(state.read_text())
    public = bytes(SigningKey.generate().verify_key)
    other = {
        **saved["keys"]["keys"][0],
        "kid": hashlib.sha256(public).hexdigest()[:32],
        "public_key": base64.b64encode(public).decode(),
    }
    pinned = tmp_path / "keys.json"
    pinned.write_text(json.dumps({**saved["keys"], "keys": [other]}))
    result = _monitor(env, portal_url, state, "--keys", str(pinned))
    assert result.returncode == 1
    assert "Le jeu de clés publié a changé" in result.stdout
    assert "pas signé par une clé valide" in result.stdout


def test_a_bad_url_is_a_clear_failure_not_a_traceback(tmp_path):
    result = subprocess.run(
        [PARVIS, "monitor", "http://127.0.0.1:9", "--state", str(tmp_path / "s.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "ÉCHEC" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [((0, b""), (5, b"x"), True), ((5, b"r"), (4, b"r"), False), ((5, b"r"), (5, b"s"), False)],
)
def test_consistency_rules_without_a_proof(old, new, expected):
    from parvis.certification.watch import consistent

    assert (
        consistent(old_size=old[0], old_root=old[1], new_size=new[0], new_root=new[1], proof=[])
        is expected
    )
