"""The one interface every SMS provider sits behind; a city adds its own by subclassing.

An adapter does two things, in the provider's own protocol:

- ``inbound(request)`` authenticates a webhook request (signature, secret) and parses it into an
  ``InboundSMS``; a request it cannot authenticate raises ``InboundRefused`` (the view answers
  403 and stores nothing);
- ``send(to=, from_=, body=)`` sends one SMS through the provider's API (called by the outbox's
  worker, never in a request); it raises ``SendFailed`` (an OSError: retried with backoff) or
  ``RecipientRefused`` (the provider says the number opted out: never retried).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class InboundSMS:
    provider: str
    message_id: str
    from_number: str
    to_number: str
    text: str


class InboundRefused(Exception):
    """The request is not authentic (unsigned, wrongly signed, wrong secret) or malformed."""


class SendFailed(OSError):
    """The provider could not take the message now: try again later."""


class RecipientRefused(Exception):
    """The provider refuses the recipient for good (opted out at the carrier)."""


class SmsAdapter(ABC):
    """A provider's inbound webhook and send API."""

    name: str = ""
    timeout: float = 10.0

    @abstractmethod
    def configured(self) -> bool:
        """Whether the settings needed for this provider are present."""

    @abstractmethod
    def inbound(self, request: HttpRequest, **kwargs: str) -> InboundSMS:
        """Authenticate and parse a webhook request; InboundRefused otherwise."""

    @abstractmethod
    def send(self, *, to: str, from_: str, body: str) -> str:
        """Send ``body`` to the E.164 number ``to``; returns the provider's message id."""

    def acknowledge(self) -> HttpResponse:
        """What the webhook answers once the message is stored (or was already)."""
        return HttpResponse(status=200)

    def public_url(self, request: HttpRequest) -> str:
        """The URL the provider called, as it saw it (the portal's public base URL)."""
        return settings.BASE_URL + request.get_full_path()


def adapters() -> dict[str, SmsAdapter]:
    """Every adapter listed in ``PARVIS_SMS_ADAPTERS``, by name."""
    found: dict[str, SmsAdapter] = {}
    for path in settings.PARVIS_SMS_ADAPTERS:
        adapter = import_string(path)()
        found[adapter.name] = adapter
    return found


def adapter_get(name: str) -> SmsAdapter | None:
    """The adapter called ``name`` if it is listed and configured."""
    adapter = adapters().get(name)
    return adapter if adapter is not None and adapter.configured() else None
