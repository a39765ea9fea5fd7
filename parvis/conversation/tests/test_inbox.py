"""The agents' inbox in the back office: only their services, reply, transfer, close, drafts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.content.models import FichePage
from parvis.conversation.models import Conversation, Message
from parvis.conversation.services import (
    conversation_ask,
    conversation_contact_set,
    conversation_reply,
    conversation_start,
)
from parvis.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_off(engine, make_fiche, service_x) -> Conversation:  # noqa: ANN001
    """A conversation about a Fiche of service X, handed off at the resident's request."""
    fiche = make_fiche("Acte de naissance", "Demandez-le en ligne.", service_x)
    engine.script["naissance"] = [(fiche, 0.3), (fiche, 0.29)]
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="acte de naissance pour ma fille")
    conversation_ask(conversation=conversation, text="je veux parler à un agent")
    conversation.refresh_from_db()
    return conversation


def test_hand_off_request_is_in_the_service_queue_at_once(
    client, handed_off, make_agent, service_x
):  # noqa: ANN001
    """Q5: right after "parler à un agent", the conversation is in the service's inbox."""
    agent = make_agent("agent-x", service_x)
    client.force_login(agent.user)
    page = client.get(reverse("conversation_admin:inbox"))
    assert page.status_code == 200
    assert handed_off.public_id in page.content.decode()
    assert handed_off.service == service_x


def test_agent_of_another_service_gets_404(client, handed_off, make_agent, service_y):  # noqa: ANN001
    """Agent A of service Y neither sees nor acts on a conversation of service X."""
    agent = make_agent("agent-y", service_y)
    client.force_login(agent.user)
    detail = reverse("conversation_admin:detail", args=[handed_off.public_id])
    reply = reverse("conversation_admin:action", args=[handed_off.public_id, "reply"])
    assert client.get(detail).status_code == 404
    assert client.post(reply, {"text": "Bonjour"}).status_code == 404
    assert (
        handed_off.public_id not in client.get(reverse("conversation_admin:inbox")).content.decode()
    )
    assert not Message.objects.filter(conversation=handed_off, author="agent").exists()


def test_reply_is_signed_and_emailed(client, handed_off, make_agent, service_x) -> None:  # noqa: ANN001
    """The agent's reply carries their first name and role and is queued by email."""
    conversation_contact_set(conversation=handed_off, email="habitant@example.org")
    agent = make_agent("agent-x", service_x)
    client.force_login(agent.user)
    url = reverse("conversation_admin:action", args=[handed_off.public_id, "reply"])
    assert client.post(url, {"text": "Vous pouvez le demander en ligne."}).status_code == 302
    message = Message.objects.get(conversation=handed_off, author="agent")
    assert message.agent == agent
    email = OutboxMessage.objects.get(recipient="habitant@example.org", topic="conversation")
    assert "Samia" in email.body_text and "/assistant/" in email.body_text
    assert email.status == OutboxMessage.Status.HELD  # until the resident confirms the address
    handed_off.refresh_from_db()
    assert handed_off.status == Conversation.Status.ANSWERED


def test_close_erases_contact_details(client, handed_off, make_agent, service_x) -> None:  # noqa: ANN001
    """Closing a conversation erases the resident's email and phone."""
    conversation_contact_set(conversation=handed_off, email="a@example.org", phone="0612345678")
    client.force_login(make_agent("agent-x", service_x).user)
    client.post(reverse("conversation_admin:action", args=[handed_off.public_id, "close"]))
    handed_off.refresh_from_db()
    assert handed_off.status == Conversation.Status.CLOSED
    assert (handed_off.contact_email, handed_off.contact_phone) == ("", "")


def test_transfer_moves_the_conversation_out_of_the_agents_reach(  # noqa: D103
    client,
    handed_off,
    make_agent,
    service_x,
    service_y,  # noqa: ANN001
) -> None:
    """After a transfer to service Y, service X's agent no longer reaches it."""
    client.force_login(make_agent("agent-x", service_x).user)
    url = reverse("conversation_admin:action", args=[handed_off.public_id, "transfer"])
    client.post(url, {"service": service_y.pk})
    handed_off.refresh_from_db()
    assert handed_off.service == service_y
    detail = reverse("conversation_admin:detail", args=[handed_off.public_id])
    assert client.get(detail).status_code == 404


def test_good_answer_becomes_a_draft_fiche(client, handed_off, make_agent, service_x) -> None:  # noqa: ANN001
    """An agent's answer becomes an unpublished Fiche with a draft revision for editors."""
    agent = make_agent("agent-x", service_x)
    message = conversation_reply(conversation=handed_off, agent=agent, text="En ligne, gratuit.")
    client.force_login(agent.user)
    url = reverse("conversation_admin:action", args=[handed_off.public_id, "suggest-fiche"])
    client.post(url, {"message": message.pk})
    fiche = FichePage.objects.get(title="acte de naissance pour ma fille")
    assert not fiche.live
    assert fiche.short_answer == "En ligne, gratuit."
    assert fiche.latest_revision is not None
    assert fiche.service == service_x


def test_residents_and_editors_without_the_role_are_refused(client, django_user_model) -> None:  # noqa: ANN001
    """A back-office user who is not an agent cannot open the inbox."""
    user = django_user_model.objects.create_user("editor-only", password="pw-123456789")
    client.force_login(user)
    assert client.get(reverse("conversation_admin:inbox")).status_code in (302, 403)


def test_inbox_is_in_the_agents_desk_menu(client, make_agent, service_x) -> None:  # noqa: ANN001
    """Agents find "Conversations" in the back office's "Guichet des agents" menu."""
    client.force_login(make_agent("agent-menu", service_x).user)
    html = client.get("/admin/").content.decode()
    assert "Guichet des agents" in html
    assert reverse("conversation_admin:inbox") in html
