"""Email through a database outbox: queue inside the caller's transaction, deliver afterwards.

    with transaction.atomic():
        report = Report.objects.create(...)
        outbox_enqueue(recipient=email, template="reports/email/received", context={...},
                       topic="reports")

Templates come in pairs, ``<template>.txt`` and ``<template>.html``; the first line of the
``.txt`` is ``Subject: …``.

An address a resident typed is not trusted until its owner confirms it: pass
``confirm_for="report:12"`` and the message waits (``HELD``) while the address gets one
confirmation email with a signed link that expires (``PARVIS_ADDRESS_CONFIRM_DAYS``). Following
it releases what waited for that address and subject. The city's own addresses (a service's
inbox) need no confirmation.
Delivery never talks to the mail server inside a database transaction: a short transaction
claims messages with a lease, the sending happens after it has committed, and a second short
transaction records the outcome. A failure is retried with exponential backoff and jitter; after
``PARVIS_OUTBOX_MAX_ATTEMPTS`` the message is dead-lettered and the administrators are told.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import QuerySet
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.core.errors import ParvisError
from parvis.core.leases import backoff, due_rows_claim
from parvis.core.models import AddressConfirmation, OutboxMessage
from parvis.core.text import render_plain_text

logger = logging.getLogger(__name__)
ALERTS_TOPIC = "alerts"
_SALT = "parvis.core.address-confirmation"


class OutboxCancelled(ParvisError):
    """A transport refuses a message for good (its recipient opted out): never retried."""


# Transports of the channels other than email, registered by the apps that own them
# (``outbox_transport_register``): core never imports an app.
_TRANSPORTS: dict[str, Callable[[OutboxMessage], None]] = {}
# How each channel turns a raw address (a phone number) into an outbox recipient, and whether
# it can send at all (a provider is configured).
_ADDRESSERS: dict[str, Callable[[str], str]] = {}
_AVAILABLE: dict[str, Callable[[], bool]] = {}


def outbox_transport_register(
    *,
    channel: str,
    send: Callable[[OutboxMessage], None],
    address: Callable[[str], str] | None = None,
    available: Callable[[], bool] | None = None,
) -> None:
    """Deliver ``channel``'s messages with ``send(message)``; it raises OSError to retry later
    (with backoff) or OutboxCancelled to drop the message for good.

    ``address(raw)`` lets other apps write to a raw address through the channel
    (:func:`sms_enqueue`): it keeps the address where the transport finds it (the number only
    while a message is due) and returns the recipient to store in the outbox (a hash, never
    the number). ``available()`` says whether the channel can send now.
    """
    _TRANSPORTS[channel] = send
    if address is not None:
        _ADDRESSERS[channel] = address
    if available is not None:
        _AVAILABLE[channel] = available


def sms_available() -> bool:
    """Whether an SMS can be sent: a transport with an addresser is registered and it says it
    can send (a provider is configured)."""
    if "sms" not in _TRANSPORTS or "sms" not in _ADDRESSERS:
        return False
    available = _AVAILABLE.get("sms")
    return available() if available is not None else True


def sms_enqueue(*, recipient: str, text: str, topic: str) -> OutboxMessage:
    """Queue ``text`` for the phone number ``recipient`` (E.164) on the outbox's SMS channel;
    call inside the change's transaction: the worker sends it after the commit. The outbox
    stores what the channel's addresser returns (a hash), never the number itself."""
    addresser = _ADDRESSERS.get("sms")
    if addresser is None:
        raise OSError("no SMS channel registered")
    return outbox_enqueue_text(
        channel="sms", recipient=addresser(recipient), body=text, topic=topic
    )


class ConfirmationInvalid(ParvisError):
    """A confirmation link that was altered, has expired, or whose address was erased."""


def _render(template: str, context: dict[str, object]) -> tuple[str, str, str]:
    text = render_plain_text(f"{template}.txt", context)
    subject_line, _newline, body = text.partition("\n")
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return subject_line.removeprefix("Subject:").strip(), body.lstrip(), html


