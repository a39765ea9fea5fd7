"""Feeds become events: recurring iCalendar in Paris time, RSS/Atom, ActivityPub; hostile input
refused or neutralised."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from parvis.networks.parsing import (
    FeedInvalid,
    parse_activitypub,
    parse_ical,
    parse_syndication,
    safe_html,
)

PARIS = ZoneInfo("Europe/Paris")
WINDOW = {
    "window_start": dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
    "window_end": dt.datetime(2026, 11, 10, tzinfo=dt.UTC),
}

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//FR
BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:entrainement@club.example
SUMMARY:Entraînement <b>foot</b> &amp; goûter
DTSTART;TZID=Europe/Paris:20261015T183000
DTEND;TZID=Europe/Paris:20261015T200000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Paris:20261105T183000
LOCATION:Stade du Vieux-Doulon
DESCRIPTION:Venez <script>alert(1)</script><a href="javascript:alert(2)">ici</a>
URL:https://club.example/entrainement
END:VEVENT
BEGIN:VEVENT
UID:fete@club.example
SUMMARY:Fête du quartier
DTSTART;VALUE=DATE:20261017
DTEND;VALUE=DATE:20261018
END:VEVENT
BEGIN:VEVENT
UID:flottant@club.example
SUMMARY:Assemblée générale
DTSTART:20261020T190000
END:VEVENT
BEGIN:VEVENT
UID:annule@club.example
SUMMARY:Annulé
STATUS:CANCELLED
DTSTART:20261021T190000Z
END:VEVENT
BEGIN:VEVENT
UID:prive@club.example
SUMMARY:Réunion du bureau
CLASS:PRIVATE
DTSTART:20261022T190000Z
END:VEVENT
BEGIN:VEVENT
UID:hors-fenetre@club.example
SUMMARY:Trop tard
DTSTART:20270101T190000Z
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n").encode()


def test_a_weekly_event_is_expanded_in_paris_time_across_the_clock_change() -> None:
    events = [e for e in parse_ical(ICS, **WINDOW) if e.uid == "entrainement@club.example"]
    local = [e.start.astimezone(PARIS) for e in events]
    # Six weeks from 15 October, less the excluded 5 November; the window ends 10 November.
    assert [d.date() for d in local] == [
        dt.date(2026, 10, 15),
        dt.date(2026, 10, 22),
        dt.date(2026, 10, 29),
    ]
    assert {(d.hour, d.minute) for d in local} == {(18, 30)}  # 18:30 before and after 25 Oct
    assert [e.start.astimezone(dt.UTC).hour for e in events] == [16, 16, 17]
    assert all(e.end - e.start == dt.timedelta(minutes=90) for e in events)
    # One occurrence, one key: a weekly event is three rows, not one.
    assert len({e.dedup_key for e in events}) == 3


def test_all_day_and_floating_events_are_paris_days_and_times() -> None:
    events = {e.uid: e for e in parse_ical(ICS, **WINDOW)}
    fete = events["fete@club.example"]
    assert fete.all_day and fete.start == dt.datetime(2026, 10, 17, tzinfo=PARIS)
    assert fete.title == "Fête du quartier"
    floating = events["flottant@club.example"]
    assert floating.start == dt.datetime(2026, 10, 20, 19, tzinfo=PARIS) and not floating.all_day


def test_cancelled_private_and_out_of_window_events_are_left_out() -> None:
    uids = {e.uid for e in parse_ical(ICS, **WINDOW)}
    assert "annule@club.example" not in uids
    assert "prive@club.example" not in uids
    assert "hors-fenetre@club.example" not in uids


def test_text_is_plain_and_html_is_sanitised() -> None:
    event = next(e for e in parse_ical(ICS, **WINDOW) if e.uid == "entrainement@club.example")
    assert event.title == "Entraînement foot & goûter"
    assert "<script" not in event.description and "javascript:" not in event.description
    assert "alert(1)" not in event.description or "<script" not in event.description
    assert event.location == "Stade du Vieux-Doulon"
    assert event.url == "https://club.example/entrainement"


def test_a_calendar_with_x_wr_timezone_is_read_in_that_zone() -> None:
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-TIMEZONE:Europe/Paris\r\n"
        b"BEGIN:VEVENT\r\nUID:g@x\r\nSUMMARY:Gouter\r\nDTSTART:20261020T150000Z\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = parse_ical(ics, **WINDOW)
    assert event.start.astimezone(PARIS).hour == 17


def test_garbage_is_not_a_calendar() -> None:
    with pytest.raises(FeedInvalid):
        parse_ical(b"\x00\x01 not a calendar", **WINDOW)


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/">
<channel><title>Jardin</title><link>https://jardin.example/</link><description>x</description>
<item><title>Chantier collectif</title><link>https://jardin.example/chantier</link>
<guid>https://jardin.example/chantier</guid>
<description>&lt;p&gt;Apportez des gants&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;</description>
<ev:startdate>2026-10-24T10:00:00+02:00</ev:startdate>
<ev:location>Jardin des Bourderies</ev:location>
<pubDate>Mon, 12 Oct 2026 08:00:00 +0000</pubDate></item>
<item><title>Compte rendu</title><link>https://jardin.example/cr</link>
<pubDate>Tue, 13 Oct 2026 08:00:00 +0000</pubDate></item>
</channel></rss>"""


