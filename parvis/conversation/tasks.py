"""Background jobs of the assistant: the retention of transcripts."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.conversation.services.retention import conversations_anonymise
from parvis.core.schedule import periodic


@periodic(every=timedelta(days=1), label=_("Anonymisation des conversations anciennes"))
@task(backend="background")
def conversations_purge_task() -> int:
    return conversations_anonymise()
