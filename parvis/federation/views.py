"""WebFinger, NodeInfo, actor documents, outboxes, followers, objects, the inbox and the
human profile page of each of the city's fediverse actors."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

import parvis
from parvis.content.models import ActualitePage
from parvis.core.writes import public_write
from parvis.federation import activities, selectors
from parvis.federation.models import Actor
from parvis.federation.remote import ACTIVITY_JSON
from parvis.federation.services import InboxRefused, actor_find, city_actor, inbox_receive

JRD = "application/jrd+json"
_ACCT = re.compile(r"^acct:([A-Za-z0-9_.-]+)@([^@\s]+)$")
_AP_TYPES = ("application/activity+json", "application/ld+json")


def _activity_response(document: dict[str, Any], *, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        document,
        status=status,
        content_type=f"{ACTIVITY_JSON}; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _wants_activity(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return any(kind in accept for kind in _AP_TYPES)


def _actor_or_404(username: str) -> Actor:
    actor = actor_find(username=username)
    if actor is None:
        raise Http404
    return actor


@require_GET
def webfinger(request: HttpRequest) -> HttpResponse:
    """``/.well-known/webfinger?resource=acct:ville@host`` (RFC 7033), as Mastodon asks it."""
    resource = request.GET.get("resource", "").strip()
    match = _ACCT.match(resource)
    username = ""
    if match:
        if match.group(2).lower() != activities.host().lower():
            return _webfinger_error(_("Ce compte n'est pas sur ce serveur."), 404)
        username = match.group(1)
    elif resource.startswith(settings.BASE_URL + "/"):
        prefix = settings.BASE_URL + reverse("federation_actor", args=["x"])[:-1]
        username = resource.removeprefix(prefix) if resource.startswith(prefix) else ""
        if not username or "/" in username:
            return _webfinger_error(_("Ce compte n'est pas sur ce serveur."), 404)
    else:
        return _webfinger_error(
            _("Paramètre « resource » attendu, de la forme acct:nom@%(host)s.")
            % {"host": activities.host()},
            400,
        )
    actor = actor_find(username=username)
    if actor is None:
        return _webfinger_error(_("Ce compte n'est pas sur ce serveur."), 404)
    ident = activities.actor_id(actor)
    document = {
        "subject": f"acct:{actor.username}@{activities.host()}",
        "aliases": [ident, activities.actor_profile_url(actor)],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": ident},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": activities.actor_profile_url(actor),
            },
        ],
    }
    response = JsonResponse(document, content_type=JRD)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _webfinger_error(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def nodeinfo_links(request: HttpRequest) -> JsonResponse:
    href = settings.BASE_URL + reverse("federation_nodeinfo")
    return JsonResponse(
        {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": href}]}
    )


@require_GET
def nodeinfo(request: HttpRequest) -> JsonResponse:
    document = {
        "version": "2.0",
        "software": {"name": "parvis", "version": getattr(parvis, "__version__", "0")},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {
            "users": {"total": Actor.objects.count()},
            "localPosts": selectors.local_posts_count(),
        },
        "metadata": {"nodeName": getattr(settings, "WAGTAIL_SITE_NAME", "")},
    }
    return JsonResponse(
        document,
        content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"',
    )


@require_GET
def actor_view(request: HttpRequest, username: str) -> HttpResponse:
    actor = _actor_or_404(username)
    if not _wants_activity(request):
        return HttpResponseRedirect(activities.actor_profile_url(actor))
    return _activity_response(activities.actor_document(actor))


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(raw)
    return int(raw)


def _outbox_item(page: ActualitePage, actor: Actor, city: Actor) -> dict[str, Any]:
    obj = activities.page_object(page, city)
    if actor.pk == city.pk:
        return activities.wrap("Create", obj, city, suffix="create")
    return activities.announce(obj, actor, suffix="announce")


@require_GET
def outbox_view(request: HttpRequest, username: str) -> HttpResponse:
    """The actor's publications, newest first, as an OrderedCollection in pages."""
    actor = _actor_or_404(username)
    base = settings.BASE_URL + reverse("federation_outbox", args=[actor.username])
    pages = selectors.actor_pages(actor)
    try:
        number = _page_number(request)
    except ValueError:
        return _error(_("Numéro de page invalide."), 400)
    paginator = Paginator(pages, activities.PAGE_SIZE)
    if number is None:
        return _activity_response(
            {
                "@context": activities.AS_CONTEXT,
                "id": base,
                "type": "OrderedCollection",
                "totalItems": paginator.count,
                "first": f"{base}?page=1",
                "last": f"{base}?page={paginator.num_pages}",
            }
        )
    if number > paginator.num_pages:
        return _error(_("Cette page n'existe pas."), 404)
    page = paginator.page(number)
    city = city_actor()
    document: dict[str, Any] = {
        "@context": activities.AS_CONTEXT,
        "id": f"{base}?page={number}",
        "type": "OrderedCollectionPage",
        "partOf": base,
        "totalItems": paginator.count,
        "orderedItems": [_outbox_item(item, actor, city) for item in page.object_list],
    }
    if page.has_next():
        document["next"] = f"{base}?page={number + 1}"
    if page.has_previous():
        document["prev"] = f"{base}?page={number - 1}"
    return _activity_response(document)


