"""Move the search page's old questions to agents (answers.AgentQuestion) into conversations.

Each question becomes a conversation handed off from the search page: the question is the
resident's message, the service is the one the question had (else the default service), the
email is the conversation's contact. A question already marked as dealt with becomes a closed
conversation, without contact (contacts are erased at close). Nobody holds a token for these
conversations: agents answer them from the inbox, and a resident who left an email gets the
reply with a link, as for any conversation. The engine is not asked to route them: a migration
must not depend on the search index, and an agent can transfer.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import migrations

SEARCH_PAGE = "search_page"


def agent_questions_to_conversations(apps, schema_editor) -> None:  # noqa: ANN001 — Django API
    AgentQuestion = apps.get_model("answers", "AgentQuestion")
    Conversation = apps.get_model("conversation", "Conversation")
    HandOff = apps.get_model("conversation", "HandOff")
    Message = apps.get_model("conversation", "Message")
    Service = apps.get_model("content", "Service")
    questions = list(AgentQuestion.objects.order_by("created_at", "pk"))
    if not questions:
        return
    default = None
    for question in questions:
        service_id = question.service_id
        if service_id is None:
            if default is None:
                slug = settings.PARVIS_CONVERSATION_DEFAULT_SERVICE
                default = Service.objects.get_or_create(slug=slug, defaults={"name": "Accueil"})[0]
            service_id = default.pk
        at = question.created_at
        closed = question.answered
        conversation = Conversation.objects.create(
            public_id=secrets.token_urlsafe(9),
            token_hash=hashlib.sha256(secrets.token_urlsafe(24).encode()).hexdigest(),
            status="closed" if closed else "handed_off",
            service_id=service_id,
            contact_email="" if closed else question.email,
            handed_off_at=at,
            waiting_since=None if closed else at,
            closed_at=at if closed else None,
        )
        message = Message.objects.create(
            conversation=conversation, author="resident", kind="text", text=question.question
        )
        HandOff.objects.create(
            conversation=conversation, reason=SEARCH_PAGE, service_id=service_id, question=message
        )
        # auto_now / auto_now_add would date them today: keep the day the question came.
        Conversation.objects.filter(pk=conversation.pk).update(created_at=at, updated_at=at)
        Message.objects.filter(pk=message.pk).update(created_at=at)
        HandOff.objects.filter(conversation=conversation).update(created_at=at)


class Migration(migrations.Migration):
    dependencies = [
        ("answers", "0003_embeddings"),
        ("content", "0001_initial"),
        ("conversation", "0002_handoff_search_page"),
    ]

    operations = [
        migrations.RunPython(agent_questions_to_conversations, migrations.RunPython.noop),
    ]
