"""The agents' inbox and the editors' learning dashboard, in the Wagtail back office."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.content.models import Service
from parvis.content.selectors import agent_profile_get, agent_services
from parvis.conversation import services
from parvis.conversation.errors import ConversationError, ConversationNotFound
from parvis.conversation.models import CannedReply, Conversation, HandOff, Message
from parvis.conversation.permissions import can_answer, can_learn
from parvis.conversation.selectors import (
    conversation_get_for,
    inbox_list,
    thread,
    unanswered_questions,
)
from parvis.core.access_log import access_record
from parvis.core.models import AccessRecord, AgentProfile


def _agent_or_403(request: HttpRequest) -> None:
    if not can_answer(request.user) and not request.user.is_superuser:
        raise PermissionDenied


def inbox(request: HttpRequest) -> HttpResponse:
    """Conversations of the agent's services, those waiting longest first; filters."""
    _agent_or_403(request)
    service, status = request.GET.get("service", ""), request.GET.get("status", "")
    mine = request.GET.get("mine") == "1"
    conversations = inbox_list(user=request.user, service=service, status=status, mine=mine)[:200]
    context = {
        "page_title": _("Conversations"),
        "header_icon": "comment",
        "conversations": conversations,
        "services": agent_services(user=request.user).order_by("name"),
        "statuses": [s for s in Conversation.Status.choices if s[0] != "open"],
        "current_service": service,
        "current_status": status,
        "mine": mine,
    }
    return render(request, "conversation/admin/inbox.html", context)


def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One conversation: transcript, hand-off reasons, reply (canned replies), transfer, close."""
    _agent_or_403(request)
    try:
        conversation = conversation_get_for(user=request.user, public_id=public_id)
    except ConversationNotFound:
        raise Http404 from None
    # The resident's contact is shown on demand only, and each showing is in the access log.
    show_contact = request.GET.get("coordonnees") == "1"
    if show_contact:
        for raw in (conversation.contact_email, conversation.contact_phone):
            if raw:
                access_record(
                    user=request.user,
                    identity_raw=raw,
                    subject=f"conversation:{conversation.pk}",
                    purpose=AccessRecord.Purpose.CONVERSATION,
                    service=conversation.service.name if conversation.service else "",
                )
    context = {
        "show_contact": show_contact,
        "page_title": _("Conversation %(id)s") % {"id": conversation.public_id},
        "header_icon": "comment",
        "conversation": conversation,
        "thread": thread(conversation=conversation),
        "handoffs": HandOff.objects.filter(conversation=conversation).select_related("service"),
        "canned": CannedReply.objects.filter(service=conversation.service_id),
        "transfer_to": Service.objects.exclude(pk=conversation.service_id).order_by("name"),
        "profile": agent_profile_get(user=request.user),
    }
    return render(request, "conversation/admin/detail.html", context)


def _profile(request: HttpRequest) -> AgentProfile:
    profile = agent_profile_get(user=request.user)
    if profile is None:
        raise ConversationError(_("Créez d'abord votre profil d'agent (prénom et fonction)."))
    return profile


@require_POST
def action(request: HttpRequest, public_id: str, verb: str) -> HttpResponse:
    """assign, reply, transfer, close, revoke-link, suggest-fiche; then back to the thread."""
    _agent_or_403(request)
    try:
        conversation = conversation_get_for(user=request.user, public_id=public_id)
    except ConversationNotFound:
        raise Http404 from None
    post = request.POST
    target = reverse("conversation_admin:detail", args=[public_id])
    try:
        agent = _profile(request)
        if verb == "assign":
            services.conversation_assign(conversation=conversation, agent=agent)
        elif verb == "reply":
            text = post.get("text", "").strip()
            canned = CannedReply.objects.filter(
                pk=post.get("canned") or None, service=conversation.service_id
            ).first()
            if not text and canned is not None:
                text = canned.text
            services.conversation_reply(conversation=conversation, agent=agent, text=text)
            messages.success(request, _("Réponse envoyée."))
        elif verb == "transfer":
            service = Service.objects.filter(pk=post.get("service") or None).first()
            if service is None:
                raise ConversationError(_("Choisissez un service."))
            services.conversation_transfer(conversation=conversation, agent=agent, service=service)
            messages.success(request, _("Conversation transférée."))
            target = reverse("conversation_admin:inbox")
        elif verb == "close":
            services.conversation_close(conversation=conversation, agent=agent)
            messages.success(request, _("Conversation close ; coordonnées effacées."))
        elif verb == "revoke-link":
            services.conversation_link_revoke_by_agent(conversation=conversation, agent=agent)
            messages.success(request, _("Lien de suivi désactivé."))
        elif verb == "suggest-fiche":
            message = Message.objects.filter(
                pk=post.get("message") or None, conversation=conversation
            ).first()
            if message is None:
                raise ConversationError(_("Choisissez une réponse."))
            fiche = services.conversation_suggest_fiche(
                conversation=conversation, agent=agent, message=message
            )
            messages.success(
                request,
                _("Brouillon de fiche « %(title)s » créé pour les éditeurs.")
                % {"title": fiche.title},
            )
        else:
            raise Http404
    except ConversationNotFound:
        raise Http404 from None
    except ConversationError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(target)


def learning(request: HttpRequest) -> HttpResponse:
    """Questions that ended in a hand-off or a "non", grouped by wording: what to write next."""
    if not can_learn(request.user) and not request.user.is_superuser:
        raise PermissionDenied
    context = {
        "page_title": _("Questions sans réponse"),
        "header_icon": "help",
        "groups": unanswered_questions(),
    }
    return render(request, "conversation/admin/learning.html", context)
