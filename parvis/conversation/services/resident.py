"""The resident's side: start, ask, answer feedback, hand-off to a human, contact details."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.answers.selectors import ResultItem, answer_query, result_is_about
from parvis.content.models import FichePage, Service
from parvis.conversation import errors
from parvis.conversation.assistant import (
    Decision,
    asks_for_human,
    assistant_decide,
    choose_candidate,
    fold,
)
from parvis.conversation.errors import ConversationError
from parvis.conversation.llm import Passage, Phrasing, llm_enabled, llm_phrase
from parvis.conversation.models import Conversation, HandOff, Message, token_hash
from parvis.conversation.office_hours import service_availability, when_phrase
from parvis.core.notifications import address_confirmation_request

MAX_TEXT = 2000
# How many of the engine's first results may route a question to their Fiche's service
# (hit@3 is ~0.95 on the Nantes dev set, against ~0.88 for hit@1: see docs/answers.md).
ROUTE_DEPTH = 3
_YES = {"oui", "yes", "oui merci", "d accord", "ok", "volontiers"}
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
Author, Kind, Status = Message.Author, Message.Kind, Conversation.Status


def clean_text(text: str) -> str:
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text or "").split())
    if not text:
        raise ConversationError(errors.EMPTY_TEXT, code="empty", field="text")
    if len(text) > MAX_TEXT:
        raise ConversationError(errors.TEXT_TOO_LONG, code="too_long", field="text")
    return text


def _locked(conversation: Conversation) -> Conversation:
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.status == Status.CLOSED:
        raise ConversationError(errors.CLOSED, code="closed")
    return locked


def _say(conversation: Conversation, kind: str, text: str, **fields: object) -> Message:
    return Message.objects.create(
        conversation=conversation, author=Author.ASSISTANT, kind=kind, text=text, **fields
    )


def conversation_start(*, language: str = "fr") -> tuple[Conversation, str]:
    """Open a conversation; returns it with its secret token (shown once, stored hashed)."""
    token = secrets.token_urlsafe(24)
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    conversation = Conversation.objects.create(token_hash=token_hash(token), language=language)
    return conversation, token


@dataclass(frozen=True)
class _ToPhrase:
    """An answer the language model phrases after the resident's message has been committed."""

    question: Message
    item: ResultItem
    text: str
    probability: float


def conversation_ask(*, conversation: Conversation, text: str) -> list[Message]:
    """Take the resident's message; the assistant answers, clarifies, offers or hands off.

    The language model (when configured) is never called inside a transaction: the message and
    the decision are committed first, then the model phrases the answer, then a second short
    transaction stores it. A slow model holds no database lock, so other residents' writes go on.
    """
    messages = _ask_record(conversation=conversation, text=text)
    if not messages or not isinstance(messages[-1], _ToPhrase):
        return messages
    plan = messages.pop()
    phrasing = llm_phrase(
        question=plan.question.text, passages=[Passage(plan.item.title, plan.text, plan.item.url)]
    )
    return [*messages, *_phrased_store(conversation, plan, phrasing)]


@transaction.atomic
def _phrased_store(
    conversation: Conversation, plan: _ToPhrase, phrasing: Phrasing | None
) -> list[Message]:
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status == Status.CLOSED or conversation.is_with_humans:
        return []  # closed or taken by an agent while the model was phrasing: stay silent
    if phrasing is not None and phrasing.refused:
        return [
            _offer(conversation, plan.question, HandOff.Reason.LOW_CONFIDENCE, plan.probability)
        ]
    return [
        _say(
            conversation,
            Kind.ANSWER,
            phrasing.text if phrasing is not None else plan.text,
            reply_to=plan.question,
            sources=[_source(plan.item)],
            confidence=plan.probability,
        )
    ]


@transaction.atomic
def _ask_record(*, conversation: Conversation, text: str) -> list[Message | _ToPhrase]:
    text = clean_text(text)
    conversation = _locked(conversation)
    question = Message.objects.create(conversation=conversation, author=Author.RESIDENT, text=text)
    if conversation.is_with_humans:
        # Agents own the conversation now: the assistant stays silent.
        conversation.status = Status.WAITING_AGENT
        conversation.waiting_since = conversation.waiting_since or timezone.now()
        conversation.save()
        return [question]
    if asks_for_human(text):
        return [question, *_hand_off(conversation, HandOff.Reason.ASKED_FOR_HUMAN, question)]
    pending, conversation.pending = conversation.pending or {}, {}
    if pending.get("kind") == "offer" and fold(text) in _YES:
        return [question, *_hand_off(conversation, pending["reason"], question)]
    if pending.get("kind") == "clarify":
        return [question, *_after_clarify(conversation, question, pending)]
    decision = assistant_decide(text=text)
    return [question, *_act(conversation, question, decision)]


