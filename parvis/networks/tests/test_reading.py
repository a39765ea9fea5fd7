"""The worker reads groups' feeds over real HTTP (loopback): events stored, deduplicated, kept
when a feed fails, hidden or muted by moderators; one bad feed never blocks the others."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from parvis.content.models import LieuPage
from parvis.core.tests.loopback_http import LoopbackServer, Reply
from parvis.networks.models import Event, Feed, Group
from parvis.networks.reader import ReadOptions
from parvis.networks.selectors import AgendaFilter, agenda_items
from parvis.networks.services import feeds_read
from parvis.networks.tests.conftest import PARIS, next_weekday, rss, weekly_ics

pytestmark = pytest.mark.django_db


def _agenda(group: Group | None = None) -> list:
    today = timezone.localdate()
    return agenda_items(AgendaFilter(start=today, end=today + dt.timedelta(days=60), group=group))


def test_an_ical_feed_with_a_weekly_event_is_expanded_and_placed(
    feed_server: LoopbackServer, make_group
) -> None:
    first = next_weekday(2, 18, 30)
    url = feed_server.route(
        "/r/weekly.ics",
        Reply(
            body=weekly_ics(
                uid="entrainement@esvd.example",
                title="Entraînement des 6-15 ans",
                first=first,
                weeks=4,
                location="Maison de quartier de Doulon, 1 rue de la Basse-Chênaie",
            ),
            headers={"Content-Type": "text/calendar", "ETag": '"w1"'},
        ),
    )
    group = make_group(feeds=((url, Feed.Kind.ICAL),))
    counts = feeds_read(feeds=group.feeds.all())
    assert counts == {"read": 1, "failed": 0, "not_modified": 0, "events": 4}
    events = list(Event.objects.filter(group=group).order_by("start"))
    assert [e.start.astimezone(PARIS).time() for e in events] == [dt.time(18, 30)] * 4
    assert [(e.start - events[0].start).days for e in events] == [0, 7, 14, 21]
    lieu = LieuPage.objects.get(title="Maison de quartier de Doulon")
    assert {e.lieu_id for e in events} == {lieu.pk}
    feed = group.feeds.get()
    assert feed.etag == '"w1"' and feed.last_success_at and not feed.last_error


def test_conditional_get_keeps_events_when_nothing_changed(
    feed_server: LoopbackServer, make_group
) -> None:
    body = rss(("Chantier collectif", next_weekday(5, 10), "Jardin des Bourderies"))

    def conditional(handler) -> Reply:  # noqa: ANN001
        if handler.headers.get("If-None-Match") == '"j1"':
            return Reply(status=304, headers={"ETag": '"j1"'})
        return Reply(body=body, headers={"ETag": '"j1"', "Content-Type": "application/rss+xml"})

    url = feed_server.route("/r/cond.rss", conditional)
    group = make_group(feeds=((url, Feed.Kind.RSS),))
    assert feeds_read(feeds=group.feeds.all())["events"] == 1
    second = feeds_read(feeds=group.feeds.all())
    assert second["not_modified"] == 1
    assert feed_server.requests[-1][1]["If-None-Match"] == '"j1"'
    assert Event.objects.filter(group=group).count() == 1


def test_a_failing_feed_keeps_its_last_good_events_and_says_when_it_was_read(
    client, feed_server: LoopbackServer, make_group
) -> None:
    body = rss(("Repair café", next_weekday(3, 14), "Médiathèque Floresca-Guépin"))
    feed_server.route("/r/flaky.rss", Reply(body=body))
    group = make_group(feeds=((feed_server.url("/r/flaky.rss"), Feed.Kind.RSS),))
    feeds_read(feeds=group.feeds.all())
    feed_server.route("/r/flaky.rss", Reply(status=500, body=b"down"))
    counts = feeds_read(feeds=group.feeds.all())
    assert counts["failed"] == 1
    feed = group.feeds.get()
    assert "500" in feed.last_error and feed.consecutive_failures == 1
    assert feed.last_read_at > feed.last_success_at
    assert [i.title for i in _agenda(group)] == ["Repair café"]
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Repair café" in page and "en échec" in page


def test_hostile_and_broken_feeds_are_errors_not_crashes(
    feed_server: LoopbackServer, make_group
) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title>'
        b"</channel></rss>"
    )
    feeds = (
        (feed_server.route("/r/laughs.rss", Reply(body=laughs)), Feed.Kind.RSS),
        (feed_server.route("/r/garbage.ics", Reply(body=b"\x00garbage")), Feed.Kind.ICAL),
        (feed_server.route("/r/notjson", Reply(body=b"<html>")), Feed.Kind.ACTIVITYPUB),
        (feed_server.route("/r/big.rss", Reply(body=b"x" * 50_000)), Feed.Kind.RSS),
    )
    group = make_group(feeds=feeds)
    counts = feeds_read(feeds=group.feeds.all(), options=ReadOptions(max_bytes=20_000))
    assert counts["failed"] == 4
    errors = dict(group.feeds.values_list("url", "last_error"))
    assert "interdites" in errors[feeds[0][0]]
    assert "taille" in errors[feeds[3][0]]
    assert all(errors.values())


def test_the_same_occurrence_from_two_feeds_is_one_event(
    feed_server: LoopbackServer, make_group
) -> None:
    body = weekly_ics(uid="fete@quartier.example", title="Fête", first=next_weekday(5, 15), weeks=1)
    a = make_group(feeds=((feed_server.route("/r/a.ics", Reply(body=body)), Feed.Kind.ICAL),))
    b = make_group(feeds=((feed_server.route("/r/b.ics", Reply(body=body)), Feed.Kind.ICAL),))
    # Same title, start and place without a UID: the same event too.
    start = next_weekday(4, 19)
    c = make_group(
        feeds=(
            (feed_server.route("/r/c1.rss", Reply(body=rss(("Bal", start, "Salle")))), "rss"),
            (feed_server.route("/r/c2.rss", Reply(body=rss(("Bal", start, "Salle")))), "rss"),
        )
    )
    feeds_read(feeds=Feed.objects.filter(group__in=[a, b, c]), workers=1)
    assert Event.objects.filter(title="Fête").count() == 1
    assert Event.objects.filter(title="Bal").count() == 1
    feeds_read(feeds=Feed.objects.filter(group__in=[a, b, c]))
    assert Event.objects.filter(title__in=["Fête", "Bal"]).count() == 2


def test_moderators_hide_an_event_and_mute_a_feed(
    client, feed_server: LoopbackServer, make_group
) -> None:
    from django.contrib.auth.models import Group as Role
    from django.contrib.auth.models import User

    from parvis.core.roles import MODERATORS

    body = rss(
        ("Vide-grenier", next_weekday(6, 9), "Place"), ("Loto", next_weekday(6, 14), "Salle")
    )
    url = feed_server.route("/r/mod.rss", Reply(body=body))
    group = make_group(feeds=((url, Feed.Kind.RSS),))
    feeds_read(feeds=group.feeds.all())
    moderator = User.objects.create_user("mod", "m@ville.example", "x")
    moderator.groups.add(Role.objects.get(name=MODERATORS))
    client.force_login(moderator)
    loto = Event.objects.get(title="Loto")
    assert "Loto" in client.get("/admin/groupes/evenements/").content.decode()
    client.post(f"/admin/groupes/evenements/{loto.pk}/hide/")
    feeds_read(feeds=group.feeds.all())  # read again: it stays hidden
    assert [i.title for i in _agenda(group)] == ["Vide-grenier"]
    feed = group.feeds.get()
    assert url in client.get("/admin/groupes/flux/").content.decode()
    client.post(f"/admin/groupes/flux/{feed.pk}/mute/")
    assert _agenda(group) == []
    feed_server.requests.clear()
    from parvis.networks.services import feeds_due

    assert feed not in feeds_due(now=timezone.now() + dt.timedelta(days=1))


def test_an_activitypub_outbox_is_read_with_bounded_paging(
    feed_server: LoopbackServer, make_group
) -> None:
    base = feed_server.url("")
    start = next_weekday(5, 14).astimezone(dt.UTC)

    def page(n: int) -> Reply:
        event = {
            "type": "Create",
            "object": {
                "type": "Event",
                "id": f"{base}/events/{n}",
                "name": f"Balade {n}",
                "startTime": (start + dt.timedelta(days=n)).isoformat(),
                "location": {"type": "Place", "name": "Parc de la Gaudinière"},
                "url": f"{base}/events/{n}",
            },
        }
        doc = {
            "type": "OrderedCollectionPage",
            "orderedItems": [event],
            "next": f"/ap/page/{n + 1}",
        }
        return Reply(
            body=json.dumps(doc).encode(), headers={"Content-Type": "application/activity+json"}
        )

    actor = {"type": "Group", "id": f"{base}/ap/actor", "outbox": "/ap/outbox"}
    feed_server.route("/ap/actor", Reply(body=json.dumps(actor).encode()))
    outbox = {"type": "OrderedCollection", "totalItems": 10, "first": "/ap/page/1"}
    feed_server.route("/ap/outbox", Reply(body=json.dumps(outbox).encode()))
    for n in range(1, 11):
        feed_server.route(f"/ap/page/{n}", page(n))
    group = make_group(feeds=((f"{base}/ap/actor", Feed.Kind.ACTIVITYPUB),))
    feed_server.requests.clear()
    assert feeds_read(feeds=group.feeds.all())["events"] == 3  # three pages at most
    assert [p for p, _h in feed_server.requests] == [
        "/ap/actor",
        "/ap/outbox",
        "/ap/page/1",
        "/ap/page/2",
        "/ap/page/3",
    ]
    assert "activity+json" in feed_server.requests[0][1]["Accept"]


def test_one_slow_feed_does_not_block_the_others(feed_server: LoopbackServer, make_group) -> None:
    feeds = [(feed_server.route("/r/slow.rss", Reply(body=b"", delay=3)), Feed.Kind.RSS)]
    for n in range(6):
        body = rss((f"Atelier {n}", next_weekday(n, 10), "Salle"))
        feeds.append((feed_server.route(f"/r/ok{n}.rss", Reply(body=body)), Feed.Kind.RSS))
    group = make_group(feeds=tuple(feeds))
    # Two workers, one held by the slow feed until its timeout: the six others are all read.
    counts = feeds_read(feeds=group.feeds.all(), workers=2, options=ReadOptions(timeout=0.5))
    assert counts["read"] == 6 and counts["failed"] == 1
    slow = group.feeds.get(url=feeds[0][0])
    assert "trop de temps" in slow.last_error


def test_the_periodic_task_reads_due_feeds_of_published_groups_only(
    feed_server: LoopbackServer, make_group
) -> None:
    from parvis.core.schedule import schedule_discover, schedule_jobs
    from parvis.networks.tasks import feeds_read_task

    body = rss(("Apéro", next_weekday(4, 19), "Square"))
    url = feed_server.route("/r/task.rss", Reply(body=body))
    published = make_group(feeds=((url, Feed.Kind.RSS),))
    proposed = make_group(feeds=((url, Feed.Kind.RSS),), status=Group.Status.PROPOSED)
    schedule_discover()
    assert "parvis.networks.tasks.feeds_read_task" in [j.name for j in schedule_jobs()]
    feeds_read_task.call()
    assert published.feeds.get().last_read_at is not None
    assert proposed.feeds.get().last_read_at is None


def test_past_events_are_purged_after_a_month(make_group) -> None:
    from parvis.networks.services import events_purge

    group = make_group()
    feed = Feed.objects.create(group=group, url="https://x.example/a.ics", kind=Feed.Kind.ICAL)
    now = timezone.now()
    for key, days in (("old", 40), ("recent", 10)):
        Event.objects.create(
            group=group, feed=feed, dedup_key=key, title=key, start=now - dt.timedelta(days=days)
        )
    assert events_purge() == 1
    assert list(Event.objects.filter(group=group).values_list("title", flat=True)) == ["recent"]


def test_control_characters_in_a_feed_do_not_reach_the_database(
    feed_server: LoopbackServer, make_group
) -> None:
    body = weekly_ics(uid="nul\x00uid@x", title="Titre\x00nul\x07", first=next_weekday(1, 9))
    url = feed_server.route("/r/nul.ics", Reply(body=body))
    ok = rss(("Voisins", next_weekday(2, 9), "Salle"))
    other = feed_server.route("/r/after-nul.rss", Reply(body=ok))
    group = make_group(feeds=((url, Feed.Kind.ICAL), (other, Feed.Kind.RSS)))
    counts = feeds_read(feeds=group.feeds.all(), workers=1)
    assert counts["failed"] == 0
    titles = set(Event.objects.filter(group=group).values_list("title", flat=True))
    assert titles == {"Titrenul", "Voisins"}
    assert Event.objects.filter(group=group, uid="nuluid@x").exists()
