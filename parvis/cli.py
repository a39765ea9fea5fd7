"""The ``parvis`` command: every Django management command, as ``django-admin`` does.

parvis demo [--port N] [--no-serve]   prepare the demo database and serve it
parvis serve                          serve with gunicorn (production)
parvis migrate / createsuperuser / …  any management command
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Commands that create the database or do not need it: they may run where none exists yet.
WITHOUT_DATABASE = {
    "demo",
    "migrate",
    "help",
    "version",
    "check",
    "makemigrations",
    "collectstatic",
    "compilemessages",
    "makemessages",
    "diffsettings",
    "keys_init",
    "verify",
    "monitor",
    "setup",
}


def _demo_environment(args: list[str]) -> None:
    """What ``parvis demo`` needs set before the settings load.

    ``--port N``: canonical links, sitemap and JSON-LD name that port, unless
    ``PARVIS_BASE_URL`` names the public address. Serving: static files collected under hashed
    names and served by WhiteNoise with immutable caching, as in production (``--no-serve``,
    which the tests use before ``parvis serve``, keeps serving them from the apps).
    """
    if not args or args[0] != "demo":
        return
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-serve", action="store_true")
    known, _ = parser.parse_known_args(args[1:])
    if not os.environ.get("PARVIS_BASE_URL"):
        # A bind-all address is not a URL a browser can open.
        host = "127.0.0.1" if known.host in ("0.0.0.0", "::", "") else known.host  # noqa: S104
        os.environ["PARVIS_BASE_URL"] = f"http://{host}:{known.port}"
    if not known.no_serve:
        os.environ.setdefault("PARVIS_STATIC_MANIFEST", "true")
        os.environ.setdefault("PARVIS_STATIC_FINDERS", "false")


def _missing_database(args: list[str]) -> str | None:
    """A sentence saying what to do when the command needs a SQLite database that is not there
    (a ``parvis`` run outside the project folder would otherwise create an empty one)."""
    if not args or args[0].startswith("-") or args[0] in WITHOUT_DATABASE:
        return None
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "sqlite" not in database["ENGINE"]:
        return None
    path = Path(str(database["NAME"]))
    if path.exists():
        return None
    return (
        f"parvis : aucune base de données dans {path}.\n"
        "Lancez la commande depuis le dossier du projet (celui qui contient var/), ou indiquez "
        "PARVIS_VAR_DIR ou DATABASE_URL ; pour créer une base : parvis demo --no-serve "
        "(démo) ou parvis migrate."
    )


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    _demo_environment(args)
    from django.core.management import execute_from_command_line

    message = _missing_database(args)
    if message:
        sys.stderr.write(message + "\n")
        raise SystemExit(2)
    execute_from_command_line(["parvis", *args])


if __name__ == "__main__":
    main()
