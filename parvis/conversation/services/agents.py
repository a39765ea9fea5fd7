"""The agents' side: assign, reply under their own first name, transfer, close, suggest a Fiche."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import Page, Site

from parvis.content.models import FicheIndexPage, FichePage, Service
from parvis.conversation import errors
from parvis.conversation.assistant import asks_for_human
from parvis.conversation.errors import ConversationError, ConversationNotFound
from parvis.conversation.models import Conversation, Message
from parvis.conversation.services.resident import clean_text
from parvis.core.models import AgentProfile
from parvis.core.notifications import address_confirmations_forget, outbox_enqueue

ACCESS_SALT = "parvis.conversation.access"
Status = Conversation.Status


def access_key(conversation: Conversation) -> str:
    """A signed key for the emailed tracking link (the token itself is never stored)."""
    return signing.dumps(conversation.public_id, salt=ACCESS_SALT)


def tracking_url(conversation: Conversation) -> str:
    with override(conversation.language):
        path = reverse("conversation:thread", args=[conversation.public_id])
    return f"{settings.BASE_URL}{path}?k={access_key(conversation)}"


def _locked_for(conversation: Conversation, agent: AgentProfile) -> Conversation:
    """Lock the conversation after checking the agent may act on its service."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if not agent.user.is_superuser and not agent.services.filter(pk=locked.service_id).exists():
        raise ConversationNotFound()
    if locked.status == Status.CLOSED:
        raise ConversationError(errors.CLOSED, code="closed")
    return locked


def _event(conversation: Conversation, text: str) -> Message:
    return Message.objects.create(
        conversation=conversation,
        author=Message.Author.ASSISTANT,
        kind=Message.Kind.EVENT,
        text=text,
    )


@transaction.atomic
def conversation_assign(*, conversation: Conversation, agent: AgentProfile) -> Conversation:
    """The agent takes the conversation."""
    conversation = _locked_for(conversation, agent)
    conversation.assigned_to = agent
    conversation.save(update_fields=["assigned_to", "updated_at"])
    return conversation


_LINK = re.compile(r"(?:https?://[^\s<>\"']+|(?<![\w/])/[\w\-./%]+/)")


def cited_page(text: str) -> Page | None:
    """The first live page of the portal a text links to (its full address, or its path):
    what an agent's answer cites. Links elsewhere, and unknown paths, are not pages."""
    own = urlsplit(settings.BASE_URL).netloc
    roots = [site.root_page for site in Site.objects.select_related("root_page")]
    hosts = {own} | {
        f"{site.hostname}:{site.port}" if site.port not in (80, 443) else site.hostname
        for site in Site.objects.all()
    }
    for link in _LINK.findall(text or ""):
        parts = urlsplit(link.rstrip(".,;:!?)»"))
        if parts.netloc and parts.netloc not in hosts:
            continue
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if segments and segments[0] in {code for code, _name in settings.LANGUAGES}:
            segments = segments[1:]
        if not segments:
            continue
        for root in roots:
            for tree in [root, *root.get_translations()]:
                url_path = tree.url_path + "/".join(segments) + "/"
                page = Page.objects.live().public().filter(url_path=url_path).first()
                if page is not None:
                    return page
    return None


@transaction.atomic
def conversation_reply(*, conversation: Conversation, agent: AgentProfile, text: str) -> Message:
    """The agent answers under their first name and role; the resident is told by email.

    A link in the answer to a page of the portal (a Fiche…) is recorded as the page the answer
    cites: "Mes données" shows it as what the question led to."""
    text = clean_text(text)
    conversation = _locked_for(conversation, agent)
    page = cited_page(text)
    message = Message.objects.create(
        conversation=conversation,
        author=Message.Author.AGENT,
        agent=agent,
        text=text,
        page=page,
        page_role=Message.PageRole.CITED if page is not None else "",
    )
    conversation.status, conversation.waiting_since = Status.ANSWERED, None
    conversation.assigned_to = conversation.assigned_to or agent
    conversation.pending = {}
    conversation.save()
    if conversation.contact_email:
        with override(conversation.language):
            outbox_enqueue(
                recipient=conversation.contact_email,
                template="conversation/email/agent_reply",
                context={
                    "agent": agent,
                    "service": conversation.service,
                    "text": text,
                    "url": tracking_url(conversation),
                },
                topic="conversation",
                confirm_for=f"conversation:{conversation.pk}",
                confirm_purpose=_("être prévenu de la réponse d'un agent à une question"),
            )
    return message


