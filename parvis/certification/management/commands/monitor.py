"""``parvis monitor URL --state FILE [--keys keys.json]``: detect a cut or rewritten log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from parvis.certification.watch import MonitorError, monitor_run


class Command(BaseCommand):
    help = "Surveille le journal de transparence d'un portail : troncature ou réécriture."
    requires_system_checks: list[str] = []  # runs anywhere: no database, no signing key

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="adresse du portail, par exemple https://nantes.example")
        parser.add_argument("--state", required=True, help="fichier d'état (créé au besoin)")
        parser.add_argument("--keys", help="keys.json épinglé (sinon : confiance à la 1re vue)")
        parser.add_argument(
            "--accept-keys",
            action="store_true",
            help="accepter le jeu de clés publié (après l'avoir vérifié ailleurs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = monitor_run(
                url=options["url"],
                state_path=Path(options["state"]),
                keys_path=Path(options["keys"]) if options["keys"] else None,
                accept_keys=options["accept_keys"],
            )
        except MonitorError as exc:
            self.stdout.write(_("ÉCHEC : %(error)s") % {"error": exc})
            raise SystemExit(1) from exc
        for message in result.messages:
            self.stdout.write(message)
        if not result.ok:
            raise SystemExit(1)
        self.stdout.write(
            _("Journal cohérent avec ce qui a déjà été vu : %(size)s entrées.")
            % {"size": result.size}
        )
