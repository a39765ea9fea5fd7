"""The ``parvis`` command: every Django management command, as ``django-admin`` does.

parvis demo [--port N] [--no-serve]   prepare the demo database and serve it
parvis serve                          serve with gunicorn (production)
parvis migrate / createsuperuser / …  any management command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parvis", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
