"""Demo groups for `parvis demo`: invented names in Nantes quartiers, with upcoming events.

The events are stored as if their feeds had been read (the demo has no network): when the
worker later tries to read the invented feeds, they fail and keep these events, as a real
failing feed would.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from parvis.content.models import Quartier, Theme
from parvis.core.models import AddressConfirmation
from parvis.networks.models import Feed, Group
from parvis.networks.parsing import PARIS, ParsedEvent
from parvis.networks.reader import FeedOutcome, FeedRequest
from parvis.networks.services import feed_store

DEMO_FILE = Path(__file__).parent / "demo" / "groupes.toml"


def _occurrences(spec: dict, today: dt.date) -> list[ParsedEvent]:
    first = today + dt.timedelta(days=1)
    first += dt.timedelta(days=(spec["weekday"] - first.weekday()) % 7)
    events = []
    for week in range(spec.get("weeks", 1)):
        day = first + dt.timedelta(weeks=week)
        start = dt.datetime.combine(day, dt.time(spec["hour"], spec["minute"]), tzinfo=PARIS)
        events.append(
            ParsedEvent(
                title=spec["title"],
                start=start,
                end=start + dt.timedelta(hours=2),
                uid=f"demo-{spec['title']}-{day.isoformat()}",
                location=spec.get("place", ""),
            )
        )
    return events


def networks_demo_load() -> int:
    """Create the demo groups (published) and their events; returns how many were created."""
    data = tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))
    created = 0
    today = timezone.localdate()
    for spec in data["groupe"]:
        with transaction.atomic():
            group, new = Group.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "kind": spec["kind"],
                    "description": spec["description"],
                    "join_url": spec["join_url"],
                    "contact_email": f"{spec['slug']}@demo.parvis.invalid",
                    "status": Group.Status.APPROVED,
                    "moderated_at": timezone.now(),
                },
            )
            if not new:
                continue
            created += 1
            group.quartiers.set(Quartier.objects.filter(slug__in=spec.get("quartiers", [])))
            group.themes.set(Theme.objects.filter(slug__in=spec.get("themes", [])))
            AddressConfirmation.objects.get_or_create(
                recipient=group.contact_email,
                subject=group.confirmation_subject,
                defaults={"confirmed_at": timezone.now()},
            )
        if spec.get("feed"):
            feed = Feed.objects.create(group=group, url=spec["feed"], kind=spec["feed_kind"])
            events = [e for item in spec.get("events", []) for e in _occurrences(item, today)]
            request = FeedRequest(feed_id=feed.pk, url=feed.url, kind=feed.kind)
            feed_store(outcome=FeedOutcome(request, events=events))
    return created
