import pytest
from django.core import mail
from django.db import transaction

from parvis.core.models import OutboxMessage
from parvis.core.notifications import outbox_deliver, outbox_enqueue

pytestmark = pytest.mark.django_db


def test_queued_message_is_delivered_once(settings, tmp_path):
    """A message queued in a transaction is sent by the next delivery run, and only once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with transaction.atomic():
        outbox_enqueue(
            recipient="habitant@example.test",
            template="core/email/test_message",
            context={"name": "Camille"},
            topic="tests",
        )
    assert outbox_deliver() == (1, 0)
    assert outbox_deliver() == (0, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Bonjour Camille"
    assert "Camille" in mail.outbox[0].alternatives[0][0]


def test_message_queued_in_a_rolled_back_transaction_is_never_sent():
    """The outbox shares the change's fate: no change, no message."""
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(
            recipient="habitant@example.test",
            template="core/email/test_message",
            context={"name": "Camille"},
            topic="tests",
        )
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_failed_delivery_is_retried_later(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_enqueue(
        recipient="a@example.test",
        template="core/email/test_message",
        context={"name": "A"},
        topic="tests",
    )

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert outbox_deliver() == (0, 1)
    monkeypatch.undo()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver() == (1, 0)
