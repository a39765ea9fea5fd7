"""The public-write policy, door by door: limits with daily caps, body caps before reading,
JSON only as application/json, Idempotency-Key, and refusals in each door's own format."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client, override_settings

from parvis.conversation.models import Conversation
from parvis.conversation.services import conversation_start
from parvis.reports.apikeys import api_key_create
from parvis.reports.models import Report
from parvis.reports.tests.factories import make_report

pytestmark = pytest.mark.django_db

BIG = str(200 * 1024 * 1024)


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read before the policy refused it")

    readline = read


@dataclass
class Door:
    name: str
    send: Callable[[Client], object]
    style: str  # html, json or open311


def _report_form(client: Client, **extra: object):
    data = {
        "category": "nid-de-poule",
        "address": "3 rue Crébillon",
        "description": "Un nid-de-poule profond.",
        "idempotency_key": str(uuid.uuid4()),
    }
    return client.post("/signalements/nouveau/", data, **extra)


def _api_report(client: Client, **extra: object):
    body = {"category": "nid-de-poule", "description": f"Trou {uuid.uuid4()}", "address": "1 rue"}
    return client.post("/api/v1/reports", body, content_type="application/json", **extra)


def _open311(fmt: str) -> Callable[[Client], object]:
    def send(client: Client, **extra: object):
        data = {"service_code": "nid-de-poule", "address_string": "1 rue X", "api_key": "nope"}
        return client.post(f"/open311/v2/requests.{fmt}", data, **extra)

    return send


def _support(client: Client, **extra: object):
    return client.post(f"/signalements/{make_report().pk}/soutenir/", **extra)


def _flag(client: Client, **extra: object):
    return client.post(f"/signalements/{make_report().pk}/signaler-un-abus/", **extra)


def _conversation_web(client: Client, **extra: object):
    return client.post("/assistant/", {"text": ""}, **extra)


def _conversation_api(client: Client, **extra: object):
    return client.post("/api/v1/conversations", {}, content_type="application/json", **extra)


def _message_web(client: Client, **extra: object):
    conversation, token = conversation_start()
    url = f"/assistant/{conversation.public_id}/ask/"
    return client.post(url, {"text": "", "t": token}, **extra)


def _message_api(client: Client, **extra: object):
    conversation, token = conversation_start()
    return client.post(
        f"/api/v1/conversations/{conversation.public_id}/messages",
        {"text": ""},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **extra,
    )


def _ask_agent(client: Client, **extra: object):
    return client.post("/recherche/agent/", {"question": ""}, **extra)


def _feedback(client: Client, **extra: object):
    return client.post("/recherche/avis/", {"q": "x", "id": "y", "helpful": "oui"}, **extra)


def _verify_upload(client: Client, **extra: object):
    return client.post("/verifier/", {}, **extra)


DOORS = [
    Door("reports.create", _report_form, "html"),
    Door("api.create", _api_report, "json"),
    Door("open311.post", _open311("json"), "open311-json"),
    Door("open311.post", _open311("xml"), "open311-xml"),
    Door("reports.support", _support, "html"),
    Door("reports.flag", _flag, "html"),
    Door("conversations.start", _conversation_web, "html"),
    Door("conversations.start", _conversation_api, "json"),
    Door("conversations.message", _message_web, "html"),
    Door("conversations.message", _message_api, "json"),
    Door("answers.agent_question", _ask_agent, "html"),
    Door("answers.feedback", _feedback, "html"),
    Door("certification.verify", _verify_upload, "html"),
]
IDS = [f"{d.name}-{d.style}-{d.send.__name__}" for d in DOORS]


def _assert_refusal(response, status: int, style: str, words: str) -> None:
    assert response.status_code == status
    body = response.content.decode()
    if style == "json":
        assert response["Content-Type"].startswith("application/json")
        assert words in json.loads(body)["error"]
    elif style == "open311-json":
        [error] = json.loads(body)
        assert error["code"] == status and words in error["description"]
    elif style == "open311-xml":
        assert "<errors><error><code>" in body and words in body
    else:
        assert response["Content-Type"].startswith("text/html")
        assert words in body and 'role="alert"' in body


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_every_public_write_door_is_rate_limited_in_its_own_format(client, door):
    """Past the door's limit: 429, Retry-After, the message in the door's format."""
    with override_settings(PARVIS_RATELIMITS={door.name: [(1, 600)]}):
        door.send(client)
        response = door.send(client)
    _assert_refusal(response, 429, door.style, "Trop de requêtes")
    assert 1 <= int(response["Retry-After"]) <= 600


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_every_door_refuses_an_oversized_body_without_reading_it(door):
    """A 200 MB Content-Length gets 413 before anything (CSRF check included) reads it."""
    client = Client(enforce_csrf_checks=True)
    response = door.send(client, CONTENT_LENGTH=BIG, **{"wsgi.input": UnreadableBody()})
    _assert_refusal(response, 413, door.style, "trop volumineuse")


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_every_door_refuses_a_chunked_body(door):
    """A body without Content-Length (Transfer-Encoding: chunked) is refused unread."""
    client = Client(enforce_csrf_checks=True)
    response = door.send(
        client,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody()},
    )
    _assert_refusal(response, 413, door.style, "Content-Length")


@override_settings(PARVIS_RATELIMITS={"api.create": [(100, 600), (2, 86400)]})
def test_api_reports_have_a_daily_cap(client):
    """Within the short window but past the daily cap: 429, wait until the day's window ends."""
    assert [_api_report(client).status_code for _ in range(2)] == [201, 201]
    refused = _api_report(client)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert Report.objects.count() == 2


