"""Fixtures of "Une minute pour…": questions, the providers' doubles and their settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from parvis.content.models import Service
from parvis.listening.models import FieldQuestion
from parvis.listening.tests.fakes import FakeProviders


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
