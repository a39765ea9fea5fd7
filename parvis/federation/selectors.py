"""Reads of the fediverse app: what an actor publishes, and how many follow it."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from parvis.content.models import ActualitePage
from parvis.federation.models import Actor, Delivery


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


def actors_status() -> list[dict[str, object]]:
    """Each actor with its follower count, for the back office."""
    actors = Actor.objects.select_related("quartier").annotate(count=Count("followers"))
    return [{"actor": actor, "followers": actor.count} for actor in actors.order_by("username")]


def deliveries_status() -> dict[str, int]:
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Delivery.Status.values}


def deliveries_dead(*, limit: int = 20) -> list[Delivery]:
    """The latest abandoned deliveries (their last error says why)."""
    return list(
        Delivery.objects.filter(status=Delivery.Status.FAILED)
        .select_related("actor")
        .order_by("-created_at")[:limit]
    )
