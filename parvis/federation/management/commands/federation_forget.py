"""Erase what the city keeps about one fediverse account (a follower's right to erasure)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from parvis.federation.services import follower_forget


class Command(BaseCommand):
    help = (
        "Efface ce que la ville garde d'un compte du fédivers : ses abonnements, ses clés "
        "publiques en cache et les envois qui lui restaient. Exemple : "
        "parvis federation_forget https://mastodon.example/users/alice"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("uri", help="adresse (id) du compte ActivityPub")

    def handle(self, *args: object, uri: str, **options: object) -> None:
        removed = follower_forget(uri=uri)
        self.stdout.write(f"{removed} abonnement(s) effacé(s) pour {uri}")
