"""`parvis knowledge_import FILE.jsonl` (the issue's `knowledge import`): external documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.answers.services import KnowledgeImportError, knowledge_import_file


class Command(BaseCommand):
    help = "Import knowledge documents (JSON lines: id, title, body, url, source[, licence])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = knowledge_import_file(path=options["path"])
        except KnowledgeImportError as exc:
            raise CommandError(exc.message) from None
        for number, reason in report.errors:
            self.stderr.write(f"ligne {number} : {reason}")
        self.stdout.write(
            f"{report.created} créé(s), {report.updated} mis à jour, "
            f"{len(report.errors)} ligne(s) rejetée(s)."
        )