def test_default_limits_stop_the_eleventh_api_report_in_ten_minutes(client):
    """Defaults: 10 API reports per address per 10 minutes (it took 60 a minute before)."""
    statuses = [
        client.post(
            "/api/v1/reports",
            {"category": "nid-de-poule", "description": f"Trou {i}", "address": "1 rue"},
            content_type="application/json",
        ).status_code
        for i in range(11)
    ]
    assert statuses == [201] * 10 + [429]


@override_settings(PARVIS_RATELIMITS={"api.create": [(1, 600)]})
def test_forged_forwarded_for_does_not_reset_the_limit(client):
    """From an untrusted peer, a new X-Forwarded-For each time is still the same client."""
    assert _api_report(client, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 201
    assert _api_report(client, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


@override_settings(PARVIS_RATELIMITS={"open311.post": [(100, 600)], "open311.post.key": [(1, 600)]})
def test_open311_key_is_limited_across_addresses(client):
    """One API key posting from two addresses shares the key's limit."""
    _key, raw = api_key_create(name="Intégrateur")
    data = {"service_code": "nid-de-poule", "address_string": "1 rue X", "api_key": raw}
    first = client.post("/open311/v2/requests.json", data, REMOTE_ADDR="198.51.100.1")
    second = client.post("/open311/v2/requests.json", data, REMOTE_ADDR="198.51.100.2")
    assert first.status_code == 200
    _assert_refusal(second, 429, "open311-json", "Trop de requêtes")


def test_text_plain_json_is_refused_with_415(client):
    """A cross-site form can post text/plain without a preflight: it files nothing."""
    body = json.dumps({"category": "nid-de-poule", "description": "CSRF", "address": "1 rue"})
    response = client.post("/api/v1/reports", body, content_type="text/plain")
    _assert_refusal(response, 415, "json", "application/json")
    assert Report.objects.count() == 0
    response = client.post("/api/v1/conversations", "{}", content_type="text/plain")
    assert response.status_code == 415 and Conversation.objects.count() == 0


def test_malformed_idempotency_key_is_a_400(client):
    response = _conversation_api(client, HTTP_IDEMPOTENCY_KEY='"unterminated')
    _assert_refusal(response, 400, "json", "mal formée")


def test_retried_conversation_start_replays_the_first_answer(client):
    """Same Idempotency-Key, same body: one conversation, the same id and token."""
    headers = {"HTTP_IDEMPOTENCY_KEY": "start-1"}
    first = client.post("/api/v1/conversations", {}, content_type="application/json", **headers)
    again = client.post("/api/v1/conversations", {}, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["token"] == again.json()["token"]
    assert again["Idempotent-Replayed"] == "true"
    assert Conversation.objects.count() == 1
    other = client.post(
        "/api/v1/conversations",
        {"question": "autre"},
        content_type="application/json",
        **headers,
    )
    assert other.status_code == 422


def test_resubmitted_question_to_an_agent_opens_one_conversation(client):
    """The search page's form posted twice (same hidden key) opens one conversation."""
    data = {"question": "Où déclarer un nid-de-poule ?", "idempotency_key": str(uuid.uuid4())}
    first = client.post("/recherche/agent/", data)
    second = client.post("/recherche/agent/", data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Conversation.objects.count() == 1


def test_form_error_releases_the_key_for_the_corrected_form(client):
    """A refused form (400) is not stored: the corrected post with the same key goes through."""
    key = str(uuid.uuid4())
    assert client.post("/recherche/agent/", {"question": "", "idempotency_key": key}).status_code
    fixed = client.post("/recherche/agent/", {"question": "Horaires ?", "idempotency_key": key})
    assert fixed.status_code == 303
