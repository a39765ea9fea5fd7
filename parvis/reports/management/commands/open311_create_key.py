from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.reports.apikeys import api_key_create


class Command(BaseCommand):
    help = "Crée une clé d'API Open311 pour un client et l'affiche (une seule fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Nom du client (application, prestataire…)")

    def handle(self, *args: Any, **options: Any) -> None:
        key, raw = api_key_create(name=options["name"])
        self.stderr.write(
            f"Clé créée pour « {key.name} » (conservez-la, elle ne sera plus affichée) :"
        )
        self.stdout.write(raw)
