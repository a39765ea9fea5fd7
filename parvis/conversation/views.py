"""The resident's assistant pages: plain forms and redirects (post/redirect/get), no JS needed."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.answers.forms import AgentQuestionForm
from parvis.conversation import services
from parvis.conversation.errors import (
    ConversationError,
    ConversationLinkRevoked,
    ConversationNotFound,
)
from parvis.conversation.models import Conversation, Message
from parvis.conversation.selectors import conversation_get_public, thread
from parvis.core.views import secret_link_page
from parvis.core.writes import public_write


def _credentials(request: HttpRequest) -> dict[str, str]:
    data = request.POST if request.method == "POST" else request.GET
    return {k: data.get(k, "")[:200] for k in ("t", "k") if data.get(k)}


def _thread_url(conversation: Conversation, credentials: dict[str, str]) -> str:
    url = reverse("conversation:thread", args=[conversation.public_id])
    return f"{url}?{urlencode(credentials)}#dernier"


class _LinkRevoked(Exception):  # noqa: N818 — control flow inside this module only
    pass


def _get(request: HttpRequest, public_id: str) -> Conversation:
    credentials = _credentials(request)
    try:
        return conversation_get_public(
            public_id=public_id, token=credentials.get("t", ""), key=credentials.get("k", "")
        )
    except ConversationNotFound:
        raise Http404 from None
    except ConversationLinkRevoked:
        raise _LinkRevoked from None


def _link_revoked_page(request: HttpRequest) -> HttpResponse:
    """410 Gone: "Ce lien n'est plus valable", for a right link that was turned off."""
    return render(request, "conversation/link_revoked.html", status=410)


def thread_context(conversation: Conversation) -> dict[str, object]:
    """What the thread page shows: the messages and which forms apply now."""
    messages = list(thread(conversation=conversation))
    pending = conversation.pending or {}
    last = messages[-1] if messages else None
    ask_feedback = last is not None and last.kind == Message.Kind.ANSWER and not last.feedback
    return {
        "conversation": conversation,
        "thread": messages,
        "ask_feedback": ask_feedback,
        "offer": pending.get("kind") == "offer",
        "clarify": pending.get("candidates", []) if pending.get("kind") == "clarify" else [],
        "is_open": conversation.status == Conversation.Status.OPEN,
        "with_humans": conversation.is_with_humans,
        "closed": conversation.status == Conversation.Status.CLOSED,
    }


@require_http_methods(["GET", "POST"])
@public_write("conversations.start")
def assistant_home(request: HttpRequest) -> HttpResponse:
    """The start page: one question field; posting it opens a conversation."""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.resident.clean_text(text)
        except ConversationError as error:
            context = {"error": error.message, "text": text[:2000]}
            return render(request, "conversation/home.html", context, status=400)
        conversation, token = services.conversation_start(language=request.LANGUAGE_CODE)
        services.conversation_ask(conversation=conversation, text=text)
        return HttpResponseRedirect(_thread_url(conversation, {"t": token}))
    return render(request, "conversation/home.html", {})


@require_GET
@secret_link_page
def thread_view(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        conversation = _get(request, public_id)
    except _LinkRevoked:
        return _link_revoked_page(request)
    context = {**thread_context(conversation), "credentials": _credentials(request)}
    return render(request, "conversation/thread.html", context)


@require_POST
@secret_link_page
@public_write("conversations.message")
def action_view(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    """ask, feedback, hand-off, contact or revoke; then back to the thread (or the form with its
    error)."""
    try:
        conversation = _get(request, public_id)
    except _LinkRevoked:
        return _link_revoked_page(request)
    post = request.POST
    try:
        if action == "revoke":
            services.conversation_link_revoke(conversation=conversation)
            return _link_revoked_page(request)
        if action == "ask":
            services.conversation_ask(conversation=conversation, text=post.get("text", ""))
        elif action == "feedback":
            services.conversation_feedback(
                conversation=conversation, helpful=post.get("helpful") == "yes"
            )
        elif action == "hand-off":
            services.conversation_hand_off(conversation=conversation, reason=post.get("reason", ""))
        elif action == "contact":
            services.conversation_contact_set(
                conversation=conversation, email=post.get("email", ""), phone=post.get("phone", "")
            )
        else:
            raise Http404
    except ConversationError as error:
        conversation.refresh_from_db()
        context = {
            **thread_context(conversation),
            "credentials": _credentials(request),
            "error": error.message,
            "error_field": error.field or "text",
            "values": {k: post.get(k, "")[:2000] for k in ("text", "email", "phone")},
        }
        return render(request, "conversation/thread.html", context, status=400)
    return HttpResponseRedirect(_thread_url(conversation, _credentials(request)))


def _question(request: HttpRequest) -> str:
    value = request.GET.get("q", "")
    return value if isinstance(value, str) else ""


@require_http_methods(["GET", "POST"])
@public_write("answers.agent_question", idempotent=True)
def ask_agent(request: HttpRequest) -> HttpResponse:
    """The question goes to a service as a conversation; the resident lands on its thread."""
    if request.method == "POST":
        form = AgentQuestionForm(request.POST)
        if form.is_valid():
            if form.is_spam():
                return render(request, "conversation/ask_agent_sent.html")
            try:
                conversation, token = services.conversation_ask_agent(
                    question=form.cleaned_data["question"],
                    email=form.cleaned_data["email"],
                    language=request.LANGUAGE_CODE,
                )
            except ConversationError as error:
                form.add_error(error.field if error.field == "email" else "question", error.message)
            else:
                url = reverse("conversation:thread", args=[conversation.public_id])
                return HttpResponseRedirect(f"{url}?{urlencode({'t': token})}#dernier", status=303)
        return render(request, "conversation/ask_agent.html", {"form": form}, status=400)
    form = AgentQuestionForm(initial={"question": _question(request)[:2000]})
    return render(request, "conversation/ask_agent.html", {"form": form})
