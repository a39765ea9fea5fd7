"""`parvis import_addresses FILE [--reset]`: index a Base Adresse Nationale CSV in addok."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.core import geocoding


class Command(BaseCommand):
    help = (
        "Indexe un fichier CSV de la Base Adresse Nationale (adresses-44.csv) dans le moteur "
        "d'adresses (addok sur Redis)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--reset", action="store_true", help="oublier d'abord les adresses")
        parser.add_argument(
            "--if-available",
            action="store_true",
            help="sans Redis, ne rien faire au lieu d'échouer (make demo)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not geocoding.available():
            if options["if_available"]:
                self.stdout.write("Redis injoignable : adresses non chargées (champ libre).")
                return
            raise CommandError("Le Redis du moteur d'adresses est injoignable.")
        if options["reset"]:
            geocoding.addresses_reset()
        try:
            count = geocoding.addresses_import(options["path"])
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {options['path']} ({exc.strerror})") from None
        except (geocoding.AddressImportError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{count} voie(s) indexée(s).")
