from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Sert le portail avec gunicorn (production : derrière un proxy HTTPS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("PARVIS_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("PARVIS_WORKERS", "2"))
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=int(os.environ.get("PARVIS_REQUEST_TIMEOUT", "30")),
            help="seconds before a silent request's worker is restarted",
        )

    # Gunicorn never runs Django's system checks, this command does (Django's default, said
    # here on purpose): a production portal missing its signing key or its trusted proxies
    # refuses to start.
    requires_system_checks = "__all__"

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "parvis.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--graceful-timeout",
            "10",
            # One shared control socket path would make parallel instances (tests,
            # benchmarks, several ports on one host) fight over it; nothing uses it.
            "--no-control-socket",
            # Our own middleware writes the access log without client addresses.
            "--error-logfile",
            "-",
        ]
        self.stdout.write(f"Parvis sert sur http://{options['bind']}/ (Ctrl+C pour arrêter)")
        self.stdout.flush()
        os.execv(sys.executable, argv)
