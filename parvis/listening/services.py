"""Writes of "Une minute pour…": answers (web, SMS), STOP, moderation, follow-ups, erasure.

Nothing here talks to an SMS provider or a mail server: replies are queued in core's outbox in
the same transaction as the change, and the worker sends them after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from parvis.certification.models import LogEntry
from parvis.certification.services import statement_append
from parvis.content.models import Quartier
from parvis.core.errors import ParvisError
from parvis.core.models import OutboxMessage
from parvis.core.notifications import (
    OutboxCancelled,
    address_confirmation_request,
    address_confirmations_erase,
    outbox_enqueue,
    outbox_enqueue_text,
)
from parvis.core.privacy import personal_data_mask
from parvis.listening.certified import followup_signed_fields
from parvis.listening.models import (
    FieldAnswer,
    FieldQuestion,
    FollowUp,
    InboundMessage,
    OutcomeSubscription,
    SmsContact,
    SmsOptOut,
)
from parvis.listening.parsing import ParsedAnswer, answer_parse, sms_parse
from parvis.listening.phones import PhoneInvalid, phone_hash, phone_normalise, sms_recipient
from parvis.listening.sms.base import InboundSMS, RecipientRefused, adapter_get, adapters

TOPIC = "listening"
DUPLICATE = "duplicate"
REMARK_MAX = 1000


class AnswerInvalid(ParvisError):
    """An answer the question cannot take (closed, a choice it does not offer…)."""


def follow_subject(question: FieldQuestion) -> str:
    """The subject under which an email address is confirmed for a question's outcome."""
    return f"listening:{question.pk}"


def follow_purpose(question: FieldQuestion) -> str:
    """What the confirmation email says the address was given for."""
    return _("savoir ce que la Ville aura fait après la question de terrain « %(code)s »") % {
        "code": question.code
    }


# --- questions -------------------------------------------------------------------------------


@transaction.atomic
def question_publish(*, question: FieldQuestion) -> FieldQuestion:
    question.full_clean()
    question.status = FieldQuestion.Status.PUBLISHED
    question.save()
    return question


@transaction.atomic
def question_close(*, question: FieldQuestion) -> FieldQuestion:
    question.status = FieldQuestion.Status.CLOSED
    if question.closes_at > timezone.now():
        question.closes_at = max(timezone.now(), question.opens_at + dt.timedelta(seconds=1))
    question.save(update_fields=["status", "closes_at"])
    return question


# --- answers ---------------------------------------------------------------------------------


def _answer_check(question: FieldQuestion, parsed: ParsedAnswer) -> None:
    if not question.is_open:
        raise AnswerInvalid(_("Cette question est close."), code="closed")
    if question.has_choices:
        if parsed.choice is None or not 0 <= parsed.choice < len(question.choices):
            raise AnswerInvalid(_("Choisissez une des réponses proposées."), code="choice")
    elif question.kind == FieldQuestion.Kind.RATING:
        if parsed.rating is None or not 1 <= parsed.rating <= 5:
            raise AnswerInvalid(_("Choisissez une note de 1 à 5."), code="rating")
    elif not parsed.remark.strip():
        raise AnswerInvalid(_("Écrivez votre réponse."), code="remark")


def _answer_create(
    *, question: FieldQuestion, parsed: ParsedAnswer, channel: str, **fields: Any
) -> FieldAnswer:
    remark = parsed.remark.strip()[:REMARK_MAX] if question.takes_remark else ""
    return FieldAnswer.objects.create(
        question=question,
        channel=channel,
        choice=parsed.choice if question.has_choices else None,
        rating=parsed.rating if question.kind == FieldQuestion.Kind.RATING else None,
        remark=remark,
        remark_status=(
            FieldAnswer.RemarkStatus.PENDING if remark else FieldAnswer.RemarkStatus.NONE
        ),
        **fields,
    )


