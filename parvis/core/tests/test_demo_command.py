"""``parvis demo`` and the ``parvis`` command as an operator meets them on a first start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PARVIS = str(Path(sys.executable).with_name("parvis"))


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    for name in ("PARVIS_BASE_URL", "PARVIS_VAR_DIR", "DATABASE_URL"):
        env.pop(name, None)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    return {**env, **extra}


def test_a_command_outside_the_project_says_what_to_do_and_creates_nothing(tmp_path):
    """Run where no database exists, `parvis ask` explains instead of failing on a new empty
    database ("no such table")."""
    result = subprocess.run(
        [PARVIS, "ask", "carte identite"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "aucune base de données" in result.stderr and "parvis demo" in result.stderr
    assert "no such table" not in result.stderr
    assert not (tmp_path / "var" / "parvis.sqlite3").exists()


@pytest.mark.browser  # a whole demo load in another process: with the slow, end-to-end tests
def test_demo_shows_progress_and_prints_the_logins_last_for_its_port(tmp_path):
    """`parvis demo --port 8123`: numbered steps, no log lines, the accounts last, with the
    port in the addresses."""
    result = subprocess.run(
        [PARVIS, "demo", "--port", "8123", "--no-serve"],
        cwd=tmp_path,
        env=_env(PARVIS_VAR_DIR=str(tmp_path / "var")),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert [line[:5] for line in lines if line.startswith("[")] == [f"[{n}/5]" for n in range(1, 6)]
    assert not [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.stderr.count('"level": "INFO"') == 0
    accounts = next(i for i, line in enumerate(lines) if line.startswith("Comptes"))
    assert "http://127.0.0.1:8123/admin/" in lines[accounts]
    assert len(lines) - accounts <= 8  # the accounts close the output
    assert "agent-proprete" in "\n".join(lines[accounts:])
