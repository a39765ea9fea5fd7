"""parvis eval_assistant QUESTIONS.jsonl [--json] [--fit]: coverage, precision, p95 latency."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.conversation.calibration import calibration_load, calibration_path
from parvis.conversation.evaluation import (
    fit_and_report,
    questions_read,
    report,
    samples_collect,
)


class Command(BaseCommand):
    help = (
        "For each question the assistant answers or hands off: prints coverage, precision of "
        "its answers and p95 response time. --fit fits the confidence calibration on half."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--json", action="store_true", help="one JSON object")
        parser.add_argument("--fit", action="store_true", help="fit on even lines, report odd")
        parser.add_argument(
            "--output", type=Path, default=None, help="default: the current mode's file"
        )
        parser.add_argument("--target-precision", type=float, default=0.97)
        parser.add_argument("--limit", type=int, default=0)

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["path"]
        try:
            questions = questions_read(path.read_text(encoding="utf-8").splitlines())
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {path} ({exc.strerror})") from None
        if options["limit"]:
            questions = questions[: options["limit"]]
        if not questions:
            raise CommandError("Aucune question valide.")
        samples = samples_collect(questions)
        if options["fit"]:
            calibration, figures = fit_and_report(
                samples, target_precision=options["target_precision"]
            )
            output: Path = options["output"] or calibration_path()
            output.write_text(json.dumps(calibration.to_dict(), indent=2) + "\n")
            figures["calibration"] = str(output)
        else:
            calibration = calibration_load()
            figures = report(samples, calibration)
        figures["threshold"] = round(calibration.threshold, 4)
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key:14} {value}")