@transaction.atomic
def conversation_transfer(
    *, conversation: Conversation, agent: AgentProfile, service: Service
) -> Conversation:
    """Send the conversation to another service's inbox (unassigned there)."""
    conversation = _locked_for(conversation, agent)
    if service.pk == conversation.service_id:
        raise ConversationError(_("La conversation est déjà dans ce service."), code="same")
    conversation.service, conversation.assigned_to = service, None
    if conversation.status == Status.ANSWERED:
        conversation.status = Status.WAITING_AGENT
    conversation.waiting_since = conversation.waiting_since or timezone.now()
    conversation.save()
    message = _("Conversation transmise à l'équipe « %(service)s ».")
    _event(conversation, message % {"service": service})
    return conversation


@transaction.atomic
def conversation_close(*, conversation: Conversation, agent: AgentProfile) -> Conversation:
    """Close the conversation and erase the resident's contact details."""
    conversation = _locked_for(conversation, agent)
    conversation.status, conversation.closed_at = Status.CLOSED, timezone.now()
    conversation.contact_email = conversation.contact_phone = ""
    conversation.waiting_since, conversation.pending = None, {}
    conversation.save()
    address_confirmations_forget(subject=f"conversation:{conversation.pk}")
    _event(conversation, _("Conversation close."))
    return conversation


@transaction.atomic
def conversation_link_revoke_by_agent(
    *, conversation: Conversation, agent: AgentProfile
) -> Conversation:
    """An agent turns the resident's tracking link off (a link sent to the wrong address…).

    Allowed on a closed conversation too: that is when a forgotten link matters most.
    """
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if (
        not agent.user.is_superuser
        and not agent.services.filter(pk=conversation.service_id).exists()
    ):
        raise ConversationNotFound()
    if conversation.links_revoked_at is None:
        conversation.links_revoked_at = timezone.now()
        conversation.save(update_fields=["links_revoked_at", "updated_at"])
        _event(conversation, _("Lien de suivi désactivé par un agent."))
    return conversation


@transaction.atomic
def conversation_suggest_fiche(
    *, conversation: Conversation, agent: AgentProfile, message: Message, title: str = ""
) -> FichePage:
    """Turn an agent's good answer into an unpublished draft Fiche for editors to review."""
    _locked_for_read = Conversation.objects.get(pk=conversation.pk)
    if (
        not agent.user.is_superuser
        and not agent.services.filter(pk=_locked_for_read.service_id).exists()
    ):
        raise ConversationNotFound()
    if message.conversation_id != conversation.pk or message.author != Message.Author.AGENT:
        raise ConversationError(_("Choisissez une réponse d'agent."), code="bad_message")
    parent = FicheIndexPage.objects.first()
    if parent is None:
        raise ConversationError(errors.NO_FICHE_INDEX, code="no_index")
    questions = conversation.messages.filter(
        author=Message.Author.RESIDENT, created_at__lte=message.created_at
    ).order_by("-created_at")
    # The resident's last real question, not "je veux parler à quelqu'un".
    question = next((q.text for q in questions if not asks_for_human(q.text)), "")
    title = clean_text(title or question or message.text[:80])[:250]
    base = slugify(title)[:40] or "question"
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    fiche = FichePage(
        title=title,
        slug=slug,
        short_answer=message.text[:300],
        service_id=conversation.service_id,
        live=False,
    )
    parent.add_child(instance=fiche)
    fiche.save_revision(user=agent.user, log_action=True)
    # The answer became this Fiche: recorded on the answer, whatever it cited before.
    Message.objects.filter(pk=message.pk).update(page=fiche, page_role=Message.PageRole.DRAFTED)
    return fiche


_OPEN_WORK = [Status.HANDED_OFF, Status.WAITING_AGENT, Status.ANSWERED]


def conversations_count_for(service: Service) -> int:
    """Conversations handed off to ``service`` and not closed."""
    return Conversation.objects.filter(service=service, status__in=_OPEN_WORK).count()


def conversations_move(source: Service, target: Service) -> int:
    """Move ``source``'s open conversations to ``target``'s inbox, unassigned (caller's
    transaction); each gets a line in its thread saying so."""
    moved = list(
        Conversation.objects.select_for_update().filter(service=source, status__in=_OPEN_WORK)
    )
    for conversation in moved:
        conversation.service, conversation.assigned_to = target, None
        conversation.save(update_fields=["service", "assigned_to", "updated_at"])
        _event(
            conversation, _("Conversation transmise au service %(service)s.") % {"service": target}
        )
    return len(moved)
