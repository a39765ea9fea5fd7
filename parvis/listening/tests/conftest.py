"""Fixtures of "Une minute pour…": questions, the providers' doubles and their settings."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from parvis.conftest import PARVIS, free_port, wait_until_up
from parvis.content.models import Service
from parvis.listening.models import FieldQuestion
from parvis.listening.sms.twilio import twilio_signature
from parvis.listening.tests.fakes import TWILIO_TOKEN, FakeProviders


@pytest.fixture(scope="session")
def providers() -> Iterator[FakeProviders]:
    fake = FakeProviders().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def sms_settings(settings, providers: FakeProviders) -> FakeProviders:
    """This process's settings pointing at the providers' doubles (fresh records)."""
    for name, value in providers.settings_env().items():
        setattr(settings, name, value.rstrip("/"))
    providers.twilio.clear()
    providers.ovh.clear()
    providers.refused.clear()
    providers.unsubscribed.clear()
    providers.fail_next = 0
    return providers


def make_question(**kwargs: object) -> FieldQuestion:
    now = timezone.now()
    defaults: dict[str, object] = {
        "code": "TEST1",
        "text": "Une piste cyclable ici : vous êtes pour ?",
        "kind": FieldQuestion.Kind.YES_NO,
        "service": Service.objects.get(slug="deplacements"),
        "lead_name": "Léa",
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=10),
        "status": FieldQuestion.Status.PUBLISHED,
    }
    defaults.update(kwargs)
    question = FieldQuestion(**defaults)
    question.full_clean()
    question.save()
    return question


@pytest.fixture
def question(db) -> FieldQuestion:  # noqa: ANN001 — pytest-django's fixture
    return make_question()


@pytest.fixture(scope="session")
def sms_portal(portal_env: dict[str, str], providers: FakeProviders) -> Iterator[SmsPortal]:
    """The real portal (gunicorn, two workers) with both SMS providers pointed at the doubles."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**portal_env, **providers.settings_env(), "PARVIS_BASE_URL": url}
    log = (Path(portal_env["PARVIS_VAR_DIR"]) / "sms-server.log").open("ab")
    proc = subprocess.Popen(
        [PARVIS, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_until_up(url)
        yield SmsPortal(url=url, env=env)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


class SmsPortal:
    """A running portal: its URL, and Python run against its own database."""

    def __init__(self, *, url: str, env: dict[str, str]) -> None:
        self.url = url
        self.env = env

    def python(self, code: str) -> str:
        """Run ``code`` in ``parvis shell`` on the portal's database; its standard output."""
        done = subprocess.run(
            [PARVIS, "shell", "-c", code],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return done.stdout.strip()

    def twilio_post(self, params: dict[str, str], *, signature: str | None = None):
        path = "/sms/twilio/"
        if signature is None:
            signature = twilio_signature(
                auth_token=TWILIO_TOKEN, url=self.url + path, params=list(params.items())
            )
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return requests.post(self.url + path, data=params, headers=headers, timeout=60)
