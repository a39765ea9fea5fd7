"""`parvis demo` runs the task worker beside the web server, as production does."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from parvis.conftest import PARVIS, _fresh_postgres_url, free_port, wait_until_up

BOUND = 300  # seconds: a generous bound on a loaded machine, never a performance assertion


def test_demo_delivers_a_residents_email_and_stops_with_its_worker(tmp_path):
    """A report filed on the demo gets its acknowledgement email without any other command,
    and stopping the demo stops the worker too."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = _fresh_postgres_url(database_url, "demo")
    else:
        env.pop("DATABASE_URL", None)
    port = free_port()
    env.update(PARVIS_VAR_DIR=str(tmp_path), PARVIS_BASE_URL=f"http://127.0.0.1:{port}")
    demo = subprocess.Popen(
        [PARVIS, "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "demo.log").open("ab"),
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", timeout=900)
        body = {"category": "tag", "description": "Tag sur le mur de l'école", "lat": 47.21}
        body.update({"long": -1.55, "email": "demo-canary@example.test"})
        response = requests.post(f"http://127.0.0.1:{port}/api/v1/reports", json=body, timeout=60)
        assert response.status_code == 201
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline and not _mail_to(tmp_path, "demo-canary@example.test"):
            time.sleep(0.5)
        assert _mail_to(tmp_path, "demo-canary@example.test"), "the demo's worker sent nothing"
        workers = _children(demo.pid)
        assert any("worker" in cmd for cmd in workers.values())
    finally:
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=BOUND) == 0
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)


def _mail_to(var: Path, address: str) -> bool:
    folder = var / "mail"
    return folder.exists() and any(address in p.read_text() for p in folder.iterdir())


def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    found[int(entry)] = cmdline.read().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
