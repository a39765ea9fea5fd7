"""Retention everywhere: one job runs every app's declared purge (``core.personal_data``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.core.personal_data import purge_everywhere
from parvis.core.schedule import periodic


@periodic(every=timedelta(minutes=15), label=_("Durées de conservation des données personnelles"))
@task(backend="background")
def personal_data_purge_task() -> dict[str, int]:
    """Delete or anonymise, in every app, what has outlived its declared retention."""
    return purge_everywhere()
