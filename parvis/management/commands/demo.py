from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from parvis.content.demo import demo_content_load
from parvis.content.models import Service
from parvis.core.models import AgentProfile
from parvis.core.roles import AGENTS, EDITORS, MODERATORS, roles_ensure

DEMO_PASSWORD = "parvis-demo-2026"
DEMO_ADDRESSES = Path(settings.BASE_DIR) / "data" / "addresses-demo.csv"
DEMO_USERS = [
    # username, first name, last name, group (None = administrator)
    ("admin", "Alex", "Administrateur", None),
    ("editrice", "Claire", "Martin", EDITORS),
    ("moderateur", "Yann", "Le Gall", MODERATORS),
    ("agent", "Samia", "Benali", AGENTS),
    ("agent-proprete", "Hugo", "Moreau", AGENTS),
]
# What residents see of the demo agents, and the services each one acts for.
DEMO_AGENTS = {
    "agent": ("Samia", "agente d'accueil", ["etat-civil", "accueil-mairies", "elections"]),
    "agent-proprete": ("Hugo", "agent de la propreté urbaine", ["proprete-dechets"]),
}


class Command(BaseCommand):
    help = (
        "Prépare la base configurée (migrations, contenu de démonstration, comptes) "
        "puis sert le portail avec son travailleur de tâches, sauf avec --no-serve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        # Steps in order, each announced (the first start takes a minute or two); the logins
        # come last, right above the address, where they cannot scroll away.
        self._step(1, "Base de données (migrations)…")
        with _quiet():
            call_command("migrate", interactive=False, verbosity=0)
        self._step(2, "Contenu de démonstration (quartiers, fiches, lieux, récits)…")
        with _quiet():
            report = demo_content_load()
        self.stdout.write(f"      {report.summary()}")
        self._step(3, "Index du moteur de réponses…")
        with _quiet():
            call_command("answers_reindex", verbosity=0)  # pages published before answers existed
        # The demo's streets in the address engine (addok on Redis); without Redis, address
        # fields stay free text.
        call_command("import_addresses", str(DEMO_ADDRESSES), if_available=True)
        self._step(4, "Rôles et comptes…")
        with _quiet():
            roles_ensure(root=demo_home())
            logins = self._users()
        from parvis.reports.demo import reports_demo_load

        self._step(5, "Signalements de démonstration…")
        with _quiet():
            created = reports_demo_load()
        self.stdout.write(f"      {created} créé(s)")
        from parvis.answers.sources import source_refresh
        from parvis.networks.demo import networks_demo_load

        self._step(6, "Groupes des quartiers et leurs agendas…")
        with _quiet():
            groups = networks_demo_load()
            source_refresh("groupe")
        self.stdout.write(f"      {groups} créé(s)")
        from parvis.listening.demo import listening_demo_load
        from parvis.screens.demo import screens_demo_load

        self._step(7, "Questions de terrain (Une minute pour…) et écrans urbains…")
        with _quiet():
            created = listening_demo_load()
            screens = screens_demo_load()
        self.stdout.write(f"      {created} créée(s) ; {screens} écran(s) : /ecran/hotel-de-ville/")
        from parvis.answers import semantic

        if semantic.enabled():  # what the task worker does every 5 minutes, done once now
            self.stdout.write("      Vecteurs sémantiques des documents (une minute environ)…")
            with _quiet():
                embedded = semantic.embed_pending()
            self.stdout.write(f"      {embedded} document(s)")
        if not options["no_serve"] and "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
            self.stdout.write("      Fichiers statiques (noms versionnés, compressés)…")
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("")
        for line in logins:
            self.stdout.write(line)
        if options["no_serve"]:
            return
        self.stdout.write(self.style.SUCCESS(f"\nLe portail : {settings.BASE_URL}/"))
        self.stdout.write("(Ctrl+C pour arrêter)\n")
        serve_with_worker(bind=f"{options['host']}:{options['port']}")

    def _step(self, number: int, text: str) -> None:
        self.stdout.write(f"[{number}/7] {text}")

    def _users(self) -> list[str]:
        """Create the demo accounts; the lines that present them."""
        if settings.HTTPS:
            return ["Production (HTTPS) : aucun compte de démonstration n'est créé."]
        user_model = get_user_model()
        lines = [f"Comptes de démonstration (back-office : {settings.BASE_URL}/admin/) :"]
        for username, first, last, group in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.parvis.invalid",
                    "is_staff": group is None,
                    "is_superuser": group is None,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            if username in DEMO_AGENTS:
                display_name, role, services = DEMO_AGENTS[username]
                profile, _ = AgentProfile.objects.get_or_create(
                    user=user, defaults={"display_name": display_name, "role": role}
                )
                profile.services.add(*Service.objects.filter(slug__in=services))
            role = group or "Administrateur"
            lines.append(f"  {role:<14} {username:<15} mot de passe : {DEMO_PASSWORD}")
        lines.append(
            "  Double authentification : facultative dans la démo (menu du compte, "
            "« Double authentification »), exigée en production (PARVIS_REQUIRE_2FA)."
        )
        return lines


@contextmanager
def _quiet() -> Iterator[None]:
    """No INFO log lines (one JSON line per page Wagtail publishes) while the demo loads."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def demo_home() -> Any:
    from parvis.content.communes import metropole_home

    return metropole_home()


def serve_with_worker(*, bind: str) -> None:
    """Run the web server and the task worker side by side, as production does; stop both
    when either stops or on Ctrl+C / SIGTERM."""
    parvis = [sys.executable, "-m", "parvis.cli"]
    # The worker reports each job it queues at INFO: in the demo's terminal that would bury the
    # logins printed just above, so it speaks from WARNING on unless the level was chosen.
    quiet = {**os.environ, "PARVIS_LOG_LEVEL": os.environ.get("PARVIS_LOG_LEVEL", "WARNING")}
    children = [
        subprocess.Popen([*parvis, "worker"], env=quiet),
        subprocess.Popen([*parvis, "serve", "--bind", bind, "--workers", "2"]),
    ]

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        os.wait()  # the first child to end (or a signal) ends the demo
    except (KeyboardInterrupt, ChildProcessError):
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            child.wait()
