"""Agenda pages (global, quartier, theme, group) and their iCalendar, RSS and Atom exports."""

from __future__ import annotations

import datetime as dt
import json
import re

import feedparser
import icalendar
import pytest

from parvis.content.models import ActualiteIndexPage, ActualitePage, Quartier
from parvis.networks.models import Event, Feed, Group
from parvis.networks.tests.conftest import PARIS, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(make_group, doulon: Quartier):
    """Two groups' events and one of the city's, in Doulon, over the next weeks."""
    from parvis.content.models import LieuPage

    foot = make_group(name="Étoile sportive du Vieux-Doulon")
    feed = Feed.objects.create(group=foot, url="https://esvd.example/a.ics", kind=Feed.Kind.ICAL)
    lieu = LieuPage.objects.get(title="Maison de quartier de Doulon")
    starts = [next_weekday(2, 18, 30) + dt.timedelta(weeks=n) for n in range(3)]
    for n, start in enumerate(starts):
        Event.objects.create(
            group=foot,
            feed=feed,
            dedup_key=f"k{n}",
            uid="entrainement@esvd.example",
            title="Entraînement <des> 6-15 ans",
            description="<p>Avec <strong>goûter</strong></p>",
            start=start,
            end=start + dt.timedelta(hours=2),
            location="Maison de quartier de Doulon",
            lieu=lieu,
            url="https://esvd.example/agenda",
        )
    Event.objects.create(
        group=foot,
        feed=feed,
        dedup_key="allday",
        title="Tournoi de printemps",
        start=dt.datetime.combine(starts[0].date() + dt.timedelta(days=3), dt.time(), tzinfo=PARIS),
        all_day=True,
    )
    index = ActualiteIndexPage.objects.first()
    city = index.add_child(
        instance=ActualitePage(
            title="Réunion publique sur le square Maurice-Schwob",
            slug="reunion-square-schwob",
            intro="Venez donner votre avis sur le réaménagement du square.",
            body="<p>Ordre du jour</p>",
            event_start=next_weekday(1, 19),
            event_end=next_weekday(1, 21),
            event_place="Mairie annexe de Doulon",
        )
    )
    city.quartiers.set([doulon])
    city.save_revision().publish()
    return foot


def test_the_quartier_agenda_shows_groups_and_city_events(client, agenda: Group) -> None:
    response = client.get("/agenda/quartier/doulon-bottiere/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Entraînement &lt;des&gt; 6-15 ans</a></h3>") == 3
    assert (
        "Réunion publique sur le square Maurice-Schwob" in page and "Proposé par la Ville" in page
    )
    assert "Tournoi de printemps" in page and "Toute la journée" in page
    assert 'href="https://esvd.example/agenda"' in page  # the original
    assert "Maison de quartier de Doulon</a>" in page  # the Lieu, linked
    assert "<strong>goûter</strong>" in page
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    events = [json.loads(b) for b in blocks if '"Event"' in b]
    assert len(events) == 5
    assert events[0]["@type"] == "Event" and events[0]["startDate"]
    training = next(e for e in events if e["name"].startswith("Entraînement"))
    assert training["organizer"]["name"] == agenda.name
    assert training["location"]["url"].startswith("http")


def test_other_quartiers_and_themes_filter_events(client, agenda: Group) -> None:
    assert "Entraînement" not in client.get("/agenda/quartier/nantes-sud/").content.decode()
    assert "Aucun événement" in client.get("/agenda/quartier/nantes-sud/").content.decode()
    assert "Entraînement" in client.get("/agenda/theme/sport/").content.decode()
    assert "Entraînement" not in client.get("/agenda/theme/logement/").content.decode()
    assert "Entraînement" in client.get("/agenda/?theme=sport").content.decode()
    assert "Entraînement" not in client.get("/agenda/?theme=logement").content.decode()
    assert client.get("/agenda/quartier/inconnu/").status_code == 404