@transaction.atomic
def answer_web_record(
    *,
    question: FieldQuestion,
    choice: int | None = None,
    rating: int | None = None,
    remark: str = "",
    quartier: Quartier | None = None,
    age_band: str = "",
    channel: str = FieldAnswer.Channel.WEB,
) -> FieldAnswer:
    """Count one anonymous answer from the web form (or a screen); AnswerInvalid otherwise."""
    parsed = ParsedAnswer(choice=choice, rating=rating, remark=remark or "")
    _answer_check(question, parsed)
    if age_band and age_band not in FieldAnswer.AgeBand.values:
        age_band = ""
    return _answer_create(
        question=question, parsed=parsed, channel=channel, quartier=quartier, age_band=age_band
    )


# --- replies by SMS --------------------------------------------------------------------------


def _contact_keep(*, hashed: str, number: str, provider: str, to_number: str) -> None:
    """Keep ``number`` while a reply is due (erased once sent, or at expiry)."""
    SmsContact.objects.update_or_create(
        phone_hash=hashed,
        defaults={
            "number": number,
            "provider": provider,
            "to_number": to_number[:20],
            "expires_at": timezone.now() + dt.timedelta(hours=settings.PARVIS_SMS_CONTACT_HOURS),
        },
    )


def _sms_reply(*, hashed: str, number: str, provider: str, to_number: str, body: str) -> None:
    if SmsOptOut.objects.filter(phone_hash=hashed).exists():
        return
    _contact_keep(hashed=hashed, number=number, provider=provider, to_number=to_number)
    outbox_enqueue_text(channel="sms", recipient=sms_recipient(hashed), body=body, topic=TOPIC)


def sms_configured() -> bool:
    """Whether a provider is configured to send SMS (core's ``sms_available``)."""
    return any(adapter.configured() for adapter in adapters().values())


def sms_address(raw: str) -> str:
    """core's SMS addresser (``sms_enqueue``): keep the number while a message is due to it,
    and return the outbox's recipient for it (its hash, never the number)."""
    number = phone_normalise(raw)
    hashed = phone_hash(number)
    contact = SmsContact.objects.filter(phone_hash=hashed).first()
    if contact is not None:  # a reply is already due: keep its provider and sender
        _contact_keep(
            hashed=hashed, number=number, provider=contact.provider, to_number=contact.to_number
        )
    else:
        adapter = next((a for a in adapters().values() if a.configured()), None)
        _contact_keep(
            hashed=hashed, number=number, provider=adapter.name if adapter else "", to_number=""
        )
    return sms_recipient(hashed)


def _choices_hint(question: FieldQuestion) -> str:
    if question.kind == FieldQuestion.Kind.RATING:
        return _("Répondez « %(code)s » suivi d'une note de 1 à 5.") % {"code": question.code}
    if question.kind == FieldQuestion.Kind.FREE_TEXT:
        return _("Répondez « %(code)s » suivi de votre avis.") % {"code": question.code}
    options = ", ".join(f"{i + 1} {label}" for i, label in enumerate(question.choices))
    return _("Répondez « %(code)s » suivi de : %(options)s.") % {
        "code": question.code,
        "options": options,
    }


def _results_link(question: FieldQuestion) -> str:
    return settings.BASE_URL + question.results_url()


def _question_for(code: str, hashed: str) -> FieldQuestion | None:
    if code:
        return FieldQuestion.objects.filter(code=code).first()
    last = (
        FieldAnswer.objects.filter(phone_hash=hashed, question__status="published")
        .select_related("question")
        .order_by("-created_at")
        .first()
    )
    if last is not None and last.question.is_open:
        return last.question
    now = timezone.now()
    open_ = list(
        FieldQuestion.objects.filter(
            status=FieldQuestion.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now
        )[:2]
    )
    return open_[0] if len(open_) == 1 else None


def _opt_out(hashed: str) -> None:
    SmsOptOut.objects.get_or_create(phone_hash=hashed)
    OutcomeSubscription.objects.filter(
        phone_hash=hashed, medium=OutcomeSubscription.Medium.SMS, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now(), number="", to_number="")
    OutboxMessage.objects.filter(
        recipient=sms_recipient(hashed),
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.HELD],
    ).update(status=OutboxMessage.Status.CANCELLED, last_error="STOP")
    SmsContact.objects.filter(phone_hash=hashed).delete()


