"""The search page's old questions to agents become conversations handed off (migration 0003)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from parvis.content.models import Service
from parvis.conversation.models import Conversation, HandOff, Message

pytestmark = pytest.mark.django_db

migration = importlib.import_module("parvis.conversation.migrations.0003_agent_questions")


@pytest.fixture
def old_apps() -> Iterator[object]:
    """The models as the data migration sees them, with answers.AgentQuestion's table back."""
    loader = MigrationLoader(connection)
    state = loader.project_state(
        [("answers", "0003_embeddings"), ("conversation", "0002_handoff_search_page")]
    )
    apps = state.apps
    model = apps.get_model("answers", "AgentQuestion")
    # Not as a context manager: SQLite's editor refuses to open inside the test's transaction.
    # The table is all the test needs (its deferred indexes are dropped); the test's
    # transaction rolls it back.
    editor = connection.schema_editor()
    editor.deferred_sql = []
    editor.create_model(model)
    yield apps


def test_agent_questions_become_handed_off_conversations(old_apps) -> None:  # noqa: ANN001
    """Open questions wait in their service's inbox (else the default service), with their
    email and date; questions already dealt with are closed, without contact."""
    AgentQuestion = old_apps.get_model("answers", "AgentQuestion")
    service = Service.objects.create(name="Voirie test", slug="voirie-test")
    asked = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
    AgentQuestion.objects.create(question="Ma rue n'est pas déneigée", email="a@example.org")
    AgentQuestion.objects.create(question="Un trou devant chez moi", service_id=service.pk)
    AgentQuestion.objects.create(question="Déjà traitée", email="b@example.org", answered=True)
    AgentQuestion.objects.update(created_at=asked)

    migration.agent_questions_to_conversations(old_apps, None)

    snow = Conversation.objects.get(messages__text="Ma rue n'est pas déneigée")
    assert snow.status == Conversation.Status.HANDED_OFF
    assert snow.service.slug == settings.PARVIS_CONVERSATION_DEFAULT_SERVICE
    assert snow.contact_email == "a@example.org"
    assert snow.created_at == snow.handed_off_at == snow.waiting_since == asked
    handoff = snow.handoffs.get()
    assert handoff.reason == HandOff.Reason.SEARCH_PAGE
    assert handoff.question == snow.messages.get(author=Message.Author.RESIDENT)
    assert Conversation.objects.get(messages__text="Un trou devant chez moi").service == service
    done = Conversation.objects.get(messages__text="Déjà traitée")
    assert done.status == Conversation.Status.CLOSED and done.contact_email == ""


def test_no_agent_question_creates_nothing(old_apps) -> None:  # noqa: ANN001
    """An empty table migrates to nothing (and creates no default service)."""
    before = Service.objects.count()
    migration.agent_questions_to_conversations(old_apps, None)
    assert not Conversation.objects.exists()
    assert Service.objects.count() == before
