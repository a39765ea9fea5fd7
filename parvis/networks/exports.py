"""Every agenda view as iCalendar and as RSS/Atom, with UIDs that stay the same across reads."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed as SyndicationFeed
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parvis.core.text import html_to_text
from parvis.networks.selectors import AgendaItem, agenda_items
from parvis.networks.views import agenda_scope

EXPORT_DAYS_PAST = 7
EXPORT_DAYS_AHEAD = 180


def _scope(request: HttpRequest, kind: str, slug: str | None):  # noqa: ANN202
    today = timezone.localdate()
    return agenda_scope(
        request,
        **({kind: slug} if kind else {}),
        start=today - dt.timedelta(days=EXPORT_DAYS_PAST),
        end=today + dt.timedelta(days=EXPORT_DAYS_AHEAD),
    )


def _absolute(request: HttpRequest, url: str) -> str:
    return (
        url
        if url.startswith(("http://", "https://")) or not url
        else request.build_absolute_uri(url)
    )


def calendar_bytes(items: list[AgendaItem], *, title: str, request: HttpRequest) -> bytes:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Parvis//Agenda des quartiers//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    stamp = timezone.now().replace(microsecond=0)
    for item in items:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        if item.all_day:
            event.add("dtstart", item.start.astimezone(timezone.get_current_timezone()).date())
            if item.end:
                event.add("dtend", item.end.astimezone(timezone.get_current_timezone()).date())
        else:
            event.add("dtstart", item.start.astimezone(dt.UTC))
            if item.end and item.end > item.start:
                event.add("dtend", item.end.astimezone(dt.UTC))
        if item.description:
            event.add("description", html_to_text(item.description)[:2000])
        location = item.lieu_title or item.location
        if item.lieu_title and item.location and item.location != item.lieu_title:
            location = f"{item.lieu_title}, {item.location}"
        if location:
            event.add("location", location)
        link = item.url or item.group_url
        if link:
            event.add("url", _absolute(request, link))
        if item.group_name:
            event.add("categories", [item.group_name])
        calendar.add_component(event)
    return calendar.to_ical()


@require_GET
def agenda_ics(request: HttpRequest, kind: str = "", slug: str | None = None) -> HttpResponse:
    scope, title = _scope(request, kind, slug)
    body = calendar_bytes(agenda_items(scope), title=title, request=request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response


class AgendaRss(SyndicationFeed):
    """The agenda as RSS; ``AgendaAtom`` as Atom. Items are the events, by start."""

    def get_object(self, request: HttpRequest, kind: str = "", slug: str | None = None):  # noqa: ANN201
        self.request = request
        scope, title = _scope(request, kind, slug)
        return {"items": agenda_items(scope), "title": title, "path": request.path}

    def title(self, obj: dict) -> str:
        return obj["title"]

    def link(self, obj: dict) -> str:
        return obj["path"].rsplit("/", 2)[0] + "/"

    def description(self, obj: dict) -> str:
        return _("Les événements des groupes du quartier et de la Ville.")

    def items(self, obj: dict) -> list[AgendaItem]:
        return obj["items"][:500]

    def item_title(self, item: AgendaItem) -> str:
        when = timezone.localtime(item.start).strftime(
            "%d/%m/%Y" if item.all_day else "%d/%m/%Y %H:%M"
        )
        return f"{when} — {item.title}"

    def item_description(self, item: AgendaItem) -> str:
        parts = [html_to_text(item.description)[:1000]] if item.description else []
        if item.lieu_title or item.location:
            parts.append(_("Lieu : %(place)s") % {"place": item.lieu_title or item.location})
        if item.group_name:
            parts.append(_("Proposé par %(group)s") % {"group": item.group_name})
        return "\n".join(parts)

    def item_link(self, item: AgendaItem) -> str:
        return item.url or item.group_url or "/agenda/"

    def item_guid(self, item: AgendaItem) -> str:
        return item.uid

    item_guid_is_permalink = False

    def item_pubdate(self, item: AgendaItem) -> dt.datetime:
        return item.start

    def item_updateddate(self, item: AgendaItem) -> dt.datetime:
        return item.start


class AgendaAtom(AgendaRss):
    feed_type = Atom1Feed
    subtitle = AgendaRss.description
