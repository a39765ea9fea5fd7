"""Read a feed's bytes into events: iCalendar, RSS/Atom and ActivityPub outboxes.

Pure functions, no database and no network: the reader fetches with ``core.safehttp`` and hands
the bytes here (feedparser is never allowed to fetch anything itself). What comes out is plain
text (titles, places) or sanitised HTML (descriptions, through nh3), with aware datetimes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import nh3
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

from parvis.core.errors import ParvisError

PARIS = ZoneInfo("Europe/Paris")
MAX_EVENTS_PER_FEED = 500
MAX_TITLE = 300
MAX_DESCRIPTION = 5000
ALLOWED_TAGS = {"p", "br", "a", "ul", "ol", "li", "strong", "em", "b", "i", "blockquote"}


class FeedInvalid(ParvisError):
    """The feed could not be read (malformed, hostile, or not what it claims to be)."""


@dataclass(frozen=True)
class ParsedEvent:
    title: str
    start: dt.datetime
    end: dt.datetime | None = None
    all_day: bool = False
    uid: str = ""
    description: str = ""
    location: str = ""
    url: str = ""

    @property
    def dedup_key(self) -> str:
        """One key per occurrence: its UID and start, else its title, start and place."""
        start = self.start.astimezone(dt.UTC).isoformat()
        if self.uid:
            raw = f"uid|{self.uid}|{start}"
        else:
            raw = f"k|{normalise(self.title)}|{start}|{normalise(self.location)}"
        return hashlib.sha256(raw.encode()).hexdigest()


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: for comparing titles and places."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def identifier(value: object) -> str:
    """A UID as the feed gave it, without control characters (PostgreSQL refuses NUL)."""
    return "".join(c for c in str(value or "") if c.isprintable())[:500]


def plain_text(value: object, limit: int = MAX_TITLE) -> str:
    """Text without any markup (a title, a place)."""
    text = html.unescape(nh3.clean(str(value or ""), tags=set()))
    return " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())[:limit]


def safe_html(value: object) -> str:
    """A description as sanitised HTML: a few tags, links only http(s), never a script."""
    cleaned = nh3.clean(
        str(value or "")[: MAX_DESCRIPTION * 4],
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    return cleaned.replace("\x00", "")[:MAX_DESCRIPTION]


def safe_url(value: object) -> str:
    url = str(value or "").strip()
    return url[:1000] if re.match(r"^https?://[^\s]+$", url, re.IGNORECASE) else ""


def _aware(value: dt.datetime | dt.date) -> tuple[dt.datetime, bool]:
    """An aware datetime (floating times are Paris time) and whether it was a whole day."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=PARIS), False
        return value, False
    return dt.datetime.combine(value, dt.time.min, tzinfo=PARIS), True


# ---------------------------------------------------------------- iCalendar


