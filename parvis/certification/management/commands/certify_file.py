from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.certification.services import export_certify


class Command(BaseCommand):
    help = "Signe et inscrit au journal l'empreinte d'un fichier de données publiques."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--url", required=True, help="adresse publique du fichier")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        entry = export_certify(
            name=options["name"] or path.name, content=path.read_bytes(), url=options["url"]
        )
        self.stdout.write(f"Fichier certifié : entrée {entry.index}, SHA-256 {entry.file_sha256}.")
