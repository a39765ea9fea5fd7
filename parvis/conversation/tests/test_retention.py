"""Transcripts keep no more personal data than needed, and are anonymised after the retention."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from parvis.conversation.models import Conversation, Message
from parvis.conversation.services import (
    conversation_ask,
    conversation_contact_set,
    conversation_reply,
    conversation_start,
)

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def old_conversation(make_agent, service_x) -> Conversation:  # noqa: ANN001
    with time_machine.travel(START, tick=False):
        conversation, _token = conversation_start()
        conversation_ask(conversation=conversation, text="Un agent, mon nom est Jeanne Martin")
        conversation.refresh_from_db()
        conversation.service = service_x
        conversation.save()
        conversation_contact_set(conversation=conversation, email="jeanne@example.org")
        conversation_reply(
            conversation=conversation, agent=make_agent("a1", service_x), text="Bonjour Jeanne"
        )
    return conversation


def test_transcripts_older_than_the_retention_are_anonymised(old_conversation) -> None:  # noqa: ANN001
    """After 90 idle days, residents' and agents' texts become "[supprimé]", contacts go."""
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        call_command("conversations_purge")
    old_conversation.refresh_from_db()
    texts = dict(
        Message.objects.filter(conversation=old_conversation).values_list("author", "text")
    )
    assert texts["resident"] == texts["agent"] == "[supprimé]"
    assert "Jeanne" not in " ".join(
        Message.objects.filter(conversation=old_conversation).values_list("text", flat=True)
    )
    assert old_conversation.contact_email == ""
    assert old_conversation.anonymised_at is not None
    assert old_conversation.status == Conversation.Status.CLOSED


def test_recent_transcripts_are_kept(old_conversation) -> None:  # noqa: ANN001
    """A conversation idle for less than the retention is left as it is."""
    with time_machine.travel(START + dt.timedelta(days=89), tick=False):
        call_command("conversations_purge")
    old_conversation.refresh_from_db()
    assert old_conversation.anonymised_at is None
    assert old_conversation.messages.filter(text__contains="Jeanne").count() == 2


def test_retention_is_configurable(old_conversation, settings) -> None:  # noqa: ANN001
    """PARVIS_CONVERSATION_RETENTION_DAYS shortens or lengthens the retention."""
    settings.PARVIS_CONVERSATION_RETENTION_DAYS = 10
    with time_machine.travel(START + dt.timedelta(days=11), tick=False):
        from parvis.conversation.services.retention import conversations_anonymise

        assert conversations_anonymise() == 1