def _confirm_days() -> int:
    return int(getattr(settings, "PARVIS_ADDRESS_CONFIRM_DAYS", 7))


def confirmation_url(confirmation: AddressConfirmation) -> str:
    """The signed link that confirms ``confirmation``; it expires after the configured days."""
    token = signing.dumps(confirmation.pk, salt=_SALT, compress=True)
    return settings.BASE_URL + reverse("address_confirm", args=[token])


def address_confirmation_request(
    *, recipient: str, subject: str, purpose: str = ""
) -> AddressConfirmation:
    """The confirmation of ``recipient`` for ``subject``; the first time, queue its email.

    ``purpose`` completes "Quelqu'un a indiqué cette adresse … pour …" in that email, so the
    person knows which request it is about ("suivre son signalement", "proposer le groupe
    « … »"); without it the email speaks of "une démarche".

    At most ``PARVIS_CONFIRMATION_EMAILS_PER_DAY`` confirmation emails go to one address a day,
    whatever the subjects: beyond, the subject simply stays unconfirmed (and silent).
    """
    recipient = recipient.strip()
    known = AddressConfirmation.objects.filter(recipient=recipient, subject=subject).first()
    if known is not None:
        return known
    since = timezone.now() - dt.timedelta(days=1)
    sent_today = AddressConfirmation.objects.filter(
        recipient=recipient, email_sent=True, created_at__gte=since
    ).count()
    # Written once, with whether its email goes (the busiest caller files API reports).
    send = sent_today < int(getattr(settings, "PARVIS_CONFIRMATION_EMAILS_PER_DAY", 3))
    try:
        with transaction.atomic():
            confirmation = AddressConfirmation.objects.create(
                recipient=recipient, subject=subject, email_sent=send
            )
    except IntegrityError:  # a concurrent request created it
        return AddressConfirmation.objects.get(recipient=recipient, subject=subject)
    if not send:
        return confirmation
    title, body, html = _render(
        "core/email/confirm_address",
        {"url": confirmation_url(confirmation), "days": _confirm_days(), "purpose": purpose},
    )
    OutboxMessage.objects.create(
        recipient=recipient, subject=title, body_text=body, body_html=html, topic="confirmation"
    )
    _delivery_queue()
    return confirmation


def address_confirm_check(*, token: str) -> AddressConfirmation:
    """The confirmation a link designates, or ConfirmationInvalid (altered, expired, erased)."""
    try:
        pk = signing.loads(token, salt=_SALT, max_age=dt.timedelta(days=_confirm_days()))
    except signing.BadSignature:  # includes SignatureExpired
        raise ConfirmationInvalid(
            _("Ce lien de confirmation n'est pas valable ou a expiré."), code="link_invalid"
        ) from None
    confirmation = AddressConfirmation.objects.filter(pk=pk).first()
    if confirmation is None:
        raise ConfirmationInvalid(
            _("Ce lien de confirmation n'est pas valable ou a expiré."), code="link_invalid"
        )
    return confirmation


@transaction.atomic
def address_confirm(*, token: str) -> int:
    """Confirm the address of a link; release the messages that waited; returns how many."""
    confirmation = address_confirm_check(token=token)
    if confirmation.confirmed_at is None:
        confirmation.confirmed_at = timezone.now()
        confirmation.save(update_fields=["confirmed_at"])
    released = OutboxMessage.objects.filter(
        confirmation=confirmation, status=OutboxMessage.Status.HELD
    ).update(status=OutboxMessage.Status.PENDING)
    if released:
        _delivery_queue()
    return released


