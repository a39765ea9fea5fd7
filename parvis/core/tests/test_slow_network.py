"""No network I/O inside a transaction: a slow mail server and a slow language model, both held
on loopback, do not stop residents from filing and supporting reports.

Real processes: the portal under gunicorn and ``parvis worker``, on their own database; a real
SMTP server (aiosmtpd) that stops before answering DATA, and an OpenAI-compatible endpoint that
stops before answering. Nothing is timed: the slow servers hold their connection until the test
has had every resident request answered, which is checked by the order of events.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from aiosmtpd.controller import Controller

from parvis.conftest import PARVIS, _fresh_postgres_url, free_port, wait_until_up

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
HOLD = 300  # seconds a slow server waits for the test at most (a bound, not an assertion)
REPORTS = 8


class Gate:
    """A slow server's state: when it got the call, whether it answered, and the release."""

    def __init__(self) -> None:
        self.called = threading.Event()
        self.release = threading.Event()
        self.answered = threading.Event()
        self.received: list[str] = []
        self._arrival = threading.Condition()

    def arrived(self, items: list[str]) -> None:
        with self._arrival:
            self.received.extend(items)
            self._arrival.notify_all()

    def wait_for(self, item: str) -> bool:
        with self._arrival:
            return self._arrival.wait_for(lambda: item in self.received, HOLD)


class SlowSMTPHandler:
    def __init__(self, gate: Gate) -> None:
        self.gate = gate

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 — aiosmtpd
        import asyncio

        self.gate.arrived(envelope.rcpt_tos)
        self.gate.called.set()
        await asyncio.get_running_loop().run_in_executor(None, self.gate.release.wait, HOLD)
        self.gate.answered.set()
        return "250 OK"


@pytest.fixture
def slow_smtp() -> Iterator[tuple[Gate, int]]:
    gate = Gate()
    port = free_port()
    controller = Controller(SlowSMTPHandler(gate), hostname="127.0.0.1", port=port)
    controller.start()
    yield gate, port
    gate.release.set()
    controller.stop()


@pytest.fixture
def slow_llm() -> Iterator[tuple[Gate, int]]:
    gate = Gate()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — http.server's API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            gate.arrived([body["messages"][-1]["content"]])
            gate.called.set()
            gate.release.wait(HOLD)
            gate.answered.set()
            reply = {"choices": [{"message": {"content": "Prenez rendez-vous en mairie [1]."}}]}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield gate, server.server_address[1]
    gate.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def city(tmp_path_factory, slow_smtp, slow_llm) -> Iterator[str]:
    """A portal (3 web workers) and one task worker, mailing and phrasing through the slow
    servers; their own database, prepared like `make demo`."""
    var = tmp_path_factory.mktemp("slow-network-var")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = _fresh_postgres_url(database_url, "slownet")
    else:
        env.pop("DATABASE_URL", None)
    env.update(
        PARVIS_VAR_DIR=str(var),
        PARVIS_BASE_URL=url,
        PARVIS_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        PARVIS_EMAIL_HOST="127.0.0.1",
        PARVIS_EMAIL_PORT=str(slow_smtp[1]),
        PARVIS_EMAIL_TIMEOUT=str(HOLD * 2),
        PARVIS_LLM_URL=f"http://127.0.0.1:{slow_llm[1]}/v1",
        PARVIS_LLM_MODEL="city-model",
        PARVIS_LLM_TIMEOUT=str(HOLD * 2),
        PARVIS_REQUEST_TIMEOUT=str(HOLD * 2),
        PARVIS_RATELIMITS_JSON=json.dumps(
            {"reports.create": [[1000, 600]], "reports.support": [[1000, 600]]}
        ),
        PARVIS_PAGE_CACHE="false",
    )
    subprocess.run([PARVIS, "demo", "--no-serve"], env=env, check=True, timeout=900)
    log = (var / "processes.log").open("ab")
    web = subprocess.Popen(
        [PARVIS, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    worker = subprocess.Popen(
        [PARVIS, "worker", "--interval", "0.2"],
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=log,
    )
    try:
        wait_until_up(url)
        yield url
    finally:
        slow_smtp[0].release.set()
        slow_llm[0].release.set()
        for proc in (worker, web):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def _report(url: str, n: int, email: str = "") -> requests.Response:
    body = {"category": "tag", "description": f"Tag n° {n} rue de la Paix", "lat": 47.21}
    body.update({"long": -1.55, **({"email": email} if email else {})})
    return requests.post(f"{url}/api/v1/reports", json=body, timeout=HOLD)


def _support(url: str, report_id: int) -> requests.Response:
    session = requests.Session()
    page = session.get(f"{url}/signalements/{report_id}/", timeout=HOLD)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{url}/signalements/{report_id}/soutenir/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
        timeout=HOLD,
    )


@pytest.mark.django_db(transaction=False)
def test_reports_and_supports_are_accepted_while_mail_and_model_are_slow(
    city, slow_smtp, slow_llm
) -> None:
    """While the worker waits on a silent mail server and a resident's conversation waits on a
    silent language model, every report and every support is accepted (no 'database is
    locked'); then both calls complete and nothing was lost."""
    smtp, _ = slow_smtp
    llm, _ = slow_llm
    first = _report(city, 0, email="habitante@example.test")
    assert first.status_code == 201, first.text
    assert smtp.called.wait(HOLD), "the worker never reached the mail server"

    asked: dict[str, requests.Response] = {}

    def ask() -> None:
        asked["response"] = requests.post(
            f"{city}/api/v1/conversations", json={"question": "faire un passeport"}, timeout=HOLD
        )

    conversation = threading.Thread(target=ask)
    conversation.start()
    assert llm.called.wait(HOLD), "the assistant never asked the model"

    created = [_report(city, n) for n in range(1, REPORTS + 1)]
    supported = [_support(city, r.json()["id"]) for r in created if r.status_code == 201]

    # Every resident request was answered while both slow servers still held their call.
    assert not smtp.answered.is_set() and not llm.answered.is_set()
    assert [r.status_code for r in created] == [201] * REPORTS, [r.text[:200] for r in created]
    assert [r.status_code for r in supported] == [200] * REPORTS
    assert all("Merci, votre soutien est enregistré." in r.text for r in supported)

    smtp.release.set()
    llm.release.set()
    conversation.join(HOLD)
    assert asked["response"].status_code == 201, asked["response"].text
    conversation_id = asked["response"].json()["id"]
    token = asked["response"].json()["token"]
    thread = requests.get(
        f"{city}/api/v1/conversations/{conversation_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=HOLD,
    ).json()
    assert thread["messages"][-1]["text"] == "Prenez rendez-vous en mairie [1]."
    assert smtp.wait_for("habitante@example.test"), "the resident's email was never sent"
    listing = requests.get(f"{city}/api/v1/reports?category=tag", timeout=HOLD).json()
    assert listing["count"] >= REPORTS + 1
