"""Issue 12, "done means": a resident proposes a group, confirms, a moderator approves; its
iCalendar (weekly event) and RSS feeds, served on loopback, reach its quartier's agenda; the
exports parse cleanly; feed URLs aimed inside are refused, every trick of them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import feedparser
import icalendar
import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User

from parvis.core.models import OutboxMessage
from parvis.core.roles import MODERATORS
from parvis.core.tests.loopback_http import LoopbackServer, Reply
from parvis.networks.models import Feed, Group
from parvis.networks.reader import ReadOptions
from parvis.networks.services import feeds_read
from parvis.networks.tasks import feeds_read_task
from parvis.networks.tests.conftest import PARIS, next_weekday, rss, weekly_ics

pytestmark = pytest.mark.django_db

TRICKS = [
    "http://127.0.0.1:{port}/secret",
    "http://[::1]:{port}/secret",
    "http://[::ffff:127.0.0.1]:{port}/secret",
    "http://2130706433:{port}/secret",
    "http://0x7f000001:{port}/secret",
    "http://0177.0.0.1:{port}/secret",
    "http://0.0.0.0:{port}/secret",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/agenda.ics",
    "http://localhost:{port}/secret",
]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_proposed_group_reaches_its_quartiers_agenda(
    client, feed_server: LoopbackServer, doulon, sport
) -> None:
    first = next_weekday(2, 18, 30)
    ics_url = feed_server.route(
        "/e2e/esvd.ics",
        Reply(
            body=weekly_ics(
                uid="entrainement@esvd.example",
                title="Entraînement des 6-15 ans",
                first=first,
                weeks=5,
                location="Maison de quartier de Doulon",
            ),
            headers={"Content-Type": "text/calendar; charset=utf-8"},
        ),
    )
    rss_url = feed_server.route(
        "/e2e/esvd.rss",
        Reply(
            body=rss(("Tournoi inter-quartiers", next_weekday(5, 10), "Stade Marcel-Saupin")),
            headers={"Content-Type": "application/rss+xml"},
        ),
    )

    # 1. A resident proposes the group, without an account.
    response = client.post(
        "/groupes/proposer/",
        {
            "name": "Étoile sportive du Vieux-Doulon",
            "kind": "association",
            "description": "Club de foot du Vieux-Doulon, pour les 6-15 ans.",
            "join_url": "https://esvd.example/inscriptions",
            "quartiers": [doulon.pk],
            "themes": [sport.pk],
            "feeds": f"{ics_url}\n{rss_url}",
            "contact_email": "bureau@esvd.example",
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Étoile sportive du Vieux-Doulon")
    assert sorted(group.feeds.values_list("kind", flat=True)) == ["ical", "rss"]

    # 2. The proposer confirms the address with the emailed link.
    confirmation = OutboxMessage.objects.get(topic="confirmation", recipient="bureau@esvd.example")
    link = re.search(r"https?://\S+/confirmer-adresse/\S+/", confirmation.body_text).group(0)
    assert client.post(_path(link)).status_code == 200

    # 3. A moderator approves it in the back office.
    moderator = User.objects.create_user("moderateur", "mod@ville.example", "x")
    moderator.groups.add(Role.objects.get(name=MODERATORS))
    client.force_login(moderator)
    client.post(f"/admin/groupes/{group.pk}/approve/")
    client.logout()
    group.refresh_from_db()
    assert group.status == Group.Status.APPROVED

    # 4. The worker's periodic task reads its feeds over HTTP.
    assert feeds_read_task.call()["read"] >= 2

    # 5. They are in the quartier's agenda: five Wednesdays at 18:30, and the tournament.
    page = client.get("/agenda/quartier/doulon-bottiere/").content.decode()
    assert page.count(">Entraînement des 6-15 ans</a></h3>") == 5
    assert "Tournoi inter-quartiers" in page
    assert "Maison de quartier de Doulon</a>" in page
    assert f'href="{group.get_absolute_url()}"' in page

    # 6. Its exports parse with icalendar and feedparser, without warnings.
    calendar = icalendar.Calendar.from_ical(
        client.get("/agenda/quartier/doulon-bottiere/agenda.ics").content
    )
    trainings = [
        e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Entraînement des 6-15 ans"
    ]
    assert len(trainings) == 5
    assert {e.decoded("DTSTART").astimezone(PARIS).strftime("%A %H:%M") for e in trainings} == {
        "Wednesday 18:30"
    }
    for path in ("rss", "atom"):
        parsed = feedparser.parse(client.get(f"/agenda/quartier/doulon-bottiere/{path}/").content)
        assert not parsed.bozo and len(parsed.entries) >= 6


@pytest.fixture(scope="module")
def inside() -> Iterator[LoopbackServer]:
    """An internal service on another loopback port, which no feed may reach."""
    server = LoopbackServer().start()
    server.route("/secret", Reply(body=b"SECRET"))
    yield server
    server.stop()


@pytest.mark.parametrize("trick", TRICKS)
def test_feed_urls_aimed_inside_are_refused(
    client, settings, feed_server: LoopbackServer, inside: LoopbackServer, make_group, trick: str
) -> None:
    """At proposal (a form message) and at reading time, directly or behind a redirect."""
    target = trick.format(port=inside.port)
    settings.PARVIS_FETCH_ALLOW_LOOPBACK = False
    response = client.post(
        "/groupes/proposer/",
        {
            "name": "Groupe piégé",
            "kind": "autre",
            "description": "x",
            "join_url": "https://x.example/",
            "feeds": target,
            "contact_email": "x@x.example",
        },
    )
    assert response.status_code == 400 and not Group.objects.filter(name="Groupe piégé").exists()

    # A feed stored anyway, or one that redirects inside later, is refused by the reader.
    redirect = feed_server.route(
        f"/e2e/redirect/{TRICKS.index(trick)}", Reply(status=302, headers={"Location": target})
    )
    group = make_group(feeds=((target, Feed.Kind.RSS), (redirect, Feed.Kind.RSS)))
    # Only the feed server's port is allowed on loopback (it plays the public feed host).
    counts = feeds_read(
        feeds=group.feeds.all(), options=ReadOptions(allow_loopback={feed_server.port})
    )
    assert counts["failed"] == 2
    assert all(
        "interdit" in error or "valable" in error
        for error in group.feeds.values_list("last_error", flat=True)
    )
    assert inside.requests == []
