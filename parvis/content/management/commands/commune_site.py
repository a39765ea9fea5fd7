"""`parvis commune_site SLUG [--hostname H] [--port P]`: give a commune its own site."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.content.communes import commune_site_ensure
from parvis.content.models import Commune


class Command(BaseCommand):
    help = (
        "Crée le site d'une commune de la Métropole (accueil, rubriques, groupe d'éditeurs "
        "avec droits sur ses seules pages) ; sans argument, liste les communes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("commune", nargs="?", help="identifiant (reze) ou code INSEE (44143)")
        parser.add_argument("--hostname", default="", help="nom d'hôte du site")
        parser.add_argument("--port", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["commune"]
        if not key:
            for commune in Commune.objects.select_related("site").order_by("name"):
                site = commune.site.hostname if commune.site else "—"
                self.stdout.write(f"{commune.insee_code}  {commune.slug:<28} {site}")
            return
        commune = (
            Commune.objects.filter(slug=key).first()
            or Commune.objects.filter(insee_code=key).first()
        )
        if commune is None:
            raise CommandError(f"Commune inconnue : {key}")
        result = commune_site_ensure(
            commune=commune, hostname=options["hostname"], port=options["port"]
        )
        verb = "créé" if result.created else "déjà en place"
        self.stdout.write(
            f"Site de {commune.name} {verb} : {result.site.hostname}:{result.site.port}, "
            f"éditeurs : « {result.editors.name} »"
        )
