from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.core.notifications import outbox_deliver


class Command(BaseCommand):
    help = "Envoie les messages en attente dans la file sortante (--loop : en continu)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            sent, failed = outbox_deliver()
            if sent or failed or not options["loop"]:
                self.stdout.write(f"Envoyés : {sent}, en échec : {failed}")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
