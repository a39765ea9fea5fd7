"""D1 (small): SIGKILL the server 3 times during a burst of keyed submissions; nothing is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from parvis.conftest import free_port

BENCH = Path(__file__).resolve().parents[3] / "bench" / "reports"


def test_acknowledged_reports_survive_sigkill_exactly_once(portal_env):
    """150 keyed reports, 3 SIGKILLs of the process group: every ack present once, 0 duplicates."""
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--crash-only",
            "--reuse-env",
            "--reports",
            "150",
            "--kills",
            "3",
            "--connections",
            "6",
            "--port",
            str(free_port()),
            "--timeout",
            "120",
        ],
        env=portal_env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("crash test: ")), None)
    assert line, result.stdout + result.stderr
    figures = json.loads(line.removeprefix("crash test: "))
    assert figures["kills"] == 3
    assert figures["acknowledged"] == figures["acked_present_once"] == 150
    assert figures["lost_acked"] == figures["duplicates"] == figures["without_outbox"] == 0
    assert figures["integrity_check"] in ("ok", "n/a (PostgreSQL)")
    assert figures["replay_mismatch"] == 0
