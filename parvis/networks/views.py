"""Residents' pages: the directory of groups, proposing and updating a group, the agendas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parvis.content.models import Quartier, Theme
from parvis.core.views import secret_link_page
from parvis.core.writes import public_write
from parvis.networks import jsonld
from parvis.networks.forms import AgendaForm, EditLinkForm, GroupForm, ProposeForm
from parvis.networks.selectors import (
    AgendaFilter,
    agenda_default_range,
    agenda_items,
    group_get_public,
    groups_public,
)
from parvis.networks.services import (
    GroupInvalid,
    GroupLinkInvalid,
    group_edit_check,
    group_edit_link_request,
    group_propose,
    group_update,
)

GROUPS_PER_PAGE = 20
EVENTS_PER_PAGE = 30


def _quartier(slug: str | None) -> Quartier | None:
    return None if slug is None else get_object_or_404(Quartier, slug=slug, live=True)


def _theme(slug: str | None) -> Theme | None:
    return None if slug is None else get_object_or_404(Theme, slug=slug, live=True)


def _taxonomy() -> dict[str, Any]:
    return {
        "quartiers": Quartier.objects.filter(live=True),
        "themes": Theme.objects.filter(live=True),
    }


# ---------------------------------------------------------------- directory


@require_GET
def groups_list(
    request: HttpRequest, quartier: str | None = None, theme: str | None = None
) -> HttpResponse:
    quartier_obj, theme_obj = _quartier(quartier), _theme(theme)
    q = request.GET.get("q", "").strip()[:100]
    groups = groups_public(quartier=quartier_obj, theme=theme_obj, q=q)
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "quartier": quartier_obj,
        "theme": theme_obj,
        "q": q,
        **_taxonomy(),
    }
    return render(request, "networks/groups_list.html", context)


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = group_get_public(slug=slug)
    if group is None:
        raise Http404
    start, end = agenda_default_range()
    items = agenda_items(AgendaFilter(start=start, end=end, group=group))
    context = {
        "group": group,
        "items": items[:EVENTS_PER_PAGE],
        "more_items": len(items) > EVENTS_PER_PAGE,
        "jsonld": [jsonld.organization(group, request)],
        "edit_form": EditLinkForm(),
    }
    return render(request, "networks/group_detail.html", context)


# ---------------------------------------------------------------- propose and update


def _group_fields(form: GroupForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "description": data["description"],
        "kind": data["kind"],
        "join_url": data["join_url"],
        "quartiers": data["quartiers"],
        "themes": data["themes"],
        "feeds": data["feeds"],
    }


@public_write("networks.propose")
@require_http_methods(["GET", "POST"])
def group_propose_view(request: HttpRequest) -> HttpResponse:
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group_propose(**_group_fields(form), contact_email=form.cleaned_data["contact_email"])
        except GroupInvalid as error:
            form.add_error(None, error.message)
        else:
            return redirect("networks:proposed")
    status = 400 if request.method == "POST" else 200
    return render(request, "networks/group_propose.html", {"form": form}, status=status)


@require_GET
def group_proposed(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/group_proposed.html")


@public_write("networks.edit_link")
@require_http_methods(["POST"])
def group_edit_request(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for the update link; the answer is the same whoever asks (it reveals no address)."""
    group = group_get_public(slug=slug)
    if group is None:
        raise Http404
    form = EditLinkForm(request.POST)
    if not form.is_valid():
        context = {"group": group, "form": form}
        return render(request, "networks/group_edit_request.html", context, status=400)
    group_edit_link_request(group=group, email=form.cleaned_data["email"])
    return render(request, "networks/group_edit_request.html", {"group": group, "sent": True})


@secret_link_page
@public_write("networks.edit")
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, token: str) -> HttpResponse:
    try:
        group = group_edit_check(token=token)
    except GroupLinkInvalid as error:
        return render(request, "networks/group_edit.html", {"error": error.message}, status=400)
    if request.method == "POST":
        form = GroupForm(request.POST)
        if form.is_valid():
            try:
                group = group_update(token=token, **_group_fields(form))
            except GroupLinkInvalid as error:
                context = {"error": error.message}
                return render(request, "networks/group_edit.html", context, status=400)
            except GroupInvalid as error:
                form.add_error(None, error.message)
            else:
                return render(request, "networks/group_edit.html", {"group": group, "done": True})
        return render(
            request, "networks/group_edit.html", {"group": group, "form": form}, status=400
        )
    initial = {
        "name": group.name,
        "kind": group.kind,
        "description": group.description,
        "join_url": group.join_url,
        "quartiers": list(group.quartiers.all()),
        "themes": list(group.themes.all()),
        "feeds": "\n".join(group.feeds.values_list("url", flat=True)),
    }
    form = GroupForm(initial=initial)
    return render(request, "networks/group_edit.html", {"group": group, "form": form})


# ---------------------------------------------------------------- agendas


def agenda_scope(
    request: HttpRequest | None,
    *,
    quartier: str | None = None,
    theme: str | None = None,
    group: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[AgendaFilter, str]:
    """The filter and title of an agenda view (global, a quartier, a theme, a group)."""
    default_start, default_end = agenda_default_range()
    group_obj = None
    if group is not None:
        group_obj = group_get_public(slug=group)
        if group_obj is None:
            raise Http404
    agenda = AgendaFilter(
        start=start or default_start,
        end=end or default_end,
        quartier=_quartier(quartier),
        theme=_theme(theme),
        group=group_obj,
    )
    if agenda.group is not None:
        title = _("Agenda de %(name)s") % {"name": agenda.group.name}
    elif agenda.quartier is not None:
        title = _("Agenda du quartier %(name)s") % {"name": agenda.quartier.name}
    elif agenda.theme is not None:
        title = _("Agenda : %(name)s") % {"name": agenda.theme.name}
    else:
        title = _("Agenda des quartiers")
    return agenda, title


@require_GET
def agenda(
    request: HttpRequest, quartier: str | None = None, theme: str | None = None
) -> HttpResponse:
    form = AgendaForm(request.GET or None)
    start = end = None
    theme_slug = theme
    status = 200
    if form.is_bound:
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            if start and not end:
                end = start + dt.timedelta(days=60)
            theme_slug = theme or form.cleaned_data["theme"] or None
        else:
            status = 400
    if theme_slug and not Theme.objects.filter(slug=theme_slug, live=True).exists():
        theme_slug = None
        form.add_error("theme", _("Ce thème n'existe pas."))
        status = 400
    scope, title = agenda_scope(request, quartier=quartier, theme=theme_slug, start=start, end=end)
    items = agenda_items(scope)
    page = Paginator(items, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    if quartier:
        exports = {"kind": "quartier", "slug": quartier}
    elif theme:
        exports = {"kind": "theme", "slug": theme}
    else:
        exports = {"kind": "", "slug": ""}
    context = {
        "form": form,
        "scope": scope,
        "title": title,
        "page_obj": page,
        "exports": exports,
        "today": timezone.localdate(),
        "jsonld": [jsonld.event(item, request) for item in page],
        **_taxonomy(),
    }
    return render(request, "networks/agenda.html", context, status=status)
