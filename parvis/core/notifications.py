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
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.core.errors import ParvisError
from parvis.core.models import AddressConfirmation, OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
_SALT = "parvis.core.address-confirmation"


class ConfirmationInvalid(ParvisError):
    """A confirmation link that was altered, has expired, or whose address was erased."""


def _render(template: str, context: dict[str, object]) -> tuple[str, str, str]:
    text = render_to_string(f"{template}.txt", context)
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


def address_confirmation_request(*, recipient: str, subject: str) -> AddressConfirmation:
    """The confirmation of ``recipient`` for ``subject``; the first time, queue its email.

    At most ``PARVIS_CONFIRMATION_EMAILS_PER_DAY`` confirmation emails go to one address a day,
    whatever the subjects: beyond, the subject simply stays unconfirmed (and silent).
    """
    recipient = recipient.strip()
    try:
        with transaction.atomic():
            confirmation, created = AddressConfirmation.objects.get_or_create(
                recipient=recipient, subject=subject
            )
    except IntegrityError:  # a concurrent request created it
        return AddressConfirmation.objects.get(recipient=recipient, subject=subject)
    if not created or confirmation.confirmed_at:
        return confirmation
    since = timezone.now() - dt.timedelta(days=1)
    sent_today = AddressConfirmation.objects.filter(
        recipient=recipient, email_sent=True, created_at__gte=since
    ).count()
    if sent_today >= int(getattr(settings, "PARVIS_CONFIRMATION_EMAILS_PER_DAY", 3)):
        return confirmation
    title, body, html = _render(
        "core/email/confirm_address",
        {"url": confirmation_url(confirmation), "days": _confirm_days()},
    )
    OutboxMessage.objects.create(
        recipient=recipient, subject=title, body_text=body, body_html=html, topic="confirmation"
    )
    confirmation.email_sent = True
    confirmation.save(update_fields=["email_sent"])
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
    return OutboxMessage.objects.filter(
        confirmation=confirmation, status=OutboxMessage.Status.HELD
    ).update(status=OutboxMessage.Status.PENDING)


def outbox_enqueue(
    *,
    recipient: str,
    template: str,
    context: dict[str, object],
    topic: str,
    confirm_for: str = "",
) -> OutboxMessage:
    """Render an email pair and store it for delivery; call inside the change's transaction.

    With ``confirm_for`` (the subject, e.g. ``"report:12"``) the recipient is an address a
    resident typed: the message waits until that address is confirmed for that subject.
    """
    subject, body, html = _render(template, context)
    confirmation = None
    status = OutboxMessage.Status.PENDING
    if confirm_for:
        confirmation = address_confirmation_request(recipient=recipient, subject=confirm_for)
        if confirmation.confirmed_at is None:
            status = OutboxMessage.Status.HELD
    return OutboxMessage.objects.create(
        recipient=recipient,
        subject=subject,
        body_text=body,
        body_html=html,
        topic=topic,
        status=status,
        confirmation=confirmation,
    )


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
def outbox_purge_unconfirmed() -> int:
    """Delete confirmations never followed before their link expired, with their held
    messages (the address is personal data kept for nothing). Returns how many."""
    cutoff = timezone.now() - dt.timedelta(days=_confirm_days())
    return _forget(
        AddressConfirmation.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    )


def outbox_deliver(*, limit: int = 100) -> tuple[int, int]:
    """Send pending messages, oldest first; returns (sent, failed). Safe to run concurrently."""
    sent = failed = 0
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    for pk in list(pending.order_by("created_at").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update()
                .filter(pk=pk, status=OutboxMessage.Status.PENDING)
                .first()
            )
            if message is None:
                continue  # another worker took it
            email = EmailMultiAlternatives(
                message.subject, message.body_text, to=[message.recipient]
            )
            if message.body_html:
                email.attach_alternative(message.body_html, "text/html")
            message.attempts += 1
            try:
                email.send()
            except OSError as error:  # SMTP and socket failures: retried on the next run
                message.last_error = str(error)[:250]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = OutboxMessage.Status.FAILED
                failed += 1
                logger.warning("outbox delivery failed", extra={"message_id": message.pk})
            else:
                message.status = OutboxMessage.Status.SENT
                message.sent_at = timezone.now()
                sent += 1
            message.save()
    return sent, failed