def test_rss_items_become_events_with_their_event_dates() -> None:
    events = parse_syndication(RSS)
    assert [e.title for e in events] == ["Chantier collectif", "Compte rendu"]
    chantier = events[0]
    assert chantier.start == dt.datetime(2026, 10, 24, 8, tzinfo=dt.UTC)
    assert chantier.location == "Jardin des Bourderies"
    assert (
        "onerror" not in chantier.description
        and "<p>Apportez des gants</p>" in chantier.description
    )
    assert events[1].start == dt.datetime(2026, 10, 13, 8, tzinfo=dt.UTC)


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Collectif</title><id>urn:x</id>
<updated>2026-10-12T08:00:00Z</updated>
<entry><title>Repair caf\xc3\xa9</title><id>urn:repair:1</id><link href="https://c.example/repair"/>
<updated>2026-10-12T08:00:00Z</updated><summary>R\xc3\xa9parer ensemble</summary></entry>
</feed>"""


def test_atom_entries_become_events() -> None:
    (event,) = parse_syndication(ATOM)
    assert event.title == "Repair café" and event.uid == "urn:repair:1"
    assert event.url == "https://c.example/repair"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title>
<pubDate>Mon, 12 Oct 2026 08:00:00 +0000</pubDate></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title>
<pubDate>Mon, 12 Oct 2026 08:00:00 +0000</pubDate></item></channel></rss>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss version="2.0"><channel><title>x</title></channel></rss>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_hostile_xml_is_refused(hostile: bytes) -> None:
    with pytest.raises(FeedInvalid) as refused:
        parse_syndication(hostile)
    assert refused.value.code in ("hostile_xml", "xml")


def test_activitypub_events_and_notes() -> None:
    items = [
        {
            "type": "Create",
            "object": {
                "type": "Event",
                "id": "https://mobilizon.example/events/1",
                "name": "Balade <i>nature</i>",
                "startTime": "2026-10-25T14:00:00+01:00",
                "endTime": "2026-10-25T17:00:00+01:00",
                "content": "<p>Au bord du Cens</p><iframe src=x></iframe>",
                "location": {
                    "type": "Place",
                    "name": "Parc de la Gaudinière",
                    "address": {"streetAddress": "Boulevard Robert Schuman"},
                },
                "url": "https://mobilizon.example/events/1",
            },
        },
        {
            "type": "Note",
            "id": "https://masto.example/@club/1",
            "content": "<p>Inscriptions ouvertes !</p>",
            "published": "2026-10-12T08:00:00Z",
            "url": "https://masto.example/@club/1",
        },
        {"type": "Announce", "object": "https://elsewhere.example/x"},
        "not an object",
        {"type": "Event", "name": "No date"},
    ]
    events = parse_activitypub(items)
    assert [e.title for e in events] == ["Balade nature", "Inscriptions ouvertes !"]
    balade = events[0]
    assert balade.start == dt.datetime(2026, 10, 25, 13, tzinfo=dt.UTC)
    assert balade.location == "Parc de la Gaudinière, Boulevard Robert Schuman"
    assert "<iframe" not in balade.description


def test_safe_html_keeps_links_and_drops_the_rest() -> None:
    html = safe_html('<p onclick="x">a <a href="https://x.example/" target="_blank">b</a></p>')
    assert 'href="https://x.example/"' in html and "onclick" not in html
    assert "nofollow" in html


def test_json_that_is_not_activitypub_is_refused() -> None:
    from parvis.networks.parsing import activitypub_page

    with pytest.raises(FeedInvalid):
        activitypub_page(b"[1, 2]")
    with pytest.raises(FeedInvalid):
        activitypub_page(b"{not json")
    assert activitypub_page(json.dumps({"type": "OrderedCollection"}).encode())["type"]
