"""Work queues kept in database rows (the outbox, fediverse deliveries): retries spread out
over time, and rows claimed under a lease so that concurrent workers never take one twice and
a killed worker's rows come back when its lease ends."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet

MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int, *, first: timedelta) -> timedelta:
    """Delay before the next attempt after ``attempts`` failures: ``first``, doubling, capped at
    ``MAX_BACKOFF``, jittered so that retries after an outage do not all come at once."""
    base = first * (2 ** max(0, attempts - 1))
    return min(MAX_BACKOFF, base) * random.uniform(0.5, 1.0)  # noqa: S311 — spreading retries


def due_rows_claim(model: type[Model], *, pending: object, limit: int, now: datetime) -> QuerySet:
    """Claim up to ``limit`` of ``model``'s due rows (status ``pending``, attempt due, no live
    lease), oldest first, in one transaction; returns the claimed rows' queryset."""
    token = secrets.token_hex(16)
    lease = now + timedelta(seconds=settings.PARVIS_OUTBOX_LEASE_SECONDS)
    due = (
        Q(status=pending)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
    with transaction.atomic():
        candidates = model._default_manager.filter(due).order_by("created_at")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        # The same condition again: a row another worker claimed meanwhile is not taken twice.
        model._default_manager.filter(due, pk__in=ids).update(
            claimed_until=lease, claim_token=token
        )
    return model._default_manager.filter(claim_token=token).order_by("created_at")
