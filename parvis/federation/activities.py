"""ActivityStreams documents of the city's actors and publications (JSON-LD, compacted by hand).

Ids are stable URLs under ``BASE_URL``: ``/federation/acteurs/<username>`` for an actor,
``/federation/objets/<page id>`` for a publication, whose ``url`` is the page people read.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from parvis.federation.models import Actor

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PAGE_SIZE = 20


@runtime_checkable
class HasEventDate(Protocol):
    """A page that is an event: it has a start (and maybe an end and a place)."""

    event_start: Any


def host() -> str:
    """The host of the portal's public address, as in ``acct:ville@host``."""
    return urlsplit(settings.BASE_URL).netloc


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def actor_id(actor: Actor) -> str:
    return absolute(reverse("federation_actor", args=[actor.username]))


def actor_profile_url(actor: Actor) -> str:
    return absolute(reverse("federation_profile", args=[actor.username]))


def actor_name(actor: Actor) -> str:
    if actor.quartier_id:
        return _("Agenda du quartier %(name)s") % {"name": actor.quartier.name}
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or _("La ville")


def actor_summary(actor: Actor) -> str:
    if actor.quartier_id:
        text = _("Les actualités et événements du quartier %(name)s, publiés par la ville.") % {
            "name": actor.quartier.name
        }
    else:
        text = _("Les actualités et événements publiés par la ville sur son portail.")
    return f"<p>{escape(text)}</p>"


def actor_document(actor: Actor) -> dict[str, Any]:
    """The actor as other servers read it, with its public key (never the private one)."""
    ident = actor_id(actor)
    return {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT],
        "id": ident,
        "type": "Organization",
        "preferredUsername": actor.username,
        "name": actor_name(actor),
        "summary": actor_summary(actor),
        "url": actor_profile_url(actor),
        "icon": {
            "type": "Image",
            "mediaType": "image/svg+xml",
            "url": absolute(static("parvis/img/logo.svg")),
        },
        "inbox": absolute(reverse("federation_inbox", args=[actor.username])),
        "outbox": absolute(reverse("federation_outbox", args=[actor.username])),
        "followers": followers_url(actor),
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "published": actor.created_at.isoformat(),
        "publicKey": {
            "id": f"{ident}#main-key",
            "owner": ident,
            "publicKeyPem": actor.public_key_pem,
        },
    }


def followers_url(actor: Actor) -> str:
    return absolute(reverse("federation_followers", args=[actor.username]))


def key_id(actor: Actor) -> str:
    return f"{actor_id(actor)}#main-key"


def object_id(page_id: int) -> str:
    return absolute(reverse("federation_object", args=[page_id]))


def _iso(value: Any) -> str:
    if hasattr(value, "hour"):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.isoformat()
    return value.isoformat()


def page_object(page: Any, actor: Actor) -> dict[str, Any]:
    """A news page as a ``Note``, or an ``Event`` when it has an event date."""
    url = page.full_url or absolute(page.url or "/")
    published = page.first_published_at or timezone.now()
    sender = actor_id(actor)
    content = (
        f"<p><strong>{escape(page.title)}</strong></p>"
        f"<p>{escape(page.intro)}</p>"
        f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
    )
    document: dict[str, Any] = {
        "id": object_id(page.pk),
        "type": "Note",
        "attributedTo": sender,
        "content": content,
        "url": url,
        "published": _iso(published),
        "to": [PUBLIC],
        "cc": [followers_url(actor)],
        "sensitive": False,
    }
    if page.last_published_at and page.last_published_at != page.first_published_at:
        document["updated"] = _iso(page.last_published_at)
    if isinstance(page, HasEventDate) and page.event_start:
        document["type"] = "Event"
        document["name"] = page.title
        document["startTime"] = _iso(page.event_start)
        end = getattr(page, "event_end", None)
        if end:
            document["endTime"] = _iso(end)
        place = getattr(page, "event_place", None)
        if place:
            document["location"] = {"type": "Place", "name": str(place)}
    return document


def wrap(kind: str, obj: dict[str, Any], actor: Actor, *, suffix: str) -> dict[str, Any]:
    """``Create`` or ``Update`` of ``obj`` by ``actor``, addressed like the object."""
    return {
        "@context": AS_CONTEXT,
        "id": f"{obj['id']}#{suffix}",
        "type": kind,
        "actor": actor_id(actor),
        "published": obj["published"],
        "to": obj["to"],
        "cc": obj["cc"],
        "object": obj,
    }


def announce(obj: dict[str, Any], actor: Actor, *, suffix: str) -> dict[str, Any]:
    """A quartier actor relaying the city's publication to its own followers."""
    return {
        "@context": AS_CONTEXT,
        "id": f"{obj['id']}#{suffix}-{actor.username}",
        "type": "Announce",
        "actor": actor_id(actor),
        "published": obj["published"],
        "to": [PUBLIC],
        "cc": [followers_url(actor), obj["attributedTo"]],
        "object": obj,
    }
