"""JSON API of conversations: start, post a message, read the thread (with the secret token).

The token goes in ``Authorization: Bearer <token>`` or ``X-Conversation-Token``. A wrong or
missing token answers 404, like an unknown id, so the API never confirms that one exists.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from parvis.conversation import services
from parvis.conversation.errors import ConversationLinkRevoked, ConversationNotFound
from parvis.conversation.models import Conversation, Message
from parvis.conversation.selectors import conversation_get_public, thread
from parvis.core.schemas import ObjectIn
from parvis.core.writes import public_write

router = Router(tags=["conversations"])


class StartIn(ObjectIn):
    question: str = ""
    language: str = "fr"


class MessageIn(ObjectIn):
    text: str = ""
    # Instead of text: answer "Cela répond ?" (yes/no) or ask for a human.
    feedback: Literal["yes", "no"] | None = None
    hand_off: bool = False


class SourceOut(Schema):
    id: str
    url: str
    title: str


class AgentOut(Schema):
    name: str
    role: str


class MessageOut(Schema):
    author: str
    kind: str
    text: str
    sources: list[SourceOut]
    agent: AgentOut | None
    created_at: str


class ConversationOut(Schema):
    id: str
    status: str
    service: str | None
    awaiting: str | None
    choices: list[str]
    messages: list[MessageOut]


class StartOut(ConversationOut):
    token: str


class ErrorOut(Schema):
    error: str


def _message(message: Message) -> dict:
    agent = message.agent
    return {
        "author": message.author,
        "kind": message.kind,
        "text": message.text,
        "sources": message.sources,
        "agent": {"name": agent.display_name, "role": agent.role} if agent else None,
        "created_at": message.created_at.isoformat(),
    }


def conversation_json(conversation: Conversation) -> dict:
    messages = list(thread(conversation=conversation))
    pending = conversation.pending or {}
    awaiting = pending.get("kind")
    if messages and messages[-1].kind == Message.Kind.ANSWER and not messages[-1].feedback:
        awaiting = "feedback"
    return {
        "id": conversation.public_id,
        "status": conversation.status,
        "service": conversation.service.name if conversation.service else None,
        "awaiting": awaiting,
        "choices": [c["title"] for c in pending.get("candidates", [])],
        "messages": [_message(m) for m in messages],
    }


def _token(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("X-Conversation-Token", "").strip()


def _get(request: HttpRequest, conversation_id: str) -> Conversation:
    try:
        return conversation_get_public(public_id=conversation_id, token=_token(request))
    except ConversationNotFound:
        raise HttpError(404, "Conversation introuvable.") from None
    except ConversationLinkRevoked as revoked:
        raise HttpError(410, revoked.message) from None


_ERRORS = {400: ErrorOut, 409: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.post("", response={201: StartOut, **_ERRORS}, summary="Start a conversation")
@decorate_view(public_write("conversations.start", style="json", json_body=True, idempotent=True))
def start(request: HttpRequest, payload: StartIn) -> tuple[int, dict]:
    """Open a conversation (optionally with a first question); returns its id and secret token."""
    if payload.question:
        services.resident.clean_text(payload.question)  # reject before creating anything
    conversation, token = services.conversation_start(language=payload.language)
    if payload.question:
        services.conversation_ask(conversation=conversation, text=payload.question)
    conversation.refresh_from_db()
    return 201, {**conversation_json(conversation), "token": token}


@router.post(
    "/{conversation_id}/messages",
    response={200: ConversationOut, 404: ErrorOut, 410: ErrorOut, **_ERRORS},
    summary="Post a message, a feedback or a hand-off request",
)
@decorate_view(public_write("conversations.message", style="json", json_body=True, idempotent=True))
def post_message(request: HttpRequest, conversation_id: str, payload: MessageIn) -> dict:
    conversation = _get(request, conversation_id)
    if payload.hand_off:
        services.conversation_hand_off(conversation=conversation)
    elif payload.feedback:
        services.conversation_feedback(conversation=conversation, helpful=payload.feedback == "yes")
    else:
        services.conversation_ask(conversation=conversation, text=payload.text)
    conversation.refresh_from_db()
    return conversation_json(conversation)


@router.get(
    "/{conversation_id}",
    response={200: ConversationOut, 404: ErrorOut, 410: ErrorOut},
    summary="Read a conversation",
)
def get_conversation(request: HttpRequest, conversation_id: str) -> dict:
    return conversation_json(_get(request, conversation_id))
