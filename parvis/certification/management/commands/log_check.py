from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.certification.monitor import log_check


class Command(BaseCommand):
    help = "Vérifie tout le journal de transparence (racines, signatures, points de contrôle)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since-checkpoint",
            help="point de contrôle déjà vu (note signée, ou fichier d'état de parvis monitor)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = options.get("since_checkpoint")
        try:
            text = Path(since).read_text(encoding="utf-8") if since else None
        except (OSError, UnicodeDecodeError) as exc:
            self.stdout.write(f"Journal INCOHÉRENT : point de contrôle illisible ({exc}).")
            raise SystemExit(1) from exc
        report = log_check(since=text)
        self.stdout.write(
            f"{report.entries} entrées et {report.checkpoints} points de contrôle vérifiés."
        )
        if report.revoked_checkpoints:
            self.stdout.write(
                f"{report.revoked_checkpoints} points de contrôle signés par une clé révoquée "
                "ou inconnue (à confirmer par un point plus récent)."
            )
        for problem in report.problems[:100]:
            self.stdout.write(f"PROBLÈME : {problem}")
        if report.problems:
            self.stdout.write(f"Journal INCOHÉRENT : {len(report.problems)} problème(s).")
            raise SystemExit(1)
        self.stdout.write("Journal cohérent.")
