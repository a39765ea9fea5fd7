"""`parvis eval_learning QUESTIONS.jsonl [--folds 5] [--off-topic FILE] [--json]`: replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.answers.evaluation import Question, questions_parse
from parvis.answers.replay import replay


def _questions(path: Path, stderr: Any) -> list[Question]:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            questions, errors = questions_parse(handle)
    except OSError as exc:
        raise CommandError(f"Fichier illisible : {path} ({exc.strerror})") from None
    for number, reason in errors:
        stderr.write(f"{path.name}, ligne {number} : {reason}")
    return questions


class Command(BaseCommand):
    help = (
        "Measure learning from use by replay: each fold's questions are asked after the other "
        "folds' wordings were approved, beside the engine that learned nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--off-topic", type=Path, help="questions without an expected answer")
        parser.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 2 <= options["folds"] <= 20:
            raise CommandError("--folds : entre 2 et 20.")
        questions = _questions(options["path"], self.stderr)
        if not questions:
            raise CommandError("Aucune question valide.")
        off_topic = _questions(options["off_topic"], self.stderr) if options["off_topic"] else None
        figures = replay(
            questions, folds=options["folds"], seed=options["seed"], off_topic=off_topic
        )
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        before, after = figures["without_learning"], figures["with_learning"]
        self.stdout.write(
            f"{figures['questions']} questions, {figures['folds']} plis, "
            f"{figures['documents_learned_per_fold']} documents appris par pli"
        )
        again = figures["asked_again"]
        self.stdout.write(f"{'':10}{'sans':>12}{'appris':>12}{'reposées':>12}")
        for key in ("hit@1", "hit@3", "mrr@10"):
            self.stdout.write(f"{key:10}{before[key]:>12}{after[key]:>12}{again[key]:>12}")
        for label, tally in (("sans", before), ("appris", after), ("reposées", again)):
            cards = tally["cards"]
            self.stdout.write(
                f"cartes ({label}) : {cards['shown']} affichées, {cards['right']} justes, "
                f"{cards['wrong']} fausses"
            )
        if "off_topic" in figures:
            off = figures["off_topic"]
            self.stdout.write(
                f"hors sujet ({off['questions']}) : cartes {off['without_learning']['shown']} "
                f"sans apprentissage → {off['with_learning']['shown']} après"
            )
