from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends import locmem
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parvis.core.models import OutboxMessage
from parvis.core.notifications import (
    ALERTS_TOPIC,
    outbox_backoff,
    outbox_claim,
    outbox_deliver,
    outbox_enqueue,
)

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


def _queue(name: str = "A") -> OutboxMessage:
    return outbox_enqueue(
        recipient="a@example.test",
        template="core/email/test_message",
        context={"name": name},
        topic="tests",
    )


def _refuse(*args, **kwargs):
    raise ConnectionRefusedError("smtp down")


def test_failed_delivery_is_retried_after_a_backoff(settings, monkeypatch):
    """A failed message waits for its backoff, then is sent by a later run."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PARVIS_OUTBOX_RETRY_SECONDS = 60
    message = _queue()
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", _refuse)
    assert outbox_deliver() == (0, 1)
    monkeypatch.undo()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.last_error == "smtp down"
    assert message.next_attempt_at > timezone.now()
    assert outbox_deliver() == (0, 0)  # not before its backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox_deliver() == (1, 0)
    assert len(mail.outbox) == 1


def test_backoff_doubles_with_jitter_and_is_capped(settings):
    """Each failure doubles the wait (between half and all of it), never past six hours."""
    settings.PARVIS_OUTBOX_RETRY_SECONDS = 60
    for attempts, full in [(1, 60), (2, 120), (3, 240), (10, 6 * 3600)]:
        for _ in range(20):
            delay = outbox_backoff(attempts).total_seconds()
            assert full / 2 <= delay <= full


def test_message_is_dead_lettered_after_the_last_attempt_and_admins_are_told(
    settings, monkeypatch, django_user_model
):
    """After the last attempt the message is no longer retried, and every administrator gets an
    alert through the outbox (an alert that fails in turn alerts nobody: no loop)."""
    settings.PARVIS_OUTBOX_MAX_ATTEMPTS = 2
    django_user_model.objects.create_superuser("chef", "chef@example.test", "x")
    message = _queue()
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", _refuse)
    assert outbox_deliver() == (0, 1)
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        assert outbox_deliver() == (0, 1)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 2
    alert = OutboxMessage.objects.get(topic=ALERTS_TOPIC)
    assert alert.recipient == "chef@example.test"
    assert f"n° {message.pk}" in alert.body_text
    assert "2 tentatives" in alert.body_text
    with time_machine.travel(timezone.now() + timedelta(hours=14)):
        assert outbox_deliver() == (0, 1)  # the alert (the dead message is not retried)
    with time_machine.travel(timezone.now() + timedelta(hours=21)):
        assert outbox_deliver() == (0, 1)
    assert OutboxMessage.objects.filter(topic=ALERTS_TOPIC).count() == 1


def test_claimed_message_is_left_to_its_worker_until_the_lease_expires(settings):
    """Two workers never send the same message; a crashed worker's claim expires."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PARVIS_OUTBOX_LEASE_SECONDS = 300
    _queue()
    assert len(outbox_claim()) == 1  # a worker that then dies
    assert outbox_claim() == []
    assert outbox_deliver() == (0, 0)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert outbox_deliver() == (1, 0)


def test_a_message_sent_again_after_its_lease_expired_keeps_its_message_id(settings):
    """A worker killed between the mail server's acceptance and the commit of "sent": its
    lease expires and another worker sends the message again, under the same Message-ID, so
    that the receiver sees one message (delivery is at least once, deduplicated)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PARVIS_OUTBOX_LEASE_SECONDS = 300
    settings.BASE_URL = "https://ville.example"
    first, other = _queue("A"), _queue("B")
    assert outbox_deliver() == (2, 0)
    # What a worker killed after sending leaves: its claim, and nothing recorded as sent.
    OutboxMessage.objects.update(
        status=OutboxMessage.Status.PENDING,
        sent_at=None,
        claimed_until=timezone.now() + timedelta(seconds=300),
        claim_token="killed-worker",
    )
    assert outbox_deliver() == (0, 0)  # its lease still runs
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert outbox_deliver() == (2, 0)
    ids = [sent.extra_headers["Message-ID"] for sent in mail.outbox]
    assert [sent.to for sent in mail.outbox] == [["a@example.test"]] * 4
    assert ids[0] == ids[2] and ids[1] == ids[3]  # each message's copies: one Message-ID
    assert ids[0] != ids[1]
    assert ids[0].endswith("@ville.example>")
    assert str(first.pk) in ids[0] and str(other.pk) in ids[1]
    message = mail.outbox[0].message()
    assert message["Message-ID"] == ids[0]  # the header on the wire, not Django's random one


class SlowMailServer(locmem.EmailBackend):
    """A mail server that takes 40 s (of the test's frozen clock) to accept each message."""

    clock: time_machine.Traveller | None = None

    def send_messages(self, messages: list) -> int:
        SlowMailServer.clock.shift(timedelta(seconds=40))
        return super().send_messages(messages)


def test_a_worker_gives_back_what_it_cannot_send_before_its_lease_runs_out(settings):
    """A batch outlasting its lease would be claimed again, and sent twice, by another worker:
    the worker stops while a send still fits in its lease, and gives the rest back at once."""
    settings.EMAIL_BACKEND = f"{__name__}.SlowMailServer"
    settings.PARVIS_OUTBOX_LEASE_SECONDS = 300
    settings.EMAIL_TIMEOUT = 30
    for n in range(10):
        _queue(str(n))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        SlowMailServer.clock = clock
        # Sends start at 0, 40… 240 s (60 s of lease left); at 280 s a send could outlast it.
        assert outbox_deliver() == (7, 0)
        left = OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT)
        assert left.count() == 3
        assert not left.filter(claimed_until__isnull=False).exists()  # given back
        assert outbox_deliver() == (3, 0)  # the next run, without waiting for the lease
    assert sorted(m.subject for m in mail.outbox) == sorted(f"Bonjour {n}" for n in range(10))


def test_mail_server_is_talked_to_outside_any_transaction(settings, monkeypatch):
    """Delivery holds no database transaction while the mail server answers."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _queue()
    outer = len(connection.atomic_blocks)
    depths = []
    real = EmailMultiAlternatives.send

    def spy(self, *args, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", spy)
    assert outbox_deliver() == (1, 0)
    assert depths == [outer]


def test_new_messages_queue_one_delivery_task_with_their_transaction():
    """A resident's email goes out within seconds: the message's transaction queues one
    delivery job (committed with it, however many messages it stores)."""
    with transaction.atomic():
        _queue()
        _queue()
    task = DBTaskResult.objects.get()
    assert task.task_path == "parvis.core.tasks.outbox_deliver_task"
    assert task.backend_name == "background"


def test_a_rolled_back_message_queues_no_delivery_task():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert not DBTaskResult.objects.exists()