def _after_clarify(
    conversation: Conversation, question: Message, pending: dict
) -> list[Message | _ToPhrase]:
    choice = choose_candidate(question.text, pending["candidates"])
    if choice is not None:
        return [_answer(conversation, question, ResultItem(**choice), None, 1.0)]
    original = Message.objects.filter(pk=pending.get("question")).first()
    combined = f"{original.text if original else ''} {question.text}".strip()
    decision = assistant_decide(text=combined, allow_clarify=False)
    if decision.kind == "answer":
        return _act(conversation, question, decision)
    return _hand_off(conversation, HandOff.Reason.CLARIFICATION_FAILED, original or question)


def _act(
    conversation: Conversation, question: Message, decision: Decision
) -> list[Message | _ToPhrase]:
    if decision.top is not None:
        conversation.last_page_id = decision.top.page_id
    if decision.kind == "answer":
        return [_answer(conversation, question, decision.top, decision, decision.probability)]
    if decision.kind == "clarify":
        conversation.pending = {
            "kind": "clarify",
            "question": question.pk,
            "candidates": [vars(c) for c in decision.candidates],
        }
        conversation.save()
        return [
            _say(
                conversation,
                Kind.CLARIFY,
                decision.clarifying_question,
                reply_to=question,
                sources=[_source(c) for c in decision.candidates],
                confidence=decision.probability,
            )
        ]
    return [_offer(conversation, question, HandOff.Reason.LOW_CONFIDENCE, decision.probability)]


def _source(item: ResultItem) -> dict:
    return {"id": item.id, "url": item.url, "title": item.title}


def _short_answer(item: ResultItem, decision: Decision | None) -> str:
    card = decision.response.answer if decision else None
    if card is not None and card.id == item.id and card.short_answer:
        return card.short_answer
    return item.snippet or item.title


def _answer(
    conversation: Conversation,
    question: Message,
    item: ResultItem,
    decision: Decision | None,
    probability: float,
) -> Message | _ToPhrase:
    text = _short_answer(item, decision)
    conversation.last_page_id = item.page_id
    conversation.save()
    if llm_enabled():
        return _ToPhrase(question, item, text, probability)  # phrased after the commit
    return _say(
        conversation,
        Kind.ANSWER,
        text,
        reply_to=question,
        sources=[_source(item)],
        confidence=probability,
    )


def _offer(
    conversation: Conversation, question: Message | None, reason: str, probability: float | None
) -> Message:
    conversation.pending = {"kind": "offer", "reason": reason}
    conversation.save()
    if reason == HandOff.Reason.SAID_NO:
        text = _("Désolé de ne pas avoir pu vous aider. Voulez-vous qu'un agent vous réponde ?")
    else:
        text = _(
            "Je n'ai pas trouvé de réponse sûre dans les pages de la ville. "
            "Voulez-vous qu'un agent vous réponde ?"
        )
    return _say(conversation, Kind.OFFER, text, reply_to=question, confidence=probability)


@transaction.atomic
def conversation_feedback(*, conversation: Conversation, helpful: bool) -> list[Message]:
    """ "Cela répond à votre question ?" — yes thanks; no offers a human in one click."""
    conversation = _locked(conversation)
    answer = (
        conversation.messages.filter(kind=Kind.ANSWER, feedback="").order_by("-created_at").first()
    )
    if answer is None:
        raise ConversationError(_("Il n'y a pas de réponse à évaluer."), code="no_answer")
    answer.feedback = Message.Feedback.YES if helpful else Message.Feedback.NO
    answer.save(update_fields=["feedback"])
    if helpful:
        return [_say(conversation, Kind.TEXT, _("Merci ! Une autre question ?"))]
    return [_offer(conversation, answer.reply_to, HandOff.Reason.SAID_NO, None)]


@transaction.atomic
def conversation_hand_off(*, conversation: Conversation, reason: str = "") -> list[Message]:
    """Send the conversation to the right service's inbox, in one step."""
    conversation = _locked(conversation)
    if conversation.is_with_humans:
        return []
    pending = conversation.pending or {}
    reason = reason or pending.get("reason") or HandOff.Reason.ASKED_FOR_HUMAN
    if reason not in HandOff.Reason.values:
        raise ConversationError(_("Motif inconnu."), code="bad_reason")
    question = conversation.messages.filter(author=Author.RESIDENT).order_by("-created_at").first()
    return _hand_off(conversation, reason, question)