def sms_receive(*, inbound: InboundSMS) -> str:
    """Handle one authenticated inbound SMS; returns its outcome (or ``DUPLICATE``).

    The (provider, message id) row is inserted first: a replay or a provider's retry fails on
    the unique constraint and changes nothing, however many arrive at once.
    """
    try:
        number = phone_normalise(inbound.from_number)
    except PhoneInvalid:  # a short code or a name ("ORANGE"): counted, never answered
        number = ""
    hashed = phone_hash(number or "".join(inbound.from_number.split())[:20])
    try:
        with transaction.atomic():
            return _sms_receive(inbound, number, hashed)
    except IntegrityError:
        if InboundMessage.objects.filter(
            provider=inbound.provider, message_id=inbound.message_id
        ).exists():
            return DUPLICATE
        raise


def _sms_receive(inbound: InboundSMS, number: str, hashed: str) -> str:
    record = InboundMessage.objects.create(
        provider=inbound.provider,
        message_id=inbound.message_id,
        phone_hash=hashed,
        outcome=InboundMessage.Outcome.UNPARSED,
    )
    codes = set(
        FieldQuestion.objects.exclude(status=FieldQuestion.Status.DRAFT).values_list(
            "code", flat=True
        )
    )
    incoming = sms_parse(inbound.text, codes=codes)

    def reply(body: str) -> None:
        if not number:
            return
        _sms_reply(
            hashed=hashed,
            number=number,
            provider=inbound.provider,
            to_number=inbound.to_number,
            body=body,
        )

    def done(outcome: str, answer: FieldAnswer | None = None) -> str:
        record.outcome, record.answer = outcome, answer
        record.save(update_fields=["outcome", "answer"])
        return outcome

    if incoming.stop:
        _opt_out(hashed)
        return done(InboundMessage.Outcome.STOP)
    question = _question_for(incoming.code, hashed)
    if question is None or question.status == FieldQuestion.Status.DRAFT:
        reply(
            _(
                "Nous n'avons pas reconnu la question. Envoyez son code puis votre réponse, "
                "par exemple « VELO12 oui »."
            )
        )
        return done(InboundMessage.Outcome.UNKNOWN_CODE)
    if incoming.follow:
        _follow_sms(question, hashed=hashed, number=number, inbound=inbound)
        reply(
            _(
                "C'est noté : vous recevrez par SMS ce que la ville aura décidé pour %(code)s. "
                "STOP pour ne plus rien recevoir."
            )
            % {"code": question.code}
        )
        return done(InboundMessage.Outcome.ANSWER)
    if not question.is_open:
        reply(
            _("La question %(code)s est close. Résultats : %(url)s")
            % {"code": question.code, "url": _results_link(question)}
        )
        return done(InboundMessage.Outcome.CLOSED)
    parsed = answer_parse(question, incoming.rest, incoming.original_rest)
    if parsed is None:
        reply(_("Nous n'avons pas compris votre réponse. ") + _choices_hint(question))
        return done(InboundMessage.Outcome.UNPARSED)
    answer = _answer_create(
        question=question,
        parsed=parsed,
        channel=FieldAnswer.Channel.SMS,
        provider=inbound.provider,
        provider_message_id=inbound.message_id,
        phone_hash=hashed,
    )
    total = FieldAnswer.objects.filter(question=question).count()
    reply(
        ngettext(
            "Merci, votre réponse est comptée (%(total)d réponse). Résultats : %(url)s "
            "SUIVI pour connaître la suite, STOP pour ne plus recevoir de SMS.",
            "Merci, votre réponse est comptée (%(total)d réponses). Résultats : %(url)s "
            "SUIVI pour connaître la suite, STOP pour ne plus recevoir de SMS.",
            total,
        )
        % {"total": total, "url": _results_link(question)}
    )
    if SmsOptOut.objects.filter(phone_hash=hashed).exists():
        return done(InboundMessage.Outcome.OPTED_OUT, answer)
    return done(InboundMessage.Outcome.ANSWER, answer)


def _follow_sms(question: FieldQuestion, *, hashed: str, number: str, inbound: InboundSMS):
    OutcomeSubscription.objects.update_or_create(
        question=question,
        phone_hash=hashed,
        defaults={
            "medium": OutcomeSubscription.Medium.SMS,
            "number": number,
            "provider": inbound.provider,
            "to_number": inbound.to_number[:20],
            "cancelled_at": None,
        },
    )


