"""``parvis demo`` and the ``parvis`` command as an operator meets them on a first start."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from parvis.conftest import free_port, wait_until_up

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


@pytest.fixture(scope="module")
def demo_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database for the module's runs of `parvis demo` (the second reuses it)."""
    return tmp_path_factory.mktemp("demo-var")


@pytest.mark.browser  # a whole demo load in another process: with the slow, end-to-end tests
def test_demo_shows_progress_and_prints_the_logins_last_for_its_port(tmp_path, demo_var):
    """`parvis demo --port 8123`: numbered steps, no log lines, the accounts last, with the
    port in the addresses."""
    result = subprocess.run(
        [PARVIS, "demo", "--port", "8123", "--no-serve"],
        cwd=tmp_path,
        env=_env(PARVIS_VAR_DIR=str(demo_var)),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert [line[:5] for line in lines if line.startswith("[")] == [f"[{n}/6]" for n in range(1, 7)]
    assert not [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.stderr.count('"level": "INFO"') == 0
    accounts = next(i for i, line in enumerate(lines) if line.startswith("Comptes"))
    assert "http://127.0.0.1:8123/admin/" in lines[accounts]
    assert len(lines) - accounts <= 8  # the accounts close the output
    assert "agent-proprete" in "\n".join(lines[accounts:])


@pytest.mark.browser
def test_served_demo_links_its_port_and_caches_hashed_static_files_for_good(tmp_path, demo_var):
    """`parvis demo --port N` serves on N, says N in canonical links, and serves collected,
    hashed static files as immutable (not the 60 s of files served from the apps)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [PARVIS, "demo", "--port", str(port)],
        cwd=tmp_path,
        env=_env(PARVIS_VAR_DIR=str(demo_var)),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(url, timeout=900)
        home = requests.get(f"{url}/", timeout=30).text
        assert f'<link rel="canonical" href="{url}/">' in home
        css = re.search(r'href="(/static/parvis/css/parvis\.[0-9a-f]{12}\.css)"', home)
        assert css, "the stylesheet is linked under its hashed name"
        response = requests.get(url + css.group(1), timeout=30)
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
