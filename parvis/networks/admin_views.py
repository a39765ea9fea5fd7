"""Back office: moderators approve groups, mute feeds and hide events."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.networks.models import Event, Feed, Group
from parvis.networks.permissions import can_moderate
from parvis.networks.selectors import (
    events_for_moderation,
    feeds_for_moderation,
    groups_for_moderation,
)
from parvis.networks.services import GroupInvalid, event_hide, feed_mute, group_moderate


def _require_moderator(request: HttpRequest) -> None:
    if not can_moderate(request.user):
        raise PermissionDenied


def groups(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    status = request.GET.get("status", Group.Status.PROPOSED)
    if status not in Group.Status.values:
        status = Group.Status.PROPOSED
    page = Paginator(groups_for_moderation(status=status), 30).get_page(request.GET.get("p"))
    context = {"page_obj": page, "status": status, "statuses": Group.Status.choices}
    return render(request, "networks/admin/groups.html", context)


@require_POST
def group_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_moderator(request)
    group = get_object_or_404(Group, pk=pk)
    if action not in ("approve", "reject"):
        raise PermissionDenied
    try:
        group_moderate(
            group=group,
            approve=action == "approve",
            user=request.user,
            note=request.POST.get("note", ""),
        )
    except GroupInvalid as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Groupe publié.") if action == "approve" else _("Groupe refusé.")
        )
    return redirect("networks_admin:groups")


def feeds(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    page = Paginator(feeds_for_moderation(), 50).get_page(request.GET.get("p"))
    return render(request, "networks/admin/feeds.html", {"page_obj": page})


@require_POST
def feed_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_moderator(request)
    if action not in ("mute", "unmute"):
        raise PermissionDenied
    feed_mute(feed=get_object_or_404(Feed, pk=pk), muted=action == "mute", user=request.user)
    messages.success(
        request, _("Flux mis en sourdine.") if action == "mute" else _("Flux rétabli.")
    )
    return redirect("networks_admin:feeds")


def events(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    page = Paginator(events_for_moderation(), 50).get_page(request.GET.get("p"))
    return render(request, "networks/admin/events.html", {"page_obj": page})


@require_POST
def event_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_moderator(request)
    if action not in ("hide", "show"):
        raise PermissionDenied
    event_hide(event=get_object_or_404(Event, pk=pk), hidden=action == "hide", user=request.user)
    messages.success(
        request, _("Événement masqué.") if action == "hide" else _("Événement rétabli.")
    )
    return redirect("networks_admin:events")