def outbox_enqueue(
    *,
    recipient: str,
    template: str,
    context: dict[str, object],
    topic: str,
    confirm_for: str = "",
    confirm_purpose: str = "",
) -> OutboxMessage:
    """Render an email pair and store it for delivery; call inside the change's transaction.

    With ``confirm_for`` (the subject, e.g. ``"report:12"``) the recipient is an address a
    resident typed: the message waits until that address is confirmed for that subject;
    ``confirm_purpose`` says in the confirmation email what the address was given for.
    """
    subject, body, html = _render(template, context)
    confirmation = None
    status = OutboxMessage.Status.PENDING
    if confirm_for:
        confirmation = address_confirmation_request(
            recipient=recipient, subject=confirm_for, purpose=confirm_purpose
        )
        if confirmation.confirmed_at is None:
            status = OutboxMessage.Status.HELD
    message = OutboxMessage.objects.create(
        recipient=recipient,
        subject=subject,
        body_text=body,
        body_html=html,
        topic=topic,
        status=status,
        confirmation=confirmation,
    )
    if status == OutboxMessage.Status.PENDING:
        # The worker is asked to send it within seconds (a job committed with the message);
        # the periodic delivery job picks up anything that task missed.
        _delivery_queue()
    return message


def outbox_enqueue_text(*, channel: str, recipient: str, body: str, topic: str) -> OutboxMessage:
    """Store a plain-text message for a registered transport (an SMS); call inside the change's
    transaction: the worker sends it after the commit, with the outbox's leases and backoff."""
    message = OutboxMessage.objects.create(
        recipient=recipient, subject="", body_text=body, topic=topic, channel=channel
    )
    _delivery_queue()
    return message


def _forget(confirmations: QuerySet[AddressConfirmation]) -> int:
    OutboxMessage.objects.filter(
        confirmation__in=confirmations, status=OutboxMessage.Status.HELD
    ).delete()
    return confirmations.delete()[1].get("core.AddressConfirmation", 0)


@transaction.atomic
def address_confirmations_forget(*, subject: str) -> int:
    """Erase the addresses kept for ``subject`` and what still waited for them (at closing)."""
    return _forget(AddressConfirmation.objects.filter(subject=subject))


@transaction.atomic
def address_confirmations_erase(*, recipient: str, subject_prefix: str = "") -> int:
    """Erase one address's confirmations (for subjects starting with ``subject_prefix``) and
    what still waited for it: a person's erasure request."""
    found = AddressConfirmation.objects.filter(
        recipient__iexact=recipient.strip(), subject__startswith=subject_prefix
    )
    return _forget(found)


@transaction.atomic
def outbox_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete confirmations never followed before their link expired, with their held
    messages (the address is personal data kept for nothing). Returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=_confirm_days())
    return _forget(
        AddressConfirmation.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    )


def _delivery_queue() -> None:
    """Queue a delivery job with the message: in the database queue, inside the same
    transaction, so it commits (or rolls back) with the message and costs no commit of its
    own; once per transaction, however many messages it stores."""
    from parvis.core.tasks import outbox_deliver_task

    connection = transaction.get_connection()
    if connection.in_atomic_block:
        hooks = getattr(connection, "run_on_commit", [])
        if any(hook[1] is _delivery_queued for hook in hooks):
            return  # this transaction already queued one
    try:
        with transaction.atomic():
            outbox_deliver_task.enqueue()
    except DatabaseError:  # the periodic delivery job will send it instead
        logger.warning("outbox delivery task not queued")
        return
    if connection.in_atomic_block:
        transaction.on_commit(_delivery_queued)


def _delivery_queued() -> None:
    """A marker among the transaction's commit hooks: its delivery job is queued."""


def outbox_backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failures: doubling, jittered, capped."""
    return backoff(attempts, first=timedelta(seconds=settings.PARVIS_OUTBOX_RETRY_SECONDS))


def outbox_claim(*, limit: int = 100, now: datetime | None = None) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for this caller, each under a lease; one transaction."""
    claimed = due_rows_claim(
        OutboxMessage,
        pending=OutboxMessage.Status.PENDING,
        limit=limit,
        now=now or timezone.now(),
    )
    return list(claimed)


def outbox_message_id(pk: int, created_at: datetime, domain: str) -> str:
    """The Message-ID header of an outbox message, the same at every attempt.

    Delivery is at least once: a worker killed after the mail server accepted a message but
    before "sent" was committed leaves its claim to expire, and another worker sends it again.
    Both copies then carry this one Message-ID, which receivers deduplicate on.
    """
    stamp = created_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S%f")
    return f"<parvis.{stamp}.{pk}@{domain}>"


