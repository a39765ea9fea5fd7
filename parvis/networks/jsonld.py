"""schema.org JSON-LD: Organization for a group, Event for each agenda item."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from parvis.core.text import html_to_text
from parvis.networks.models import Group
from parvis.networks.selectors import AgendaItem


def _absolute(request: HttpRequest | None, path: str) -> str:
    if not path or path.startswith(("http://", "https://")) or request is None:
        return path
    return request.build_absolute_uri(path)


def organization(group: Group, request: HttpRequest | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": group.name,
        "description": group.description,
        "url": _absolute(request, group.get_absolute_url()),
        "sameAs": [group.join_url],
    }
    quartiers = [q.name for q in group.quartiers.all()]
    if quartiers:
        data["areaServed"] = [{"@type": "Place", "name": name} for name in quartiers]
    return data


def event(item: AgendaItem, request: HttpRequest | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": item.title,
        "startDate": item.start.date().isoformat() if item.all_day else item.start.isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
    }
    if item.end:
        data["endDate"] = item.end.date().isoformat() if item.all_day else item.end.isoformat()
    if item.description:
        data["description"] = html_to_text(item.description)[:500]
    if item.url:
        data["url"] = _absolute(request, item.url)
    if item.location or item.lieu_title:
        place: dict[str, Any] = {"@type": "Place", "name": item.lieu_title or item.location}
        if item.location:
            place["address"] = item.location
        if item.lieu_url:
            place["url"] = _absolute(request, item.lieu_url)
        data["location"] = place
    if item.group_name:
        data["organizer"] = {
            "@type": "Organization",
            "name": item.group_name,
            "url": _absolute(request, item.group_url),
        }
    return data
