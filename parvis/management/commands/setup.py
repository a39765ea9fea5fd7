from __future__ import annotations

import getpass
import io
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parvis.install import AdminAccount, admin_check, administrator_exists, defaults_read, setup_run


class Command(BaseCommand):
    help = (
        "Première installation d'une ville, sans la démonstration de Nantes : migrations, site, "
        "rôles et circuit de validation, services et catégories par défaut, clé de signature, "
        "premier administrateur et son second facteur. Ne remplace jamais ce qui existe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=(
                "Sans questions : l'administrateur vient de PARVIS_ADMIN_USERNAME, "
                "PARVIS_ADMIN_EMAIL et PARVIS_ADMIN_PASSWORD."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = options["interactive"]
        account = None
        if not interactive:
            # Checked before anything is written: a bad password leaves the database untouched.
            account = self._account_from_environment()
        self.stdout.write(
            _("Installation de Parvis pour %(city)s") % {"city": settings.PARVIS_CITY_NAME}
        )
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Base de données : migrations appliquées."))
        if interactive and not administrator_exists():
            account = self._account_from_prompts()
        if account is None and not administrator_exists():
            raise CommandError(
                _(
                    "Aucun administrateur : définissez PARVIS_ADMIN_USERNAME, PARVIS_ADMIN_EMAIL "
                    "et PARVIS_ADMIN_PASSWORD, ou lancez « parvis setup » sans --no-input."
                )
            )
        report = setup_run(account=account, defaults=defaults_read())
        for line in report.done:
            self.stdout.write(self.style.SUCCESS(f"✓ {line}"))
        for line in report.kept:
            self.stdout.write(f"= {line}")
        if report.otpauth_uri:
            self._second_factor_print(report.otpauth_uri)
        if report.changed:
            self.stdout.write(self.style.SUCCESS(_("Installation terminée. Back-office : /admin/")))
        else:
            self.stdout.write(_("Rien à faire : l'installation était déjà complète."))

    def _account_from_environment(self) -> AdminAccount | None:
        username = os.environ.get("PARVIS_ADMIN_USERNAME", "")
        email = os.environ.get("PARVIS_ADMIN_EMAIL", "")
        password = os.environ.get("PARVIS_ADMIN_PASSWORD", "")
        if not (username or email or password):
            return None
        try:
            return admin_check(
                username=username, email=email, password=password, password_again=password
            )
        except ValidationError as exc:
            raise CommandError(
                _("Administrateur refusé, rien n'a été modifié :")
                + "".join(f"\n- {message}" for message in exc.messages)
            ) from None

    def _account_from_prompts(self) -> AdminAccount:
        self.stdout.write(_("Premier administrateur du back-office :"))
        while True:
            username = input(_("Identifiant [admin] : ")) or "admin"
            email = input(_("Adresse électronique : "))
            password = getpass.getpass(_("Mot de passe : "))
            again = getpass.getpass(_("Mot de passe (encore) : "))
            try:
                return admin_check(
                    username=username, email=email, password=password, password_again=again
                )
            except ValidationError as exc:
                for message in exc.messages:
                    self.stderr.write(f"- {message}")
                self.stderr.write(_("Recommencez."))

    def _second_factor_print(self, uri: str) -> None:
        import segno

        self.stdout.write(
            _(
                "Second facteur : ajoutez ce compte à votre application d'authentification "
                "(scannez le code ou copiez l'adresse), puis saisissez son code à la première "
                "connexion au back-office."
            )
        )
        qr = io.StringIO()
        segno.make(uri, error="m").terminal(out=qr, compact=True)
        self.stdout.write(qr.getvalue(), ending="")
        self.stdout.write(uri)
