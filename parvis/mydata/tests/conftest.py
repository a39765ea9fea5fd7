"""Fixtures of "Mes données" tests: private files in a folder of their own, a texting channel."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.core import mail

from parvis.core import notifications
from parvis.core.models import OutboxMessage


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
    """What the SMS channel was asked to send (the outbox has no SMS transport yet)."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def code_for(self, phone: str) -> str:
        text = next(text for to, text in reversed(self.sent) if to == phone)
        return re.search(r"\b(\d{6})\b", text).group(1)


@pytest.fixture
def sms(monkeypatch):  # noqa: ANN001, ANN201
    texts = Texts()

    def sms_enqueue(*, recipient: str, text: str, topic: str) -> None:
        texts.sent.append((recipient, text))

    monkeypatch.setattr(notifications, "sms_enqueue", sms_enqueue, raising=False)
    return texts


def link_from_outbox(recipient: str) -> str:
    """The path of the latest "Mes données" link queued for ``recipient``."""
    message = (
        OutboxMessage.objects.filter(recipient=recipient, topic="mydata").order_by("-pk").first()
    )
    assert message is not None, "no link queued"
    url = re.search(r"https?://\S+/mes-donnees/acces/\S+/", message.body_text).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


__all__ = ["folders", "link_from_outbox", "mail", "sms"]
