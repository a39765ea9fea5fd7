from typing import Any

from django.core.management.base import BaseCommand

from parvis.certification.monitor import log_check


class Command(BaseCommand):
    help = "Vérifie tout le journal de transparence (racines, signatures, points de contrôle)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = log_check()
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
