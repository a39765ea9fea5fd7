"""Retention: transcripts are anonymised once they have been idle for the retention period.

Decision: residents' and agents' message texts are replaced by "[supprimé]" rather than
deleted, so the conversation keeps its shape for statistics (who spoke when, hand-off reasons,
"oui/non" feedback, the published sources quoted) without anything a person wrote. The
assistant's own messages quote published pages only and are kept. Contact details are erased,
a conversation still waiting is closed, and its tracking link stops working.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parvis.conversation.models import Conversation, Message
from parvis.core.notifications import address_confirmations_forget

REMOVED = "[supprimé]"


@transaction.atomic
def conversations_anonymise(
    *, older_than_days: int | None = None, now: dt.datetime | None = None
) -> int:
    """Anonymise conversations idle for more than the retention; returns how many."""
    days = (
        settings.PARVIS_CONVERSATION_RETENTION_DAYS if older_than_days is None else older_than_days
    )
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    stale = Conversation.objects.filter(updated_at__lt=cutoff, anonymised_at__isnull=True)
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    Message.objects.filter(
        conversation_id__in=ids, author__in=[Message.Author.RESIDENT, Message.Author.AGENT]
    ).update(text=REMOVED)
    now = timezone.now()
    Conversation.objects.filter(pk__in=ids).exclude(status=Conversation.Status.CLOSED).update(
        status=Conversation.Status.CLOSED, closed_at=now
    )
    Conversation.objects.filter(pk__in=ids).update(
        contact_email="",
        contact_phone="",
        pending={},
        waiting_since=None,
        anonymised_at=now,
        links_revoked_at=now,
    )
    for pk in ids:
        address_confirmations_forget(subject=f"conversation:{pk}")
    return len(ids)
