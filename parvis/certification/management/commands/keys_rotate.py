from typing import Any

from django.core.management.base import BaseCommand, CommandError

from parvis.certification.keyring import keys_rotate
from parvis.certification.keys import SigningKeyError


class Command(BaseCommand):
    help = "Remplace la clé de signature ; les anciennes signatures restent vérifiables."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row = keys_rotate()
        except SigningKeyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Nouvelle clé : {row.kid}. L'ancienne ne signe plus.")
