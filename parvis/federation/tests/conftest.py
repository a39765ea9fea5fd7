"""The loopback peer (a second fediverse server in its own process) and the city's settings."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from parvis.conftest import free_port

CITY = "http://testserver"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def peer_url() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "parvis.federation.tests.peer", str(port)])
    try:
        for _ in range(400):
            try:
                requests.get(f"{url}/actor", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def _city_actor(django_db_setup, django_db_blocker) -> None:  # noqa: ANN001 — pytest-django
    """The city's actor and its key, made once for the session (key generation takes time)."""
    from django.conf import settings

    settings.BASE_URL = CITY
    from parvis.federation.services import city_actor

    with django_db_blocker.unblock():
        city_actor()


@pytest.fixture
def city(_city_actor, settings, db):  # noqa: ANN001, ANN201 — pytest-django fixtures
    """Settings of a portal at http://testserver that may talk to loopback servers."""
    settings.BASE_URL = CITY
    settings.PARVIS_FEDERATION_ALLOW_LOOPBACK = True
    from parvis.federation.services import city_actor

    return city_actor()


class Peer:
    """The test's handle on the loopback peer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.actor = f"{url}/actor"

    def signed(self, target: str, activity: dict[str, Any], **spec: Any) -> tuple[bytes, dict]:
        body = json.dumps(activity).encode()
        spec = {"url": target, "body": body.decode(), **spec}
        headers = requests.post(f"{self.url}/control/sign", json=spec, timeout=5).json()
        return body, headers

    def follow(self, target_actor: str) -> dict[str, Any]:
        return {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{self.actor}#follows/{next(_counter)}",
            "type": "Follow",
            "actor": self.actor,
            "object": target_actor,
        }

    def trust(self, key_id: str, pem: str) -> None:
        requests.post(f"{self.url}/control/keys", json={key_id: pem}, timeout=5)

    def fail(self, status: int) -> None:
        requests.post(f"{self.url}/control/fail", json={"status": status}, timeout=5)

    def received(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.url}/control/received", timeout=5).json()


@pytest.fixture
def peer(peer_url: str, city) -> Iterator[Peer]:  # noqa: ANN001
    """The peer, answering normally and trusting the city's key (as read from its document)."""
    from parvis.federation.activities import actor_document

    handle = Peer(peer_url)
    handle.fail(0)
    key = actor_document(city)["publicKey"]
    handle.trust(key["id"], key["publicKeyPem"])
    yield handle
    handle.fail(0)


@pytest.fixture
def post_signed(client) -> Callable[..., Any]:  # noqa: ANN001 — pytest-django client
    """POST what the peer signed to the city's inbox through the portal's own stack."""

    def send(path: str, body: bytes, headers: dict[str, str], **extra: Any) -> Any:
        return client.post(
            path,
            data=body,
            content_type=extra.pop("content_type", "application/activity+json"),
            headers=headers,
            **extra,
        )

    return send
