"""``parvis worker``: run the background tasks and the declared schedule, until SIGTERM.

One process does both: a scheduler thread queues periodic jobs when they are due
(``parvis.core.schedule``), and the main thread runs queued tasks with django-tasks-db's worker
(the "background" backend). Run as many workers as you like: tasks and schedule runs are claimed
in the database, so each runs once. ``--once`` queues what is due, runs every queued task, then
exits (cron, tests).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from parvis.core.schedule import schedule_tick

logger = logging.getLogger("parvis.worker")
BACKEND = "background"
TICK_SECONDS = 5.0


class Command(BaseCommand):
    help = "Exécute les tâches de fond et les tâches planifiées (arrêt propre sur SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.PARVIS_WORKER_INTERVAL,
            help="seconds between two looks at an empty queue",
        )
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument(
            "--no-schedule", action="store_true", help="run queued tasks only (no scheduler)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["once"],
            backend_name=BACKEND,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if options["once"]:
            if not options["no_schedule"]:
                schedule_tick()
            worker.run()
            return
        stop = threading.Event()
        scheduler = None
        if not options["no_schedule"]:
            scheduler = threading.Thread(
                target=_schedule_loop, args=(stop,), name="parvis-scheduler", daemon=True
            )
            scheduler.start()
        self.stdout.write("Parvis : travailleur de tâches démarré (Ctrl+C pour arrêter).")
        self.stdout.flush()
        worker.configure_signals()  # SIGTERM/SIGINT: finish the running task, then stop
        try:
            worker.run()
        finally:
            stop.set()
            if scheduler is not None:
                scheduler.join(timeout=TICK_SECONDS * 2)


def _schedule_loop(stop: threading.Event) -> None:
    """Queue due periodic jobs every few seconds, on this thread's own connection."""
    while not stop.is_set():
        close_old_connections()
        try:
            schedule_tick()
        except DatabaseError:  # e.g. SQLite busy: the job stays due and is queued next tick
            logger.warning("schedule tick failed", exc_info=True)
        stop.wait(TICK_SECONDS)
    connection.close()
