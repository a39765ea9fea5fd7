"""Reads of the fediverse app: what an actor publishes, and how many follow it."""

from __future__ import annotations

from django.db.models import QuerySet

from parvis.content.models import ActualitePage
from parvis.federation.models import Actor


def actor_pages(actor: Actor) -> QuerySet[ActualitePage]:
    """The public news an actor publishes, newest first: all of them for the city, a quartier's
    own for a quartier's actor."""
    pages = ActualitePage.objects.live().public().order_by("-first_published_at", "-pk")
    if actor.quartier_id:
        pages = pages.filter(quartiers=actor.quartier_id)
    return pages


def followers_count(actor: Actor) -> int:
    return actor.followers.count()


def local_posts_count() -> int:
    return ActualitePage.objects.live().public().count()