def _message_domain() -> str:
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def _lease_too_short(message: OutboxMessage) -> bool:
    """Whether this worker's claim on ``message`` may run out during one more send (at most
    ``EMAIL_TIMEOUT``): past its lease another worker takes the message and sends it too."""
    left = message.claimed_until - timezone.now() if message.claimed_until else timedelta(0)
    return left < timedelta(seconds=settings.EMAIL_TIMEOUT)


def _outbox_release(messages: list[OutboxMessage]) -> None:
    """Give back claimed messages not sent yet: the next run takes them at once."""
    with transaction.atomic():
        for message in messages:
            OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
                claimed_until=None, claim_token=""
            )


def outbox_deliver(*, limit: int = 100) -> tuple[int, int]:
    """Send due messages, oldest first; returns (sent, failed). Safe to run concurrently.

    A run claims up to ``limit`` messages under one lease; with a slow mail server it stops
    before that lease could run out mid-send and gives the rest back, so that no message is
    sent by two workers (unless this one dies mid-send: see ``outbox_message_id``).
    """
    sent = failed = 0
    claimed = outbox_claim(limit=limit)
    for position, message in enumerate(claimed):
        if position and _lease_too_short(message):
            _outbox_release(claimed[position:])
            break
        if message.channel != OutboxMessage.Channel.EMAIL:
            transport = _TRANSPORTS.get(message.channel)
            try:
                if transport is None:
                    raise OSError(f"no transport for channel {message.channel}")
                transport(message)  # outside any transaction, like email
            except OutboxCancelled as cancelled:
                _outbox_cancelled(message, cancelled.message)
            except OSError as error:
                failed += 1
                _outbox_failed(message, str(error))
            else:
                sent += 1
                _outbox_sent(message)
            continue
        email = EmailMultiAlternatives(
            message.subject,
            message.body_text,
            to=[message.recipient],
            headers={
                "Message-ID": outbox_message_id(message.pk, message.created_at, _message_domain())
            },
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        try:
            email.send()  # outside any transaction: a slow server holds no database lock
        except OSError as error:  # SMTP and socket failures: retried later
            failed += 1
            _outbox_failed(message, str(error))
        else:
            sent += 1
            _outbox_sent(message)
    return sent, failed


def _outbox_sent(message: OutboxMessage) -> None:
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
            status=OutboxMessage.Status.SENT,
            sent_at=timezone.now(),
            attempts=message.attempts + 1,
            last_error="",
            claimed_until=None,
            claim_token="",
        )


def _outbox_cancelled(message: OutboxMessage, reason: str) -> None:
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
            status=OutboxMessage.Status.CANCELLED,
            last_error=reason[:250],
            claimed_until=None,
            claim_token="",
        )


def _outbox_failed(message: OutboxMessage, error: str) -> None:
    attempts = message.attempts + 1
    dead = attempts >= settings.PARVIS_OUTBOX_MAX_ATTEMPTS
    logger.warning("outbox delivery failed", extra={"message_id": message.pk, "attempts": attempts})
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, claim_token=message.claim_token
        ).update(
            status=OutboxMessage.Status.FAILED if dead else OutboxMessage.Status.PENDING,
            attempts=attempts,
            last_error=error[:250],
            next_attempt_at=None if dead else timezone.now() + outbox_backoff(attempts),
            claimed_until=None,
            claim_token="",
        )
        if dead and updated and message.topic != ALERTS_TOPIC:
            logger.error("outbox message dead-lettered", extra={"message_id": message.pk})
            message.attempts, message.last_error = attempts, error[:250]
            _alert_administrators(message)


def _alert_administrators(message: OutboxMessage) -> None:
    """Tell every active administrator (by the outbox itself, so it waits for the server)."""
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    for email in admins.values_list("email", flat=True):
        outbox_enqueue(
            recipient=email,
            template="core/email/outbox_dead_letter",
            context={"message": message, "base_url": settings.BASE_URL},
            topic=ALERTS_TOPIC,
        )
