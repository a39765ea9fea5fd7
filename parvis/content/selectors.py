"""What the content app reads for others."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from parvis.content.models import FichePage
from parvis.content.models.pages import REVIEW_AFTER_DAYS


def fiches_needing_review(*, today: dt.date | None = None) -> QuerySet[FichePage]:
    """Live Fiches last re-read more than a year ago, oldest first."""
    limit = (today or timezone.localdate()) - dt.timedelta(days=REVIEW_AFTER_DAYS)
    return FichePage.objects.live().filter(last_reviewed__lt=limit).order_by("last_reviewed")
