"""`parvis answers_purge_logs [--days N]`: delete anonymous query logs and votes past retention."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from parvis.answers.services import query_logs_purge


class Command(BaseCommand):
    help = "Delete search logs and feedback older than the retention (PARVIS_ANSWERS_LOG_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.PARVIS_ANSWERS_LOG_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        count = query_logs_purge(older_than_days=max(0, options["days"]))
        self.stdout.write(f"{count} ligne(s) supprimée(s).")
