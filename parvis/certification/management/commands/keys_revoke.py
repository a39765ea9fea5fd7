import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.certification.keyring import key_revoke
from parvis.certification.keys import SigningKeyError


class Command(BaseCommand):
    help = "Révoque une clé compromise à partir d'une date (ISO 8601, UTC si sans fuseau)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kid")
        parser.add_argument("--from", dest="revoked_from", required=True)
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            moment = dt.datetime.fromisoformat(options["revoked_from"])
            row = key_revoke(kid=options["kid"], revoked_from=moment, reason=options["reason"])
        except ValueError as exc:
            raise CommandError("Date illisible (ex. 2026-11-29T10:00:00Z).") from exc
        except SigningKeyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Clé {row.kid} révoquée à partir du {row.revoked_from.isoformat()}.")