def parse_ical(
    data: bytes, *, window_start: dt.datetime, window_end: dt.datetime
) -> list[ParsedEvent]:
    """Every occurrence between the window's bounds, recurring events expanded."""
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    try:
        calendar = icalendar.Calendar.from_ical(data)
        calendar = x_wr_timezone.to_standard(calendar)
        occurrences = recurring_ical_events.of(calendar).between(window_start, window_end)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise FeedInvalid(
            _("Cet agenda iCalendar est illisible (%(error)s).") % {"error": type(error).__name__},
            code="ical",
        ) from None
    events: list[ParsedEvent] = []
    for occurrence in occurrences:
        if len(events) >= MAX_EVENTS_PER_FEED:
            break
        if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if str(occurrence.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL"):
            continue  # the city only relays what is public
        start_prop = occurrence.get("DTSTART")
        if start_prop is None:
            continue
        start, all_day = _aware(start_prop.dt)
        end = None
        end_prop = occurrence.get("DTEND")
        if end_prop is not None:
            end, _whole = _aware(end_prop.dt)
        title = plain_text(occurrence.get("SUMMARY", "")) or _("Sans titre")
        events.append(
            ParsedEvent(
                title=title,
                start=start,
                end=end,
                all_day=all_day,
                uid=identifier(occurrence.get("UID", "")),
                description=safe_html(occurrence.get("DESCRIPTION", "")),
                location=plain_text(occurrence.get("LOCATION", "")),
                url=safe_url(occurrence.get("URL", "")),
            )
        )
    return events


# ---------------------------------------------------------------- RSS / Atom


def xml_check(data: bytes) -> None:
    """Refuse hostile XML (any DTD, so entity expansion and external entities) before parsing."""
    try:
        # No feed needs a DTD; refusing them all also refuses external DTDs and entities.
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FeedInvalid(
            _("Ce flux contient des déclarations XML interdites (DTD, entités)."),
            code="hostile_xml",
        ) from None
    except SafeET.ParseError:
        raise FeedInvalid(_("Ce flux n'est pas du XML valable."), code="xml") from None


def _struct_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime(*value[:6], tzinfo=dt.UTC)


def _iso(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return _aware(parsed)[0]


def parse_syndication(data: bytes) -> list[ParsedEvent]:
    """RSS or Atom entries: the event start is ``ev:startdate`` when given, else the date."""
    import feedparser

    xml_check(data)
    # A stream, never a string: feedparser fetches a string that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=False)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedInvalid(_("Ce flux RSS ou Atom est illisible."), code="feed")
    events: list[ParsedEvent] = []
    for entry in parsed.entries[:MAX_EVENTS_PER_FEED]:
        start = _iso(entry.get("ev_startdate")) or _struct_time(
            entry.get("published_parsed") or entry.get("updated_parsed")
        )
        if start is None:
            continue
        content = entry.get("content") or []
        body = content[0].get("value", "") if content else entry.get("summary", "")
        events.append(
            ParsedEvent(
                title=plain_text(entry.get("title", "")) or _("Sans titre"),
                start=start,
                end=_iso(entry.get("ev_enddate")),
                uid=identifier(entry.get("id", "")),
                description=safe_html(body),
                location=plain_text(entry.get("ev_location", "")),
                url=safe_url(entry.get("link", "")),
            )
        )
    return events


# ---------------------------------------------------------------- ActivityPub


def activitypub_page(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise FeedInvalid(_("Cette réponse ActivityPub n'est pas du JSON."), code="json") from None
    if not isinstance(document, dict):
        raise FeedInvalid(_("Cette réponse ActivityPub n'est pas un objet."), code="json")
    return document


def activitypub_items(page: dict[str, Any]) -> list[Any]:
    items = page.get("orderedItems", page.get("items", []))
    return items if isinstance(items, list) else []


def _location(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return plain_text(value)
    if not isinstance(value, dict):
        return ""
    parts = [value.get("name", "")]
    address = value.get("address")
    if isinstance(address, dict):
        parts += [address.get("streetAddress", ""), address.get("addressLocality", "")]
    elif isinstance(address, str):
        parts.append(address)
    return plain_text(", ".join(p for p in parts if isinstance(p, str) and p))


def _link(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("href", "")
    return safe_url(value)


def parse_activitypub(items: Iterable[Any]) -> list[ParsedEvent]:
    """``Event`` objects (Mobilizon) and ``Note`` objects (Mastodon posts), bare or in a Create."""
    events: list[ParsedEvent] = []
    for item in items:
        if len(events) >= MAX_EVENTS_PER_FEED:
            break
        obj = (
            item.get("object") if isinstance(item, dict) and item.get("type") == "Create" else item
        )
        if not isinstance(obj, dict) or obj.get("type") not in ("Event", "Note"):
            continue
        if obj.get("type") == "Event":
            start = _iso(obj.get("startTime"))
            end = _iso(obj.get("endTime"))
            title = plain_text(obj.get("name", ""))
        else:
            start = _iso(obj.get("published"))
            end = None
            title = plain_text(obj.get("name") or obj.get("summary") or obj.get("content"), 120)
        if start is None:
            continue
        events.append(
            ParsedEvent(
                title=title or _("Sans titre"),
                start=start,
                end=end,
                uid=identifier(obj.get("id", "")),
                description=safe_html(obj.get("content", "")),
                location=_location(obj.get("location")),
                url=_link(obj.get("url")) or safe_url(obj.get("id")),
            )
        )
    return events
