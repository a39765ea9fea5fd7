"""`parvis eval_answers QUESTIONS.jsonl [--json]`: measure the engine against the baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.answers.evaluation import evaluate, questions_parse

KEYS = ("hit@1", "hit@3", "mrr@10", "p50_ms", "p95_ms")


class Command(BaseCommand):
    help = "Evaluate answers on questions with expected ids: hit@1, hit@3, MRR@10, latency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with options["path"].open(encoding="utf-8", errors="replace") as handle:
                questions, errors = questions_parse(handle)
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {options['path']} ({exc.strerror})") from None
        for number, reason in errors:
            self.stderr.write(f"ligne {number} : {reason}")
        if not questions:
            raise CommandError("Aucune question valide.")
        figures = evaluate(questions)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        columns = [("moteur", "engine"), ("lexical", "lexical"), ("référence", "baseline")]
        columns = [(label, name) for label, name in columns if name in figures]
        mode = "lexical + sémantique" if figures["semantic"] else "lexical"
        self.stdout.write(f"{figures['questions']} questions, base {figures['database']}, {mode}")
        self.stdout.write(f"{'':10}" + "".join(f"{label:>12}" for label, _ in columns))
        for key in KEYS:
            row = "".join(f"{figures[name][key]:>12}" for _, name in columns)
            self.stdout.write(f"{key:10}{row}")
        cards = figures["cards"]
        self.stdout.write(
            f"cartes réponse : {cards['shown']} affichées, {cards['right']} justes, "
            f"{cards['wrong']} fausses"
        )