@require_GET
def followers_view(request: HttpRequest, username: str) -> HttpResponse:
    """How many follow the actor: a count only, never who."""
    actor = _actor_or_404(username)
    return _activity_response(
        {
            "@context": activities.AS_CONTEXT,
            "id": activities.followers_url(actor),
            "type": "OrderedCollection",
            "totalItems": selectors.followers_count(actor),
        }
    )


@require_GET
def object_view(request: HttpRequest, page_id: int) -> HttpResponse:
    page = ActualitePage.objects.live().public().filter(pk=page_id).first()
    if page is None:
        if not ActualitePage.objects.filter(pk=page_id).exists():
            raise Http404
        tombstone = {"@context": activities.AS_CONTEXT, "id": activities.object_id(page_id)}
        return _activity_response({**tombstone, "type": "Tombstone"}, status=410)
    if not _wants_activity(request):
        return HttpResponseRedirect(page.full_url or page.url)
    document = activities.page_object(page, city_actor())
    return _activity_response({"@context": activities.AS_CONTEXT, **document})


@csrf_exempt
@require_http_methods(["POST"])
@public_write("federation.inbox", style="json")
def inbox_view(request: HttpRequest, username: str) -> HttpResponse:
    """Receive a signed activity: ``Follow`` and ``Undo`` of it are acted upon, others ignored."""
    actor = _actor_or_404(username)
    if request.content_type not in _AP_TYPES:
        return _error(
            _("Envoyez une activité ActivityPub (Content-Type: application/activity+json)."), 415
        )
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers.setdefault("host", request.get_host())
    try:
        outcome = inbox_receive(
            actor=actor,
            method=request.method or "POST",
            path=request.get_full_path(),
            headers=headers,
            body=request.body,
        )
    except InboxRefused as error:
        return JsonResponse({"error": error.message, "code": error.code}, status=error.status_code)
    return JsonResponse({"status": outcome}, status=202)


def profile(request: HttpRequest, username: str) -> HttpResponse:
    """The human page of an actor: who it is, how to follow it, what it published lately."""
    actor = _actor_or_404(username)
    if _wants_activity(request):
        return _activity_response(activities.actor_document(actor))
    paginator = Paginator(selectors.actor_pages(actor), 20)
    page_obj = paginator.get_page(request.GET.get("page"))
    context = {
        "actor": actor,
        "name": activities.actor_name(actor),
        "handle": f"@{actor.username}@{activities.host()}",
        "followers": selectors.followers_count(actor),
        "page_obj": page_obj,
        "actor_url": activities.actor_id(actor),
    }
    return render(request, "federation/profile.html", context)
