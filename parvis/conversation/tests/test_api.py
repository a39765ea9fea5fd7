"""The conversations JSON API over real HTTP: token-guarded, 404 for a wrong token, 4xx errors."""

from __future__ import annotations

import pytest
import requests

HUMAN = "Je veux parler à quelqu'un"


@pytest.fixture(scope="module")
def api(portal_url: str) -> str:
    return f"{portal_url}/api/v1/conversations"


def _start(api: str, question: str = HUMAN) -> dict:
    response = requests.post(api, json={"question": question}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def test_start_returns_an_id_and_a_token_and_hands_off_on_request(api: str) -> None:
    """POST /conversations gives an id and a secret token; asking for a human hands off."""
    data = _start(api)
    assert data["id"] and len(data["token"]) >= 32
    assert data["status"] == "handed_off"
    assert [m["author"] for m in data["messages"]] == ["resident", "assistant"]


def test_thread_is_read_with_either_token_header(api: str) -> None:
    """GET accepts the token as a Bearer header or as X-Conversation-Token."""
    data = _start(api)
    url = f"{api}/{data['id']}"
    bearer = requests.get(url, headers={"Authorization": f"Bearer {data['token']}"}, timeout=10)
    custom = requests.get(url, headers={"X-Conversation-Token": data["token"]}, timeout=10)
    assert bearer.status_code == custom.status_code == 200
    assert bearer.json()["messages"][0]["text"] == HUMAN


def test_wrong_or_missing_token_is_a_404_not_a_403(api: str) -> None:
    """A wrong token answers like an unknown id, so existence is never confirmed."""
    data = _start(api)
    url = f"{api}/{data['id']}"
    wrong = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    missing = requests.get(url, timeout=10)
    unknown = requests.get(f"{api}/doesnotexist", headers={"X-Conversation-Token": "x"}, timeout=10)
    assert wrong.status_code == missing.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() == {"error": "Conversation introuvable."}


def test_resident_message_after_hand_off_waits_for_an_agent(api: str) -> None:
    """A message posted after the hand-off is stored and the conversation waits for an agent."""
    data = _start(api)
    headers = {"X-Conversation-Token": data["token"]}
    response = requests.post(
        f"{api}/{data['id']}/messages", json={"text": "C'est urgent"}, headers=headers, timeout=30
    )
    assert response.status_code == 200
    assert response.json()["status"] == "waiting_agent"
    assert response.json()["messages"][-1]["text"] == "C'est urgent"


@pytest.mark.parametrize(
    "body", [{"text": ""}, {"text": "x" * 2001}, {"text": 12}, {"feedback": "peut-être"}]
)
def test_bad_messages_get_a_json_error_and_store_nothing(api: str, body: dict) -> None:
    """Empty, too long or malformed messages get a 400 {"error": …}; the thread is unchanged."""
    data = _start(api)
    headers = {"X-Conversation-Token": data["token"]}
    response = requests.post(f"{api}/{data['id']}/messages", json=body, headers=headers, timeout=30)
    assert response.status_code == 400
    assert "error" in response.json()
    after = requests.get(f"{api}/{data['id']}", headers=headers, timeout=10).json()
    assert len(after["messages"]) == len(data["messages"])


def test_malformed_json_is_a_400(api: str) -> None:
    """A body that is not JSON gets a 400 with an error, never a 500."""
    response = requests.post(
        api, data="{not json", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_the_api_is_in_the_openapi_description(portal_url: str) -> None:
    """The three endpoints are documented in the site's OpenAPI document."""
    paths = requests.get(f"{portal_url}/api/v1/openapi.json", timeout=10).json()["paths"]
    assert "/api/v1/conversations" in paths
    assert "/api/v1/conversations/{conversation_id}/messages" in paths
    assert "/api/v1/conversations/{conversation_id}" in paths
