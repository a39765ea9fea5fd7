"""Background jobs: read the groups' public feeds on a schedule."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.core.schedule import periodic
from parvis.networks.services import events_purge, feeds_read


@periodic(every=timedelta(minutes=15), label=_("Lecture des agendas des groupes"))
@task(backend="background")
def feeds_read_task() -> dict[str, int]:
    """Read every due feed (each at most once per PARVIS_NETWORKS_FEED_EVERY_MINUTES)."""
    return feeds_read()


@periodic(every=timedelta(days=1), label=_("Purge des événements passés des groupes"))
@task(backend="background")
def events_purge_task() -> int:
    """Forget the groups' events that ended more than a month ago."""
    return events_purge()
