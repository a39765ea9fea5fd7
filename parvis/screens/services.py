"""What screens do: record that a screen checked in."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from parvis.screens.models import Screen

CHECK_IN_EVERY = dt.timedelta(seconds=10)


def screen_check_in(*, screen: Screen) -> None:
    """Record now as the screen's last contact (at most one write per 10 s per screen)."""
    now = timezone.now()
    Screen.objects.filter(pk=screen.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - CHECK_IN_EVERY)
    ).update(last_seen_at=now)
