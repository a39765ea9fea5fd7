"""parvis conversations_purge [--days N]: anonymise transcripts idle beyond the retention."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from parvis.conversation.services.retention import conversations_anonymise


class Command(BaseCommand):
    help = "Anonymise conversation transcripts idle for more than the retention (default 90 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PARVIS_CONVERSATION_RETENTION_DAYS,
            help="retention in days (PARVIS_CONVERSATION_RETENTION_DAYS)",
        )

    def handle(self, *args: object, days: int, **options: object) -> None:
        count = conversations_anonymise(older_than_days=days)
        self.stdout.write(f"{count} conversation(s) anonymised (retention {days} days).")