def sms_deliver(message: OutboxMessage) -> None:
    """The outbox's SMS transport: send to the number kept for the hash, then erase it.

    Called by the worker outside any transaction. A number that sent STOP (or that the
    carrier reports unsubscribed) is never sent anything: the message is cancelled.
    """
    hashed = message.recipient.removeprefix("sms:")
    if SmsOptOut.objects.filter(phone_hash=hashed).exists():
        SmsContact.objects.filter(phone_hash=hashed).delete()
        raise OutboxCancelled("opted out", code="opted_out")
    contact = SmsContact.objects.filter(phone_hash=hashed).first()
    if contact is None:
        raise OutboxCancelled("number erased", code="erased")
    adapter = adapter_get(contact.provider)
    if adapter is None:
        configured = [a for a in adapters().values() if a.configured()]
        if not configured:
            raise OSError("no SMS provider configured")
        adapter = configured[0]
    try:
        adapter.send(to=contact.number, from_=contact.to_number, body=message.body_text)
    except RecipientRefused as refused:
        with transaction.atomic():
            _opt_out(hashed)
        raise OutboxCancelled(str(refused), code="opted_out") from None
    with transaction.atomic():
        others = (
            OutboxMessage.objects.filter(
                recipient=message.recipient,
                status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.HELD],
            )
            .exclude(pk=message.pk)
            .exists()
        )
        if not others:
            SmsContact.objects.filter(phone_hash=hashed, pk=contact.pk).delete()


@transaction.atomic
def contacts_expire(*, now: dt.datetime | None = None) -> int:
    """Erase the numbers kept for replies that were never sent in time; returns how many."""
    now = now or timezone.now()
    return SmsContact.objects.filter(expires_at__lt=now).delete()[0]


# --- outcome subscriptions from the web ------------------------------------------------------


@transaction.atomic
def follow_request(
    *, question: FieldQuestion, email: str = "", phone: str = ""
) -> OutcomeSubscription | None:
    """Someone answering on the web asks to be told the outcome.

    By email: the address gets core's confirmation link first; the outcome waits (held) until
    it is confirmed. By SMS: one SMS asks the person to answer "SUIVI <code>" from that phone,
    which proves the number is theirs; nothing is subscribed before that answer.
    """
    if email:
        email = email.strip()
        subscription, _created = OutcomeSubscription.objects.get_or_create(
            question=question,
            email=email,
            defaults={"medium": OutcomeSubscription.Medium.EMAIL},
        )
        address_confirmation_request(
            recipient=email, subject=follow_subject(question), purpose=follow_purpose(question)
        )
        return subscription
    if phone:
        number = phone_normalise(phone)
        hashed = phone_hash(number)
        adapter = next((a for a in adapters().values() if a.configured()), None)
        if adapter is None:
            raise AnswerInvalid(_("L'envoi de SMS n'est pas disponible."), code="no_sms")
        _sms_reply(
            hashed=hashed,
            number=number,
            provider=adapter.name,
            to_number="",
            body=_(
                "Pour recevoir par SMS ce que la ville aura décidé pour %(code)s, "
                "répondez « %(code)s SUIVI » à ce numéro. STOP pour ne rien recevoir."
            )
            % {"code": question.code},
        )
    return None


# --- moderation -----------------------------------------------------------------------------


@transaction.atomic
def remark_approve(*, answer: FieldAnswer, public_text: str = "") -> FieldAnswer:
    """Publish a remark, redacted: what the moderator kept, personal data masked again."""
    text = (public_text or answer.remark).strip()
    answer.remark_public = personal_data_mask(text)[:REMARK_MAX]
    answer.remark_status = FieldAnswer.RemarkStatus.APPROVED
    answer.moderated_at = timezone.now()
    answer.save(update_fields=["remark_public", "remark_status", "moderated_at"])
    return answer


@transaction.atomic
def remark_reject(*, answer: FieldAnswer) -> FieldAnswer:
    answer.remark_public = ""
    answer.remark_status = FieldAnswer.RemarkStatus.REJECTED
    answer.moderated_at = timezone.now()
    answer.save(update_fields=["remark_public", "remark_status", "moderated_at"])
    return answer


