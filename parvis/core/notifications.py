"""Email through a database outbox: queue inside the caller's transaction, deliver afterwards.

    with transaction.atomic():
        report = Report.objects.create(...)
        outbox_enqueue(recipient=email, template="reports/email/received", context={...},
                       topic="reports")

Templates come in pairs, ``<template>.txt`` and ``<template>.html``; the first line of the
``.txt`` is ``Subject: …``.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from parvis.core.models import OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def outbox_enqueue(
    *, recipient: str, template: str, context: dict[str, object], topic: str
) -> OutboxMessage:
    """Render an email pair and store it for delivery; call inside the change's transaction."""
    text = render_to_string(f"{template}.txt", context)
    subject_line, _, body = text.partition("\n")
    subject = subject_line.removeprefix("Subject:").strip()
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return OutboxMessage.objects.create(
        recipient=recipient, subject=subject, body_text=body.lstrip(), body_html=html, topic=topic
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
