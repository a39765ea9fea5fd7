"""A second server on loopback follows the city with signed requests, gets a signed Accept,
receives the next news item through the worker, and unfollows; forged requests store nothing."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest

from parvis.content.models import ActualiteIndexPage, ActualitePage, Quartier
from parvis.federation.models import Delivery, Follower, RemoteKey
from parvis.federation.tasks import federation_deliver_task

CITY_ACTOR = "http://testserver/federation/acteurs/ville"
INBOX = "/federation/acteurs/ville/inbox"


def trust_city(client, peer) -> None:  # noqa: ANN001
    """The peer learns the city's public key from the city's actor document."""
    document = client.get(CITY_ACTOR, headers={"Accept": "application/activity+json"}).json()
    peer.trust(document["publicKey"]["id"], document["publicKey"]["publicKeyPem"])


def follow(peer, post_signed, *, target: str = CITY_ACTOR, inbox: str = INBOX, **spec):  # noqa: ANN001, ANN201
    activity = peer.follow(target)
    body, headers = peer.signed(f"http://testserver{inbox}", activity, **spec)
    return activity, post_signed(inbox, body, headers)


def publish_news(title: str, **fields: object) -> ActualitePage:
    index = ActualiteIndexPage.objects.first()
    page = index.add_child(
        instance=ActualitePage(
            title=title,
            slug=f"fedi-{abs(hash(title)) % 10**8}",
            intro=f"{title} : tout savoir.",
            body="<p>Texte.</p>",
            date=dt.date(2026, 11, 30),
            **fields,
        )
    )
    return page


def test_a_loopback_actor_follows_gets_a_signed_accept_and_receives_the_next_news(
    city, peer, client, post_signed
):
    trust_city(client, peer)
    already = len(peer.received())
    activity, response = follow(peer, post_signed)
    assert response.status_code == 202, response.content
    follower = Follower.objects.get(actor=city, uri=peer.actor)
    assert follower.inbox == f"{peer.url}/inbox"
    assert follower.shared_inbox == f"{peer.url}/shared-inbox"

    federation_deliver_task.call()  # the worker's task, run here
    received = peer.received()[already:]
    assert [r["activity"]["type"] for r in received] == ["Accept"]
    accept = received[0]
    assert accept["verified"], accept["error"]  # the peer checked the city's signature itself
    assert accept["path"] == "/inbox"
    assert accept["activity"]["object"]["id"] == activity["id"]
    assert accept["activity"]["actor"] == CITY_ACTOR
    assert accept["content_type"].startswith("application/activity+json")

    page = publish_news("Nouvelle piste cyclable à Doulon")
    page.save_revision().publish()
    federation_deliver_task.call()
    received = peer.received()[already + 1 :]
    assert len(received) == 1
    create = received[0]
    assert create["verified"], create["error"]
    assert create["path"] == "/shared-inbox"  # delivered once per shared inbox
    assert create["activity"]["type"] == "Create"
    note = create["activity"]["object"]
    assert note["type"] == "Note"
    assert note["url"] == page.full_url
    assert "Nouvelle piste cyclable à Doulon" in note["content"]
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2

    # Republished: an Update, not a second Create.
    page.title = "Nouvelle piste cyclable à Doulon (horaires)"
    page.save_revision().publish()
    federation_deliver_task.call()
    assert [r["activity"]["type"] for r in peer.received()[already + 2 :]] == ["Update"]


def test_undo_removes_the_follower(city, peer, client, post_signed):
    activity, response = follow(peer, post_signed)
    assert response.status_code == 202
    undo = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{activity['id']}/undo",
        "type": "Undo",
        "actor": peer.actor,
        "object": activity,
    }
    body, headers = peer.signed(f"http://testserver{INBOX}", undo)
    response = post_signed(INBOX, body, headers)
    assert response.status_code == 202
    assert response.json() == {"status": "unfollowed"}
    assert not Follower.objects.filter(uri=peer.actor).exists()


def test_a_quartier_agenda_is_followed_and_relays_its_quartier_news_only(
    city, peer, client, post_signed
):
    quartier = Quartier.objects.order_by("pk").first()
    other = Quartier.objects.exclude(pk=quartier.pk).order_by("pk").first()
    actor_url = f"http://testserver/federation/acteurs/{quartier.slug}"
    inbox = f"/federation/acteurs/{quartier.slug}/inbox"
    document = client.get(actor_url, headers={"Accept": "application/activity+json"}).json()
    peer.trust(document["publicKey"]["id"], document["publicKey"]["publicKeyPem"])
    _activity, response = follow(peer, post_signed, target=actor_url, inbox=inbox)
    assert response.status_code == 202
    federation_deliver_task.call()
    already = len(peer.received())

    elsewhere = publish_news("Fête de quartier ailleurs")
    elsewhere.save_revision().publish()
    elsewhere.quartiers.set([other])
    elsewhere.save_revision().publish()
    here = publish_news("Jardin partagé du quartier")
    here.quartiers.set([quartier])
    here.save_revision().publish()
    federation_deliver_task.call()
    received = peer.received()[already:]
    assert [r["activity"]["type"] for r in received] == ["Announce"]
    assert received[0]["verified"], received[0]["error"]
    assert received[0]["activity"]["actor"] == actor_url
    assert received[0]["activity"]["object"]["url"] == here.full_url


def _refused(response, status: int) -> None:
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert not Follower.objects.exists()
    assert not Delivery.objects.exists()
    assert not RemoteKey.objects.exists()


def test_an_unsigned_follow_is_refused_and_stores_nothing(city, peer, post_signed):
    activity = peer.follow(CITY_ACTOR)
    body, headers = peer.signed(f"http://testserver{INBOX}", activity)
    del headers["Signature"]
    _refused(post_signed(INBOX, body, headers), 401)


def test_a_follow_signed_with_another_key_is_refused_and_stores_nothing(city, peer, post_signed):
    _activity, response = follow(peer, post_signed, forge=True)
    _refused(response, 401)
    assert response.json()["code"] == "signature_wrong"


def test_a_stale_follow_is_refused(city, peer, post_signed):
    old = format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=3), usegmt=True)
    _activity, response = follow(peer, post_signed, date=old)
    _refused(response, 401)
    assert response.json()["code"] == "stale"


def test_a_body_changed_after_signing_is_refused(city, peer, post_signed):
    activity = peer.follow(CITY_ACTOR)
    _body, headers = peer.signed(f"http://testserver{INBOX}", activity)
    tampered = dict(activity, object="http://testserver/federation/acteurs/autre")
    import json

    _refused(post_signed(INBOX, json.dumps(tampered).encode(), headers), 401)


def test_a_signature_that_does_not_cover_the_digest_is_refused(city, peer, post_signed):
    _activity, response = follow(peer, post_signed, skip=["digest"])
    _refused(response, 401)
    assert response.json()["code"] == "coverage"


def test_a_follow_on_behalf_of_someone_else_is_refused(city, peer, post_signed):
    activity = dict(peer.follow(CITY_ACTOR), actor="http://127.0.0.1:9/someone-else")
    body, headers = peer.signed(f"http://testserver{INBOX}", activity)
    _refused(post_signed(INBOX, body, headers), 403)


def test_a_signature_for_another_path_is_refused(city, peer, post_signed):
    activity = peer.follow(CITY_ACTOR)
    body, headers = peer.signed("http://testserver/federation/acteurs/ville/autre", activity)
    _refused(post_signed(INBOX, body, headers), 401)


def test_a_signer_on_a_private_address_is_not_fetched(city, peer, post_signed, settings):
    settings.PARVIS_FEDERATION_ALLOW_LOOPBACK = False
    _activity, response = follow(peer, post_signed)
    _refused(response, 401)
    assert response.json()["code"] == "key_fetch"
    assert not RemoteKey.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{}", "application/json", 415),
        (b"not json", "application/activity+json", 401),  # unsigned comes first
    ],
)
def test_the_inbox_answers_bad_requests_with_json_errors(city, client, body, content_type, status):
    response = client.post(INBOX, data=body, content_type=content_type)
    assert response.status_code == status
    assert "error" in response.json()


def test_a_signed_activity_that_is_not_json_is_a_400(city, peer, post_signed):
    body, headers = peer.signed(f"http://testserver{INBOX}", {"x": 1})
    response = post_signed(INBOX, b"{not json", {**headers})
    assert response.status_code == 401  # the digest no longer matches: refused before parsing
    response = post_signed(INBOX, body, headers)
    assert response.status_code == 400
    assert not Follower.objects.exists()


def test_a_deeply_nested_body_is_a_400_not_a_500(city, peer, post_signed):
    body = b"[" * 100_000 + b"]" * 100_000
    _ignored, headers = peer.signed(f"http://testserver{INBOX}", {})
    from parvis.federation.signatures import digest_header

    headers["Digest"] = digest_header(body)  # consistent, though the signature is not
    response = post_signed(INBOX, body, headers)
    assert response.status_code == 400
    assert not Follower.objects.exists()


def test_other_activities_are_accepted_and_ignored(city, peer, post_signed):
    like = {"id": f"{peer.actor}#likes/1", "type": "Like", "actor": peer.actor, "object": "x"}
    body, headers = peer.signed(f"http://testserver{INBOX}", like)
    response = post_signed(INBOX, body, headers)
    assert response.status_code == 202
    assert response.json() == {"status": "ignored"}
    assert not Follower.objects.exists()


def test_the_ld_json_profile_content_type_is_accepted(city, peer, post_signed):
    activity = peer.follow(CITY_ACTOR)
    body, headers = peer.signed(f"http://testserver{INBOX}", activity)
    response = post_signed(
        INBOX,
        body,
        headers,
        content_type='application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    )
    assert response.status_code == 202


def test_an_oversized_body_is_refused_before_reading(city, client):
    response = client.post(
        INBOX, data=b"x" * (256 * 1024 + 1), content_type="application/activity+json"
    )
    assert response.status_code == 413


def test_the_inbox_is_rate_limited(city, client, settings):
    settings.PARVIS_RATELIMITS = {**settings.PARVIS_RATELIMITS, "federation.inbox": [(2, 600)]}
    codes = [
        client.post(INBOX, data=b"{}", content_type="application/activity+json").status_code
        for _ in range(3)
    ]
    assert codes[-1] == 429
