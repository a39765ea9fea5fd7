"""Fixtures of the networks tests: a feed server on loopback, groups, calendars."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from parvis.content.models import Quartier, Theme
from parvis.core.models import AddressConfirmation
from parvis.core.tests.loopback_http import LoopbackServer
from parvis.networks.models import Feed, Group

PARIS = ZoneInfo("Europe/Paris")
_counter = itertools.count()


@pytest.fixture(scope="module")
def feed_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _loopback_feeds_allowed(settings) -> None:  # noqa: ANN001 — pytest-django
    """The feeds of these tests are served on 127.0.0.1 (the guard's own tests refuse it)."""
    settings.PARVIS_FETCH_ALLOW_LOOPBACK = True


@pytest.fixture
def doulon() -> Quartier:
    return Quartier.objects.get(slug="doulon-bottiere")


@pytest.fixture
def sport() -> Theme:
    return Theme.objects.get(slug="sport")


@pytest.fixture
def make_group(doulon: Quartier, sport: Theme) -> Callable[..., Group]:
    """A published group whose contact confirmed the address, with the given feeds."""

    def make(name: str = "", feeds: tuple[tuple[str, str], ...] = (), **fields: object) -> Group:
        n = next(_counter)
        group = Group.objects.create(
            name=name or f"Groupe test {n}",
            slug=f"groupe-test-{n}",
            description=fields.pop("description", "Un groupe de test."),
            kind=fields.pop("kind", Group.Kind.ASSOCIATION),
            join_url="https://groupe.example/rejoindre",
            contact_email=f"contact{n}@groupe.example",
            status=fields.pop("status", Group.Status.APPROVED),
            **fields,
        )
        group.quartiers.set([doulon])
        group.themes.set([sport])
        AddressConfirmation.objects.create(
            recipient=group.contact_email,
            subject=group.confirmation_subject,
            confirmed_at=timezone.now(),
        )
        for url, kind in feeds:
            Feed.objects.create(group=group, url=url, kind=kind)
        return group

    return make


def next_weekday(weekday: int, hour: int, minute: int = 0) -> dt.datetime:
    """The next ``weekday`` (0 = Monday) at least two days ahead, at a Paris time."""
    today = timezone.localdate() + dt.timedelta(days=2)
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def weekly_ics(
    *, uid: str, title: str, first: dt.datetime, weeks: int = 6, location: str = ""
) -> bytes:
    """A calendar with one weekly event (Paris time, with its VTIMEZONE)."""
    local = first.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")
    end = (first + dt.timedelta(hours=2)).astimezone(PARIS).strftime("%Y%m%dT%H%M%S")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Club test//FR",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Paris",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SUMMARY:{title}",
        f"DTSTART;TZID=Europe/Paris:{local}",
        f"DTEND;TZID=Europe/Paris:{end}",
        f"RRULE:FREQ=WEEKLY;COUNT={weeks}",
        f"LOCATION:{location}",
        "URL:https://club.example/agenda",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def rss(*items: tuple[str, dt.datetime, str]) -> bytes:
    """An RSS 2.0 feed whose items carry event dates (``ev:startdate``)."""
    body = "".join(
        f"<item><title>{title}</title><link>https://jardin.example/{n}</link>"
        f"<guid>https://jardin.example/{n}</guid><ev:startdate>{start.isoformat()}</ev:startdate>"
        f"<ev:location>{place}</ev:location><description>&lt;p&gt;{title}&lt;/p&gt;</description>"
        f"<pubDate>{start.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
        for n, (title, start, place) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"><channel>'
        "<title>Jardin</title><link>https://jardin.example/</link><description>x</description>"
        f"{body}</channel></rss>"
    ).encode()
