"""`parvis ask "question" [--json]`: the answer engine on the command line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.answers.selectors import answer_query


class Command(BaseCommand):
    help = "Ask the answer engine a question, as a resident would."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("question")
        parser.add_argument("--json", action="store_true", help="the JSON API's shape")
        parser.add_argument("--limit", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        response = answer_query(query=options["question"], limit=max(1, min(options["limit"], 50)))
        if options["json"]:
            self.stdout.write(json.dumps(response.to_json(), ensure_ascii=False, indent=2))
            return
        if not response.results and response.answer is None:
            self.stdout.write("Aucune réponse trouvée.")
        if response.suggestion:
            self.stdout.write(f"Vouliez-vous dire : {response.suggestion} ?")
        if response.answer:
            card = response.answer
            self.stdout.write(f"Réponse ({response.confidence:.0%}) : {card.title}")
            self.stdout.write(f"  {card.short_answer}")
            for place in card.places:
                self.stdout.write(f"  - {place.title} : {place.label}")
        for rank, item in enumerate(response.results, start=1):
            self.stdout.write(f"{rank}. [{item.id}] {item.title} ({item.score})")