def test_the_date_range_filters_and_bad_dates_are_a_message(client, agenda: Group) -> None:
    first = Event.objects.filter(group=agenda).order_by("start").first().start.astimezone(PARIS)
    day = first.date().isoformat()
    page = client.get(f"/agenda/?start={day}&end={day}").content.decode()
    assert page.count("Entraînement &lt;des&gt; 6-15 ans</a></h3>") == 1
    bad = client.get("/agenda/?start=2026-13-45&end=hier")
    assert bad.status_code == 400 and "erreurs" in bad.content.decode()
    reversed_ = client.get("/agenda/?start=2030-01-10&end=2030-01-01")
    assert reversed_.status_code == 400 and "précède" in reversed_.content.decode()
    assert client.get("/agenda/?theme=n-existe-pas").status_code == 400


def test_hidden_events_muted_feeds_and_unpublished_groups_stay_out(client, agenda: Group) -> None:
    Event.objects.filter(title="Tournoi de printemps").update(hidden=True)
    assert "Tournoi" not in client.get("/agenda/").content.decode()
    Group.objects.filter(pk=agenda.pk).update(status=Group.Status.REJECTED)
    assert "Entraînement" not in client.get("/agenda/").content.decode()


def test_the_agenda_paginates(client, agenda: Group) -> None:
    feed = agenda.feeds.get()
    start = next_weekday(0, 8)
    for n in range(40):
        Event.objects.create(
            group=agenda,
            feed=feed,
            dedup_key=f"p{n}",
            title=f"Permanence {n}",
            start=start + dt.timedelta(hours=n),
        )
    page = client.get("/agenda/?page=2").content.decode()
    assert "Page 2 sur 2" in page


def _ics(client, path: str) -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


@pytest.mark.parametrize(
    "path",
    [
        "/agenda/agenda.ics",
        "/agenda/quartier/doulon-bottiere/agenda.ics",
        "/agenda/theme/sport/agenda.ics",
        "/groupes/{slug}/agenda.ics",
    ],
)
def test_icalendar_exports_parse_with_stable_uids(client, agenda: Group, path: str) -> None:
    path = path.format(slug=agenda.slug)
    calendar = _ics(client, path)
    events = calendar.walk("VEVENT")
    assert len(events) >= 4
    assert not calendar.errors and not any(e.errors for e in events)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert uids == [str(e["UID"]) for e in _ics(client, path).walk("VEVENT")]
    training = next(e for e in events if str(e["SUMMARY"]).startswith("Entraînement"))
    assert training.decoded("DTSTART").astimezone(PARIS).time() == dt.time(18, 30)
    assert str(training["URL"]) == "https://esvd.example/agenda"
    allday = next(e for e in events if str(e["SUMMARY"]) == "Tournoi de printemps")
    assert type(allday.decoded("DTSTART")) is dt.date


@pytest.mark.parametrize(
    "path",
    [
        "/agenda/rss/",
        "/agenda/atom/",
        "/agenda/quartier/doulon-bottiere/rss/",
        "/agenda/quartier/doulon-bottiere/atom/",
        "/agenda/theme/sport/rss/",
        "/agenda/theme/sport/atom/",
        "/groupes/{slug}/rss/",
        "/groupes/{slug}/atom/",
    ],
)
def test_rss_and_atom_exports_parse_without_warnings(client, agenda: Group, path: str) -> None:
    response = client.get(path.format(slug=agenda.slug))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) >= 4
    ids = [entry.id for entry in parsed.entries]
    assert len(set(ids)) == len(ids)
    again = feedparser.parse(client.get(path.format(slug=agenda.slug)).content)
    assert ids == [entry.id for entry in again.entries]


def test_exports_of_an_unknown_scope_are_404(client) -> None:
    assert client.get("/agenda/quartier/inconnu/agenda.ics").status_code == 404
    assert client.get("/groupes/inconnu/rss/").status_code == 404


def test_the_group_page_shows_its_events_and_subscriptions(client, agenda: Group) -> None:
    page = client.get(agenda.get_absolute_url()).content.decode()
    assert "Entraînement" in page and f"/groupes/{agenda.slug}/agenda.ics" in page
    assert "Réunion publique" not in page  # the city's events are not the group's
