"""Two real servers over HTTP: the portal (gunicorn, its own database, its real task worker)
and the loopback peer. The peer follows the city with a signed POST of its own, the portal
fetches the peer's key over HTTP, the worker delivers a signed Accept that the peer verifies with
the key it fetched from the portal, then the next news item published in Wagtail."""

from __future__ import annotations

import subprocess

import requests

from parvis.conftest import PARVIS

PUBLISH = """
import datetime
from parvis.content.models import ActualiteIndexPage, ActualitePage
index = ActualiteIndexPage.objects.first()
page = index.add_child(instance=ActualitePage(
    title="Le tramway de nuit arrive à Bellevue", slug="tram-nuit-bellevue-e2e",
    intro="Dès janvier, le tramway circule toute la nuit le samedi.", body="<p>Texte.</p>",
    date=datetime.date(2026, 11, 30)))
page.save_revision().publish()
print(page.full_url)
"""


def _parvis(portal_env: dict[str, str], portal_url: str, *args: str) -> str:
    env = {**portal_env, "PARVIS_BASE_URL": portal_url}
    done = subprocess.run(
        [PARVIS, *args], env=env, check=True, timeout=600, capture_output=True, text=True
    )
    return done.stdout


def _control(peer_url: str, **spec: object) -> dict:
    return requests.post(f"{peer_url}/control/post", json=spec, timeout=60).json()


def test_a_peer_follows_the_city_over_http_and_receives_the_next_news(
    portal_env, portal_url, peer_url
):
    city = f"{portal_url}/federation/acteurs/ville"
    inbox = f"{city}/inbox"
    peer_actor = f"{peer_url}/actor"
    found = requests.get(
        f"{portal_url}/.well-known/webfinger",
        params={"resource": f"acct:ville@{portal_url.split('://', 1)[1]}"},
        timeout=30,
    ).json()
    assert found["links"][0]["href"] == city

    def follow(n: int) -> dict:
        return {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{peer_actor}#e2e-follow-{n}",
            "type": "Follow",
            "actor": peer_actor,
            "object": city,
        }

    unsigned = _control(peer_url, url=inbox, activity=follow(1), unsigned=True)
    assert unsigned["status"] == 401
    forged = _control(peer_url, url=inbox, activity=follow(2), forge=True)
    assert forged["status"] == 401
    followers = requests.get(f"{city}/abonnes", headers={"Accept": "application/activity+json"})
    assert followers.json()["totalItems"] == 0  # the refused follows stored nothing

    accepted = _control(peer_url, url=inbox, activity=follow(3))
    assert accepted["status"] == 202, accepted["body"]
    already = len(requests.get(f"{peer_url}/control/received", timeout=30).json())
    _parvis(portal_env, portal_url, "worker", "--once")  # the portal's own task worker
    received = requests.get(f"{peer_url}/control/received", timeout=30).json()[already:]
    assert [r["activity"]["type"] for r in received] == ["Accept"]
    assert received[0]["verified"], received[0]["error"]  # checked with the key read over HTTP
    assert received[0]["activity"]["object"]["id"] == f"{peer_actor}#e2e-follow-3"

    page_url = _parvis(portal_env, portal_url, "shell", "-c", PUBLISH).strip().splitlines()[-1]
    _parvis(portal_env, portal_url, "worker", "--once")
    received = requests.get(f"{peer_url}/control/received", timeout=30).json()[already + 1 :]
    assert [r["activity"]["type"] for r in received] == ["Create"]
    assert received[0]["verified"], received[0]["error"]
    assert received[0]["activity"]["object"]["url"] == page_url

    undo = {
        "id": f"{peer_actor}#e2e-undo",
        "type": "Undo",
        "actor": peer_actor,
        "object": follow(3),
    }
    assert _control(peer_url, url=inbox, activity=undo)["status"] == 202
    followers = requests.get(f"{city}/abonnes", headers={"Accept": "application/activity+json"})
    assert followers.json()["totalItems"] == 0
