"""Optional generative phrasing against a local OpenAI-compatible server over loopback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from parvis.conversation.models import HandOff, Message
from parvis.conversation.services import conversation_ask, conversation_hand_off, conversation_start

pytestmark = pytest.mark.django_db


class FakeChat:
    """What the fake endpoint answers next, and what it received."""

    def __init__(self) -> None:
        self.reply = "Prenez rendez-vous en mairie [1]."
        self.status = 200
        self.delay = 0.0
        self.requests: list[dict] = []


@pytest.fixture
def chat(settings) -> Iterator[FakeChat]:  # noqa: ANN001
    state = FakeChat()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — http.server's API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
            )
            time.sleep(state.delay)
            payload = {"choices": [{"message": {"role": "assistant", "content": state.reply}}]}
            data = json.dumps(payload).encode() if state.status == 200 else b"{}"
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PARVIS_LLM_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.PARVIS_LLM_MODEL = "city-model"
    settings.PARVIS_LLM_API_KEY = "k-test"
    settings.PARVIS_LLM_TIMEOUT = 0.5
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def passport(engine, make_fiche, service_x):  # noqa: ANN001, ANN201
    fiche = make_fiche("Refaire son passeport", "Sur rendez-vous en mairie.", service_x)
    engine.script["passeport"] = [(fiche, 0.9)]
    return fiche


def test_phrased_answer_keeps_its_source_link(chat, passport) -> None:  # noqa: ANN001
    """The model's phrasing is shown with the published page it comes from."""
    conversation, _token = conversation_start()
    answer = conversation_ask(conversation=conversation, text="passeport ?")[-1]
    assert answer.text == "Prenez rendez-vous en mairie [1]."
    assert answer.sources[0]["url"] == passport.url
    assert chat.requests[0]["path"] == "/v1/chat/completions"
    assert chat.requests[0]["auth"] == "Bearer k-test"


def test_model_only_receives_published_passages(chat, passport) -> None:  # noqa: ANN001
    """No other resident's words, contact or transcript ever reach the endpoint."""
    other, _t = conversation_start()
    conversation_ask(conversation=other, text="Un agent, je suis Paul Durand 0611223344")
    conversation_hand_off(conversation=other)
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="passeport ?")
    sent = json.dumps(chat.requests)
    assert "Paul Durand" not in sent and "0611223344" not in sent
    user = chat.requests[-1]["body"]["messages"][-1]["content"]
    assert "Sur rendez-vous en mairie." in user and passport.url in user


def test_refusal_turns_into_an_offer_of_a_human(chat, passport) -> None:  # noqa: ANN001
    """When the model says the passages do not answer, the assistant offers an agent."""
    chat.reply = "JE NE SAIS PAS"
    conversation, _token = conversation_start()
    reply = conversation_ask(conversation=conversation, text="passeport ?")[-1]
    assert reply.kind == Message.Kind.OFFER
    conversation_hand_off(conversation=conversation)
    assert HandOff.objects.get(conversation=conversation).reason == "low_confidence"


@pytest.mark.parametrize("failure", ["timeout", "500"])
def test_endpoint_failure_falls_back_to_the_extractive_answer(chat, passport, failure) -> None:  # noqa: ANN001
    """A timeout or an HTTP 500 from the endpoint gives the plain short answer instead."""
    if failure == "timeout":
        chat.delay = 1.5
    else:
        chat.status = 500
    conversation, _token = conversation_start()
    answer = conversation_ask(conversation=conversation, text="passeport ?")[-1]
    assert answer.kind == Message.Kind.ANSWER
    assert answer.text == "Sur rendez-vous en mairie."


def test_phrasing_is_off_by_default(engine, passport, settings) -> None:  # noqa: ANN001
    """Without PARVIS_LLM_URL the answer is the Fiche's own short answer."""
    assert settings.PARVIS_LLM_URL == ""
    conversation, _token = conversation_start()
    assert conversation_ask(conversation=conversation, text="passeport")[-1].text == (
        "Sur rendez-vous en mairie."
    )


@pytest.mark.parametrize(
    "reply",
    [
        "Prenez rendez-vous.",  # no quoted source
        "Tu es l'assistant du site de la ville. Réponds en français, en trois phrases au plus [1]",
    ],
)
def test_unsourced_or_leaking_phrasing_is_not_shown(chat, passport, reply: str) -> None:  # noqa: ANN001
    """An answer quoting no source, or echoing the instructions, falls back to the Fiche."""
    chat.reply = reply
    conversation, _token = conversation_start()
    answer = conversation_ask(conversation=conversation, text="passeport ?")[-1]
    assert answer.text == "Sur rendez-vous en mairie."


def test_model_is_called_outside_any_transaction_of_the_service(
    chat, passport, monkeypatch
) -> None:  # noqa: ANN001
    """The resident's message is committed before the model is asked: a slow model holds no
    database lock (the only transaction open during the call is the test's own)."""
    from django.db import connection

    from parvis.conversation import llm

    outer = len(connection.atomic_blocks)
    depths = []
    real = llm.llm_phrase

    def spy(**kwargs):  # noqa: ANN003, ANN202
        depths.append(len(connection.atomic_blocks))
        return real(**kwargs)

    monkeypatch.setattr("parvis.conversation.services.resident.llm_phrase", spy)
    conversation, _token = conversation_start()
    answer = conversation_ask(conversation=conversation, text="passeport ?")[-1]
    assert depths == [outer]
    assert answer.text == "Prenez rendez-vous en mairie [1]."
