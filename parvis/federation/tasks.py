"""Background jobs of the fediverse: delivering activities, forgetting old deliveries."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.core.schedule import periodic
from parvis.federation.services import deliveries_purge, deliveries_send


@periodic(every=timedelta(minutes=1), label=_("Envoi des publications au fédivers"))
@task(backend="background")
def federation_deliver_task() -> dict[str, int]:
    """Send the due activities to followers' inboxes (also queued right after each new one)."""
    sent, failed = deliveries_send()
    return {"sent": sent, "failed": failed}


@periodic(every=timedelta(days=1), label=_("Purge des envois au fédivers terminés"))
@task(backend="background")
def federation_deliveries_purge_task() -> int:
    return deliveries_purge()
