"""Fixtures of "Mes données" tests: private files in a folder of their own, SMS sent through
the outbox's SMS channel to the providers' loopback doubles (listening's fixtures)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.core import mail

from parvis.core.models import OutboxMessage
from parvis.core.notifications import outbox_deliver
from parvis.listening.tests.conftest import providers, sms_settings
from parvis.listening.tests.fakes import FakeProviders


@pytest.fixture
def folders(settings, tmp_path):  # noqa: ANN001, ANN201 — pytest fixtures
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path


@dataclass
class Texts:
    """What the providers' loopback doubles received through the outbox's SMS channel (the
    worker's delivery, the real send protocols)."""

    providers: FakeProviders
    delivered: list[tuple[str, str]] = field(default_factory=list)

    def deliver(self) -> list[tuple[str, str]]:
        """Run the outbox's delivery (what ``parvis worker`` does); every (number, text) sent."""
        outbox_deliver()
        sent = [(m["To"], m["Body"]) for m in self.providers.twilio]
        sent += [(to, m["message"]) for m in self.providers.ovh for to in m["receivers"]]
        self.delivered = sent
        return sent

    def code_for(self, phone: str) -> str:
        text = next(text for to, text in reversed(self.deliver()) if to == phone)
        return re.search(r"\b(\d{6})\b", text).group(1)


@pytest.fixture
def sms(sms_settings: FakeProviders) -> Texts:  # noqa: F811 — listening's fixture, imported
    return Texts(providers=sms_settings)


def link_from_outbox(recipient: str) -> str:
    """The path of the latest "Mes données" link queued for ``recipient``."""
    message = (
        OutboxMessage.objects.filter(recipient=recipient, topic="mydata").order_by("-pk").first()
    )
    assert message is not None, "no link queued"
    url = re.search(r"https?://\S+/mes-donnees/acces/\S+/", message.body_text).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


__all__ = ["folders", "link_from_outbox", "mail", "providers", "sms", "sms_settings"]
