from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.staff.services import second_factor_reset


class Command(BaseCommand):
    help = (
        "Supprime l'application d'authentification et les codes de secours d'un compte "
        "(appareil perdu) : la personne en enregistrera de nouveaux à sa prochaine connexion."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["username"]})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"Aucun compte « {options['username']} ».") from exc
        removed = second_factor_reset(user=user)
        self.stdout.write(f"{removed} appareil(s) supprimé(s) pour {options['username']}.")