# --- "vous avez dit, nous avons fait" --------------------------------------------------------


def followup_statement(followup: FollowUp) -> dict[str, Any]:
    """What the city signs about a follow-up: every word the public page shows of it."""
    question = followup.question
    return {
        "url": settings.BASE_URL + followup.get_absolute_url(),
        "object": "listening.followup",
        "followup_id": followup.pk,
        "question": {"code": question.code, "text": question.text},
        "body": followup.body,
        "author_name": followup.author_name,
        "service": followup.service.name,
        "date": followup.published_at.date().isoformat() if followup.published_at else None,
        # The words the results page shows, as the verifier compares them.
        **followup_signed_fields(followup),
    }


@transaction.atomic
def followup_publish(*, followup: FollowUp) -> FollowUp:
    """Publish, certify (a signed statement in the transparency log) and tell the people who
    asked, by email (once their address is confirmed) or SMS (unless they sent STOP)."""
    followup = (
        FollowUp.objects.select_for_update()
        .select_related("question", "service")
        .get(pk=followup.pk)
    )
    if followup.published_at is None:
        followup.published_at = timezone.now()
    with override(settings.LANGUAGE_CODE):
        entry = statement_append(
            kind=LogEntry.Kind.PUBLICATION,
            subject=f"listening.followup:{followup.pk}",
            path=followup.question.results_url(),
            title=_("Vous avez dit, nous avons fait : %(code)s") % {"code": followup.question.code},
            body=followup_statement(followup),
        )
    followup.entry_index = entry.index
    followup.save(update_fields=["published_at", "entry_index"])
    _followup_notify(followup)
    return followup


def _followup_notify(followup: FollowUp) -> None:
    question = followup.question
    subscriptions = OutcomeSubscription.objects.filter(
        question=question, notified_at__isnull=True, cancelled_at__isnull=True
    )
    now = timezone.now()
    for subscription in subscriptions:
        if subscription.medium == OutcomeSubscription.Medium.EMAIL:
            outbox_enqueue(
                recipient=subscription.email,
                template="listening/email/followup",
                context={"followup": followup, "question": question, "base_url": settings.BASE_URL},
                topic=TOPIC,
                confirm_for=follow_subject(question),
                confirm_purpose=follow_purpose(question),
            )
        elif subscription.number:
            _sms_reply(
                hashed=subscription.phone_hash,
                number=subscription.number,
                provider=subscription.provider,
                to_number=subscription.to_number,
                body=_("%(code)s — vous avez dit, nous avons fait : %(url)s")
                % {"code": question.code, "url": settings.BASE_URL + followup.get_absolute_url()},
            )
        subscription.notified_at = now
        subscription.number = ""
        subscription.save(update_fields=["notified_at", "number"])


# --- erasure (the data-protection requests) --------------------------------------------------


@transaction.atomic
def contact_erase(*, email: str | None = None, phone: str | None = None) -> dict[str, int]:
    """Erase what this app keeps about an email address or a phone number; returns counts.

    The answers stay (anonymous counts) but lose the number's hash; a STOP is kept, as a hash,
    so that the number is never written to again.
    """
    counts = {"subscriptions": 0, "contacts": 0, "answers": 0, "confirmations": 0}
    if email:
        email = email.strip()
        counts["subscriptions"] += OutcomeSubscription.objects.filter(email__iexact=email).delete()[
            0
        ]
        counts["confirmations"] = address_confirmations_erase(
            recipient=email, subject_prefix="listening:"
        )
    if phone:
        try:
            number = phone_normalise(phone)
        except PhoneInvalid:
            number = "".join(phone.split())
        hashed = phone_hash(number)
        counts["subscriptions"] += OutcomeSubscription.objects.filter(phone_hash=hashed).delete()[0]
        counts["contacts"] += SmsContact.objects.filter(phone_hash=hashed).delete()[0]
        OutboxMessage.objects.filter(
            recipient=sms_recipient(hashed),
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.HELD],
        ).update(status=OutboxMessage.Status.CANCELLED, last_error="erased")
        counts["answers"] = FieldAnswer.objects.filter(phone_hash=hashed).update(phone_hash="")
        InboundMessage.objects.filter(phone_hash=hashed).update(phone_hash="")
    return counts
