"""Email through a database outbox: queue inside the caller's transaction, deliver afterwards.

    with transaction.atomic():
        report = Report.objects.create(...)
        outbox_enqueue(recipient=email, template="reports/email/received", context={...},
                       topic="reports")

Templates come in pairs, ``<template>.txt`` and ``<template>.html``; the first line of the
``.txt`` is ``Subject: …``.

Delivery never talks to the mail server inside a database transaction: a short transaction
claims messages with a lease, the sending happens after it has committed, and a second short
transaction records the outcome. A failure is retried with exponential backoff and jitter; after
``PARVIS_OUTBOX_MAX_ATTEMPTS`` the message is dead-lettered and the administrators are told.
"""

from __future__ import annotations

import logging
import random
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from parvis.core.models import OutboxMessage

logger = logging.getLogger(__name__)
ALERTS_TOPIC = "alerts"
MAX_BACKOFF = timedelta(hours=6)


def outbox_enqueue(
    *, recipient: str, template: str, context: dict[str, object], topic: str
) -> OutboxMessage:
    """Render an email pair and store it for delivery; call inside the change's transaction.

    Once that transaction commits, a delivery task is queued so the worker sends the message
    within seconds; the periodic delivery job picks up anything that task missed.
    """
    text = render_to_string(f"{template}.txt", context)
    subject_line, _, body = text.partition("\n")
    subject = subject_line.removeprefix("Subject:").strip()
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    message = OutboxMessage.objects.create(
        recipient=recipient, subject=subject, body_text=body.lstrip(), body_html=html, topic=topic
    )
    transaction.on_commit(_delivery_soon)
    return message


def _delivery_soon() -> None:
    from parvis.core.tasks import outbox_deliver_task

    try:
        outbox_deliver_task.enqueue()
    except DatabaseError:  # the periodic delivery job will send it instead
        logger.warning("outbox delivery task not queued")


def outbox_backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failures: doubling, jittered, capped."""
    base = timedelta(seconds=settings.PARVIS_OUTBOX_RETRY_SECONDS) * (2 ** max(0, attempts - 1))
    return min(MAX_BACKOFF, base) * random.uniform(0.5, 1.0)  # noqa: S311 — spreading retries


def outbox_claim(*, limit: int = 100, now: datetime | None = None) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for this caller, each under a lease; one transaction."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    lease = now + timedelta(seconds=settings.PARVIS_OUTBOX_LEASE_SECONDS)
    due = (
        Q(status=OutboxMessage.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
    with transaction.atomic():
        candidates = OutboxMessage.objects.filter(due).order_by("created_at")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        # The same condition again: a row another worker claimed meanwhile is not taken twice.
        OutboxMessage.objects.filter(due, pk__in=ids).update(claimed_until=lease, claim_token=token)
    return list(OutboxMessage.objects.filter(claim_token=token).order_by("created_at"))


def outbox_deliver(*, limit: int = 100) -> tuple[int, int]:
    """Send due messages, oldest first; returns (sent, failed). Safe to run concurrently."""
    sent = failed = 0
    for message in outbox_claim(limit=limit):
        email = EmailMultiAlternatives(message.subject, message.body_text, to=[message.recipient])
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