@transaction.atomic
def conversation_ask_agent(
    *, question: str, email: str = "", language: str = "fr"
) -> tuple[Conversation, str]:
    """Open a conversation handed straight to a service ("Poser la question à un agent" on the
    search page); returns it with its secret token, like ``conversation_start``."""
    text = clean_text(question)
    conversation, token = conversation_start(language=language)
    message = Message.objects.create(conversation=conversation, author=Author.RESIDENT, text=text)
    _hand_off(conversation, HandOff.Reason.SEARCH_PAGE, message)
    if (email or "").strip():
        conversation = conversation_contact_set(conversation=conversation, email=email)
    return conversation, token


def route_service(conversation: Conversation, question: Message | None = None) -> Service:
    """The service of the Fiche last considered; else of the Fiche the question is about;
    else the default service."""
    if conversation.last_page_id is not None:
        fiche = FichePage.objects.filter(pk=conversation.last_page_id).first()
        if fiche is not None and fiche.service_id is not None:
            return fiche.service
    question = question or (
        conversation.messages.filter(author=Author.RESIDENT).order_by("-created_at").first()
    )
    service = service_for_question(question.text) if question is not None else None
    if service is not None:
        return service
    slug = settings.PARVIS_CONVERSATION_DEFAULT_SERVICE
    return Service.objects.get_or_create(slug=slug, defaults={"name": _("Accueil")})[0]


def service_for_question(text: str) -> Service | None:
    """The service of the best-ranked Fiche, among the first ``ROUTE_DEPTH`` results, that has
    a service and is about the question (its title or other wordings name one of its words).

    Routing needs less than answering: a Fiche close to the top usually shares the right one's
    service, and an agent can transfer. But the engine's confidence is calibrated on questions
    that have an answer, so it cannot tell an off-topic question; hence the subject test.
    """
    response = answer_query(query=text, limit=ROUTE_DEPTH)
    fiche_ids = [r.page_id for r in response.results if r.type == "fiche" and r.page_id]
    fiches = FichePage.objects.filter(pk__in=fiche_ids, service__isnull=False).select_related(
        "service"
    )
    by_id = {fiche.pk: fiche for fiche in fiches}
    for item in response.results:
        fiche = by_id.get(item.page_id)
        if fiche is not None and result_is_about(item=item, response=response):
            return fiche.service
    return None


def _hand_off(conversation: Conversation, reason: str, question: Message | None) -> list[Message]:
    now = timezone.now()
    service = route_service(conversation, question)
    HandOff.objects.create(
        conversation=conversation, reason=reason, service=service, question=question
    )
    conversation.service, conversation.status = service, Status.HANDED_OFF
    conversation.handed_off_at = conversation.waiting_since = now
    conversation.pending = {}
    conversation.save()
    availability = service_availability(service=service, at=now)
    if availability.is_open:
        text = _(
            "Je transmets votre conversation à l'équipe « %(service)s » : un agent vous répond."
        )
    elif availability.next_change is not None:
        text = _(
            "Je transmets votre conversation à l'équipe « %(service)s ». Elle ne répond pas en ce "
            "moment : un agent vous répondra à partir de %(when)s."
        )
    else:
        text = _("Je transmets votre conversation à l'équipe « %(service)s ».")
    when = when_phrase(availability.next_change, now=now) if availability.next_change else ""
    return [_say(conversation, Kind.HANDOFF, text % {"service": service.name, "when": when})]


@transaction.atomic
def conversation_contact_set(
    *, conversation: Conversation, email: str = "", phone: str = ""
) -> Conversation:
    """Keep an email or phone to tell the resident an agent answered (erased at close)."""
    conversation = _locked(conversation)
    email, phone = (email or "").strip(), (phone or "").strip()
    if not email and not phone:
        raise ConversationError(errors.NO_CONTACT, code="no_contact", field="email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ConversationError(errors.BAD_EMAIL, code="bad_email", field="email") from None
    if phone and not _PHONE.match(phone):
        raise ConversationError(errors.BAD_PHONE, code="bad_phone", field="phone")
    conversation.contact_email, conversation.contact_phone = email, phone
    conversation.save(update_fields=["contact_email", "contact_phone", "updated_at"])
    if email:  # typed by the resident: only a confirmation goes there until it is followed
        address_confirmation_request(
            recipient=email,
            subject=f"conversation:{conversation.pk}",
            purpose=_("être prévenu de la réponse d'un agent à une question"),
        )
    return conversation


@transaction.atomic
def conversation_link_revoke(*, conversation: Conversation) -> Conversation:
    """The resident turns their tracking link off (the token and every emailed link), closed
    conversation or not."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.links_revoked_at is None:
        conversation.links_revoked_at = timezone.now()
        conversation.save(update_fields=["links_revoked_at", "updated_at"])
    return conversation
