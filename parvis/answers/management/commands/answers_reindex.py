"""`parvis answers_reindex`: rebuild the full-text index from live pages and imported documents."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.answers.services import reindex_all


class Command(BaseCommand):
    help = "Rebuild the answer engine's index."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex_all()
        self.stdout.write(f"{count} document(s) indexé(s).")
