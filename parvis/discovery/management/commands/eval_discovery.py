from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.discovery.evaluation import evaluate


class Command(BaseCommand):
    help = (
        "Mesure les listes « À découvrir aussi » de toutes les pages (diversité, couverture du "
        "catalogue, part de contenus hors du sujet de la page) à côté d'une liste de pure "
        "pertinence classée par le moteur de réponses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Résultat en JSON.")
        parser.add_argument("--day", help="Jour évalué (AAAA-MM-JJ), aujourd'hui par défaut.")
        parser.add_argument("--size", type=int, default=6, help="Longueur des listes.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["day"]) if options["day"] else None
        except ValueError as exc:
            raise CommandError("--day attend une date AAAA-MM-JJ.") from exc
        if options["size"] < 1 or options["size"] > 50:
            raise CommandError("--size doit être entre 1 et 50.")
        result = evaluate(day=day, size=options["size"])
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"Jour {result['day']} · listes de {result['size']} · catalogue "
            f"{result['catalogue']} contenus, dont {result['showable']} présentables"
        )
        self.stdout.write(f"{'mesure':<40}{'découverte':>12}{'pertinence':>12}")
        for name, value in result["discovery"].items():
            self.stdout.write(f"{name:<40}{value!s:>12}{result['baseline'][name]!s:>12}")
