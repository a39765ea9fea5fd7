from typing import Any

from django.core.management.base import BaseCommand, CommandError

from parvis.certification.keyring import keys_init
from parvis.certification.keys import SigningKeyError, key_file


class Command(BaseCommand):
    help = "Crée la clé de signature Ed25519 de la Ville (hors de la base de données)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kid = keys_init()
        except SigningKeyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Clé créée : {kid} (fichier {key_file()}, droits 0600).")
