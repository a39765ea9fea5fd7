"""Background jobs of the audience measure: the roll-up of searches and votes, the purge."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.audience.services import ROLLUP_EVERY_MINUTES, audience_purge, audience_rollup
from parvis.core.schedule import periodic


@periodic(
    every=timedelta(minutes=ROLLUP_EVERY_MINUTES),
    label=_("Fréquentation : décompte des recherches"),
)
@task(backend="background")
def audience_rollup_task() -> int:
    return audience_rollup()


@periodic(every=timedelta(days=1), label=_("Fréquentation : purge après 25 mois"))
@task(backend="background")
def audience_purge_task() -> int:
    return audience_purge()
