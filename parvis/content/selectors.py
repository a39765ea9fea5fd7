"""What the content app reads for others, and which services an agent may act on."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from parvis.content.models import FichePage, Service
from parvis.content.models.pages import REVIEW_AFTER_DAYS
from parvis.core.models import AgentProfile


def fiches_needing_review(*, today: dt.date | None = None) -> QuerySet[FichePage]:
    """Live Fiches last re-read more than a year ago, oldest first."""
    limit = (today or timezone.localdate()) - dt.timedelta(days=REVIEW_AFTER_DAYS)
    return FichePage.objects.live().filter(last_reviewed__lt=limit).order_by("last_reviewed")


def agent_profile_get(*, user: AbstractBaseUser | AnonymousUser) -> AgentProfile | None:
    """The agent profile of ``user``, or None for residents and anonymous visitors."""
    if not user.is_authenticated:
        return None
    return AgentProfile.objects.filter(user=user).prefetch_related("services").first()


def agent_services(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Service]:
    """The services whose reports and conversations ``user`` may act on.

    Superusers act on every service; an agent on the services of their profile; anyone
    else on none. Every inbox query and action goes through this function.
    """
    if not user.is_authenticated:
        return Service.objects.none()
    if user.is_superuser:
        return Service.objects.all()
    return Service.objects.filter(agents__user=user)
