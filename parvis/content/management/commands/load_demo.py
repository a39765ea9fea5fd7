from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.content.demo import demo_content_load


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (Nantes) depuis parvis/content/demo/*.toml."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Republie aussi les pages déjà présentes avec le contenu des fichiers.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_content_load(update=options["update"])
        self.stdout.write(self.style.SUCCESS(f"Contenu de démonstration : {report.summary()}"))
