"""How other servers find the city: WebFinger, NodeInfo, actor documents, outboxes, followers."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.content.models import ActualiteIndexPage, ActualitePage, Quartier
from parvis.federation.models import Actor, Follower

AP = {"Accept": "application/activity+json"}


def test_webfinger_finds_the_city(city, client):
    response = client.get("/.well-known/webfinger", {"resource": "acct:ville@testserver"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jrd+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["subject"] == "acct:ville@testserver"
    self_link = next(link for link in document["links"] if link["rel"] == "self")
    assert self_link == {
        "rel": "self",
        "type": "application/activity+json",
        "href": "http://testserver/federation/acteurs/ville",
    }


def test_webfinger_finds_a_quartier_agenda_and_by_actor_url(city, client):
    slug = Quartier.objects.order_by("pk").first().slug
    response = client.get("/.well-known/webfinger", {"resource": f"acct:{slug}@testserver"})
    assert response.status_code == 200
    url = f"http://testserver/federation/acteurs/{slug}"
    assert client.get("/.well-known/webfinger", {"resource": url}).json()["subject"] == (
        f"acct:{slug}@testserver"
    )


@pytest.mark.parametrize(
    ("resource", "status"),
    [
        ("acct:personne@testserver", 404),
        ("acct:ville@ailleurs.example", 404),
        ("http://testserver/federation/acteurs/personne", 404),
        ("", 400),
        ("ville", 400),
        ("acct:ville", 400),
        ("mailto:ville@testserver", 400),
    ],
)
def test_webfinger_refuses_unknown_or_bad_resources(city, client, resource, status):
    response = client.get("/.well-known/webfinger", {"resource": resource})
    assert response.status_code == status
    assert "error" in response.json()
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_names_create_no_actor(city, client):
    before = Actor.objects.count()
    client.get("/.well-known/webfinger", {"resource": "acct:personne@testserver"})
    assert client.get("/federation/acteurs/personne", headers=AP).status_code == 404
    assert Actor.objects.count() == before


def test_the_actor_document_carries_its_public_key_and_never_the_private_one(city, client):
    response = client.get("/federation/acteurs/ville", headers=AP)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/activity+json")
    document = response.json()
    for field in ("inbox", "outbox", "followers", "preferredUsername", "name", "summary", "url"):
        assert document[field], field
    assert document["icon"]["url"].startswith("http://testserver/")
    assert document["publicKey"]["id"] == "http://testserver/federation/acteurs/ville#main-key"
    assert document["publicKey"]["owner"] == document["id"]
    assert "BEGIN PUBLIC KEY" in document["publicKey"]["publicKeyPem"]
    assert "PRIVATE" not in response.content.decode()


def test_the_private_key_is_stored_encrypted(city):
    assert bytes(city.private_key_encrypted).startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


def test_ld_json_accept_gets_the_document_and_html_gets_the_profile(city, client):
    ld = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    assert client.get("/federation/acteurs/ville", headers={"Accept": ld}).status_code == 200
    response = client.get("/federation/acteurs/ville", headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/fediverse/ville/"
    page = client.get("/fediverse/ville/")
    assert page.status_code == 200
    assert "@ville@testserver" in page.content.decode()


def _news(n: int, quartier: Quartier | None = None) -> list[ActualitePage]:
    index = ActualiteIndexPage.objects.first()
    pages = []
    for i in range(n):
        page = index.add_child(
            instance=ActualitePage(
                title=f"Actualité de test {i}",
                slug=f"actu-outbox-{i}",
                intro="Une actualité.",
                body="<p>x</p>",
                date=dt.date(2026, 11, 1),
            )
        )
        if quartier:
            page.quartiers.set([quartier])
        page.save_revision().publish()
        pages.append(page)
    return pages


def test_the_outbox_is_a_paged_ordered_collection_of_the_news(city, client):
    _news(3)
    total = ActualitePage.objects.live().public().count()
    collection = client.get("/federation/acteurs/ville/outbox", headers=AP).json()
    assert collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == total
    first = client.get(collection["first"].removeprefix("http://testserver"), headers=AP).json()
    assert first["type"] == "OrderedCollectionPage"
    assert len(first["orderedItems"]) == min(total, 20)
    item = first["orderedItems"][0]
    assert item["type"] == "Create"
    assert item["object"]["type"] == "Note"
    assert item["object"]["url"].startswith("http://")
    assert item["object"]["attributedTo"] == "http://testserver/federation/acteurs/ville"
    if total > 20:
        assert first["next"].endswith("?page=2")
    assert client.get("/federation/acteurs/ville/outbox?page=0", headers=AP).status_code == 400
    assert client.get("/federation/acteurs/ville/outbox?page=x", headers=AP).status_code == 400
    assert client.get("/federation/acteurs/ville/outbox?page=999", headers=AP).status_code == 404


def test_a_quartier_outbox_has_only_its_quartier_news(city, client):
    quartier = Quartier.objects.order_by("pk").last()
    mine = _news(1, quartier)[0]
    base = f"/federation/acteurs/{quartier.slug}/outbox"
    page = client.get(f"{base}?page=1", headers=AP).json()
    urls = [item["object"]["url"] for item in page["orderedItems"]]
    assert mine.full_url in urls
    expected = ActualitePage.objects.live().public().filter(quartiers=quartier).count()
    assert page["totalItems"] == expected
    assert {item["type"] for item in page["orderedItems"]} == {"Announce"}


def test_a_page_with_an_event_date_is_an_event(city, settings):
    from parvis.federation import activities

    page = _news(1)[0]
    page.event_start = dt.datetime(2026, 12, 5, 18, 30, tzinfo=dt.UTC)
    page.event_end = dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.UTC)
    document = activities.page_object(page, city)
    assert document["type"] == "Event"
    assert document["startTime"] == "2026-12-05T18:30:00+00:00"
    assert document["endTime"] == "2026-12-05T20:00:00+00:00"
    assert document["name"] == page.title


def test_followers_show_a_count_and_nobody(city, client):
    Follower.objects.create(
        actor=city,
        uri="https://mastodon.example/users/alice",
        inbox="https://mastodon.example/users/alice/inbox",
    )
    response = client.get("/federation/acteurs/ville/abonnes", headers=AP)
    document = response.json()
    assert document["totalItems"] == 1
    assert "alice" not in response.content.decode()
    assert "orderedItems" not in document and "first" not in document
    assert "alice" not in client.get("/fediverse/ville/").content.decode()


def test_an_object_is_served_as_json_or_redirects_to_its_page(city, client):
    page = _news(1)[0]
    document = client.get(f"/federation/objets/{page.pk}", headers=AP).json()
    assert document["id"] == f"http://testserver/federation/objets/{page.pk}"
    response = client.get(f"/federation/objets/{page.pk}")
    assert response.status_code == 302
    assert client.get("/federation/objets/999999", headers=AP).status_code == 404


def test_nodeinfo_describes_the_server(city, client):
    links = client.get("/.well-known/nodeinfo").json()["links"]
    document = client.get(links[0]["href"].removeprefix("http://testserver")).json()
    assert document["protocols"] == ["activitypub"]
    assert document["openRegistrations"] is False
    assert document["usage"]["users"]["total"] >= 1
