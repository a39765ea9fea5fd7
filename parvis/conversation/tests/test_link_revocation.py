"""A conversation's tracking link can be turned off, and stops working after retention."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from parvis.conversation.models import Conversation
from parvis.conversation.services import (
    conversation_ask,
    conversation_close,
    conversation_link_revoke_by_agent,
    conversation_start,
)
from parvis.conversation.services.agents import access_key
from parvis.conversation.services.retention import conversations_anonymise

pytestmark = pytest.mark.django_db
GONE = "plus valable"  # « Ce lien n'est plus valable »


@pytest.fixture
def started(service_x) -> tuple[Conversation, str]:  # noqa: ANN001
    conversation, token = conversation_start()
    conversation_ask(conversation=conversation, text="je veux parler à un agent")
    Conversation.objects.filter(pk=conversation.pk).update(service=service_x)
    conversation.refresh_from_db()
    return conversation, token


def _thread(client, conversation: Conversation, **credentials: str):  # noqa: ANN001, ANN202
    return client.get(reverse("conversation:thread", args=[conversation.public_id]), credentials)


def test_both_links_open_the_thread_with_no_store_and_same_origin(client, started):  # noqa: ANN001
    conversation, token = started
    for credentials in ({"t": token}, {"k": access_key(conversation)}):
        response = _thread(client, conversation, **credentials)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "same-origin"


def test_resident_revokes_the_link_then_it_says_it_is_no_longer_valid(client, started):  # noqa: ANN001
    conversation, token = started
    url = reverse("conversation:action", args=[conversation.public_id, "revoke"])
    response = client.post(url, {"t": token})
    assert response.status_code == 410
    assert GONE in response.content.decode()
    for credentials in ({"t": token}, {"k": access_key(conversation)}):
        page = _thread(client, conversation, **credentials)
        assert page.status_code == 410
        assert GONE in page.content.decode()
        assert page["Cache-Control"] == "no-store"
    # A wrong token still gets the plain 404: a revoked link confirms nothing to a stranger.
    assert _thread(client, conversation, t="wrong").status_code == 404


def test_agent_revokes_the_emailed_link_of_a_closed_conversation(client, started, make_agent):  # noqa: ANN001
    conversation, token = started
    agent = make_agent("agent-revoke", conversation.service)
    conversation_close(conversation=conversation, agent=agent)
    key = access_key(conversation)
    assert _thread(client, conversation, k=key).status_code == 200  # closed, still readable
    client.force_login(agent.user)
    response = client.post(
        reverse("conversation_admin:action", args=[conversation.public_id, "revoke-link"])
    )
    assert response.status_code == 302
    client.logout()
    assert _thread(client, conversation, k=key).status_code == 410
    assert _thread(client, conversation, t=token).status_code == 410


def test_agent_of_another_service_cannot_revoke(started, make_agent, service_y):  # noqa: ANN001
    from parvis.conversation.errors import ConversationNotFound

    conversation, _token = started
    with pytest.raises(ConversationNotFound):
        conversation_link_revoke_by_agent(
            conversation=conversation, agent=make_agent("agent-y", service_y)
        )
    conversation.refresh_from_db()
    assert conversation.links_revoked_at is None


def test_retention_turns_the_links_off(client, started):  # noqa: ANN001
    conversation, token = started
    key = access_key(conversation)
    assert conversations_anonymise(older_than_days=-1) == 1
    assert _thread(client, conversation, t=token).status_code == 410
    assert _thread(client, conversation, k=key).status_code == 410


def test_api_answers_410_for_a_revoked_link(client, started):  # noqa: ANN001
    conversation, token = started
    client.post(
        reverse("conversation:action", args=[conversation.public_id, "revoke"]), {"t": token}
    )
    response = client.get(
        f"/api/v1/conversations/{conversation.public_id}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 410
    assert response.json()["error"] == "Ce lien n'est plus valable."


def test_access_log_never_holds_the_conversation_link(client, started, caplog):  # noqa: ANN001
    conversation, token = started
    key = access_key(conversation)
    with caplog.at_level(logging.INFO, logger="parvis.access"):
        _thread(client, conversation, t=token)
        _thread(client, conversation, k=key)
    paths = [record.path for record in caplog.records if record.name == "parvis.access"]
    assert len(paths) == 2
    for path in paths:
        assert conversation.public_id not in path and token not in path and key not in path
        assert "[secret]" in path
