"""``parvis setup`` on a fresh SQLite file, run as an operator runs it: a separate process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from parvis.conftest import PARVIS

ADMIN = {
    "PARVIS_ADMIN_USERNAME": "maire",
    "PARVIS_ADMIN_EMAIL": "maire@reze.example",
    "PARVIS_ADMIN_PASSWORD": "Quai-des-Antilles-2026",
}


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PARVIS_SIGNING_KEY"}
        and not key.startswith("PARVIS_")
    }
    return {**env, "PARVIS_VAR_DIR": str(var_dir), "PARVIS_CITY_NAME": "Rezé", **extra}


def _setup(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PARVIS, "setup", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _snapshot(db: Path) -> dict[str, int]:
    tables = [
        "auth_user",
        "auth_group",
        "auth_group_permissions",
        "wagtailcore_page",
        "wagtailcore_revision",
        "wagtailcore_workflow",
        "wagtailcore_groupapprovaltask",
        "content_service",
        "reports_category",
        "certification_signingkey",
        "certification_logentry",
    ]
    return {table: _rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in tables}  # noqa: S608


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    var = tmp_path_factory.mktemp("setup-var")
    return var, _setup(_env(var, **ADMIN))


def test_first_run_creates_site_roles_categories_key_and_administrator(installed):
    var, run = installed
    assert run.returncode == 0, run.stderr
    db = var / "parvis.sqlite3"
    assert "Installation terminée" in run.stdout
    assert _rows(db, "SELECT title FROM wagtailcore_page WHERE depth = 2") == [("Ville de Rezé",)]
    assert {name for (name,) in _rows(db, "SELECT name FROM auth_group")} >= {
        "Éditeurs",
        "Modérateurs",
        "Agents",
    }
    workflows = _rows(db, "SELECT name FROM wagtailcore_workflow")
    assert ("Validation par un modérateur",) in workflows
    services = {slug for (slug,) in _rows(db, "SELECT slug FROM content_service")}
    assert {"etat-civil", "voirie", "proprete-dechets", "accueil", "urbanisme"} <= services
    categories = _rows(
        db,
        "SELECT c.code, s.slug FROM reports_category c"
        " JOIN content_service s ON s.id = c.service_id",
    )
    assert ("lampadaire", "eclairage-public") in categories and len(categories) == 13
    assert _rows(db, "SELECT username, email, is_superuser, is_staff FROM auth_user") == [
        ("maire", "maire@reze.example", 1, 1)
    ]
    key = var / "keys" / "signing.key"
    assert key.exists() and key.stat().st_mode & 0o777 == 0o600
    assert "Clé de signature créée" in run.stdout
    # Nothing of the Nantes demo.
    assert _rows(db, "SELECT count(*) FROM content_quartier") == [(0,)]
    assert "Nantes" not in run.stdout


def test_second_run_changes_nothing_and_says_so(installed):
    var, first = installed
    assert first.returncode == 0, first.stderr
    db, key = var / "parvis.sqlite3", var / "keys" / "signing.key"
    before, seed = _snapshot(db), key.read_bytes()
    password = _rows(db, "SELECT password FROM auth_user")
    # Even with another password in the environment: an existing account is never changed.
    again = _setup(_env(var, **{**ADMIN, "PARVIS_ADMIN_PASSWORD": "Une-autre-phrase-2027"}))
    assert again.returncode == 0, again.stderr
    assert "Rien à faire" in again.stdout
    assert "mot de passe inchangé" in again.stdout
    assert _snapshot(db) == before
    assert key.read_bytes() == seed
    assert _rows(db, "SELECT password FROM auth_user") == password


@pytest.mark.parametrize(
    ("admin", "message"),
    [
        ({**ADMIN, "PARVIS_ADMIN_PASSWORD": "123456"}, "trop court"),
        ({**ADMIN, "PARVIS_ADMIN_PASSWORD": "maire@reze.example"}, "trop semblable"),
        ({**ADMIN, "PARVIS_ADMIN_EMAIL": "pas-une-adresse"}, "adresse électronique valide"),
    ],
)
def test_bad_administrator_is_refused_before_anything_is_created(tmp_path, admin, message):
    run = _setup(_env(tmp_path, **admin))
    assert run.returncode == 1
    assert "Administrateur refusé, rien n'a été modifié" in run.stderr
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "keys").exists()
    db = tmp_path / "parvis.sqlite3"
    assert not db.exists() or _rows(db, "SELECT name FROM sqlite_master WHERE type='table'") == []


def test_without_an_administrator_it_says_which_variables_to_set(tmp_path):
    run = _setup(_env(tmp_path))
    assert run.returncode == 1
    assert "PARVIS_ADMIN_PASSWORD" in run.stderr and "Traceback" not in run.stderr


def test_with_django_otp_the_administrator_gets_a_totp_device_to_enrol(tmp_path):
    """When the second factor is installed, setup prepares a TOTP device and prints its URI."""
    pytest.importorskip("django_otp")
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    (settings_dir / "otp_settings.py").write_text(
        "from parvis.settings import *  # noqa: F403\n"
        "if 'django_otp' not in INSTALLED_APPS:  # noqa: F405\n"
        "    INSTALLED_APPS += ['django_otp', 'django_otp.plugins.otp_totp']  # noqa: F405\n"
    )
    env = _env(tmp_path / "var", **ADMIN)
    env["DJANGO_SETTINGS_MODULE"] = "otp_settings"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(settings_dir), env.get("PYTHONPATH")]))
    run = _setup(env)
    assert run.returncode == 0, run.stderr
    assert "otpauth://totp/" in run.stdout and "█" in run.stdout  # URI and terminal QR code
    db = tmp_path / "var" / "parvis.sqlite3"
    assert _rows(
        db,
        "SELECT u.username, d.confirmed FROM otp_totp_totpdevice d"
        " JOIN auth_user u ON u.id = d.user_id",
    ) == [("maire", 0)]


def test_interactive_run_asks_again_after_a_refused_password(tmp_path):
    """Prompts: a weak password is explained and asked again; the second answer is kept."""
    answers = (
        "maire\nmaire@reze.example\n123\n123\n"
        + "maire\nmaire@reze.example\n"
        + ("Quai-des-Antilles-2026\n" * 2)
    )
    run = subprocess.run(
        [PARVIS, "setup"],
        env=_env(tmp_path),
        input=answers,
        capture_output=True,
        text=True,
        timeout=600,
        start_new_session=True,  # no terminal: getpass reads the answers from stdin
    )
    assert run.returncode == 0, run.stderr
    assert "trop court" in run.stderr and "Recommencez" in run.stderr
    assert "Administrateur créé : « maire »" in run.stdout
    db = tmp_path / "parvis.sqlite3"
    assert _rows(db, "SELECT username FROM auth_user") == [("maire",)]
