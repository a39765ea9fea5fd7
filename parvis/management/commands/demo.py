from __future__ import annotations

import os
import signal
import subprocess
import sys
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
        call_command("migrate", interactive=False, verbosity=0)
        report = demo_content_load()
        call_command("answers_reindex", verbosity=0)  # pages published before answers existed
        self.stdout.write(f"Contenu de démonstration : {report.summary()}")
        home = demo_home()
        roles_ensure(root=home)
        self._users()
        from parvis.reports.demo import reports_demo_load

        self.stdout.write(f"Signalements de démonstration : {reports_demo_load()} créés")
        if not options["no_serve"]:
            serve_with_worker(bind=f"{options['host']}:{options['port']}")

    def _users(self) -> None:
        if settings.HTTPS:
            self.stdout.write("Production (HTTPS) : aucun compte de démonstration n'est créé.")
            return
        user_model = get_user_model()
        self.stdout.write("\nComptes de démonstration (back-office : /admin/) :")
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
            self.stdout.write(f"  {role:<14} {username:<12} mot de passe : {DEMO_PASSWORD}")
        self.stdout.write(
            "  Double authentification : facultative dans la démo (menu du compte, "
            "« Double authentification »), exigée en production (PARVIS_REQUIRE_2FA)."
        )
        self.stdout.write("")


def demo_home() -> Any:
    from parvis.content.models import HomePage

    return HomePage.objects.get(depth=2)


def serve_with_worker(*, bind: str) -> None:
    """Run the web server and the task worker side by side, as production does; stop both
    when either stops or on Ctrl+C / SIGTERM."""
    parvis = [sys.executable, "-m", "parvis.cli"]
    children = [
        subprocess.Popen([*parvis, "worker"]),
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
