"""Background jobs of the shared pieces: the outbox, purges of unconfirmed addresses, idempotency
keys and rate-limit counters, and Wagtail's scheduled publishing."""

from __future__ import annotations

import io
import time
from datetime import timedelta

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from parvis.core.idempotency import idempotency_purge
from parvis.core.notifications import outbox_deliver, outbox_purge_unconfirmed
from parvis.core.ratelimit import ratelimit_purge
from parvis.core.schedule import periodic

TASK_RESULTS_DAYS = timedelta(days=7)


@periodic(every=timedelta(minutes=1), label=_("Envoi des courriels en attente"))
@task(backend="background")
def outbox_deliver_task() -> dict[str, int]:
    """Send the due messages of the outbox (also queued right after each new message)."""
    sent, failed = outbox_deliver()
    return {"sent": sent, "failed": failed}


@periodic(every=timedelta(days=1), label=_("Purge des adresses jamais confirmées"))
@task(backend="background")
def unconfirmed_addresses_purge_task() -> int:
    """Forget addresses whose confirmation link expired unused, and what waited for them."""
    return outbox_purge_unconfirmed()


@periodic(every=timedelta(hours=1), label=_("Purge des clés d'idempotence expirées"))
@task(backend="background")
def idempotency_purge_task() -> int:
    return idempotency_purge()


@periodic(every=timedelta(hours=1), label=_("Purge des compteurs de limite de débit"))
@task(backend="background")
def ratelimit_purge_task() -> int:
    return ratelimit_purge(before=int(time.time()) - 86400)


@periodic(every=timedelta(minutes=1), label=_("Publication des pages programmées"))
@task(backend="background")
def publish_scheduled_task() -> str:
    """Publish (and so certify) pages whose go-live time has come; unpublish expired ones."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()[-500:]


@task(backend="background")
def front_cache_purge_task(urls: list[str]) -> int:
    """Purge published pages from the front cache (queued by the publication's transaction)."""
    from parvis.core.pagecache import front_cache_purge_now

    front_cache_purge_now(urls)
    return len(urls)


@periodic(every=timedelta(days=1), label=_("Purge des tâches terminées"))
@task(backend="background")
def task_results_purge_task() -> int:
    """Forget finished task runs after a week (the schedule keeps each job's last outcome)."""
    cutoff = timezone.now() - TASK_RESULTS_DAYS
    with transaction.atomic():
        return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0]
