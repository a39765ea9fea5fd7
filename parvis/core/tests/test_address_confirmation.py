"""No email to an address nobody confirmed: a typed address gets a confirmation link first.

Whoever types a third party's address on a report or a question must not make the city write
to them: that address receives one confirmation email (a signed, expiring link, no text the
sender wrote); what was queued for it waits, and goes only once the owner follows the link.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.core import mail

from parvis.content.selectors import agent_profile_get
from parvis.conversation.models import Conversation
from parvis.conversation.services import conversation_reply
from parvis.core.models import AddressConfirmation, OutboxMessage
from parvis.core.notifications import outbox_deliver, outbox_purge_unconfirmed
from parvis.reports.models import Report
from parvis.reports.services import report_update_publish
from parvis.reports.tests.factories import agent_for

pytestmark = pytest.mark.django_db
VICTIM = "voisin@example.org"
CANARY = "TEXTE-DE-L-EXPEDITEUR-42"


def _file_report(client, email: str = VICTIM, description: str = CANARY):
    return client.post(
        "/signalements/nouveau/",
        {
            "category": "nid-de-poule",
            "address": "3 rue Crébillon",
            "description": description,
            "email": email,
            "idempotency_key": str(uuid.uuid4()),
        },
    )


def _link(message) -> str:  # noqa: ANN001
    return re.search(r"https?://\S+/confirmer-adresse/\S+/", message.body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_report_with_someone_elses_address_sends_only_a_confirmation(client):
    """The address gets one email: the confirmation, without the sender's text."""
    assert _file_report(client).status_code == 302
    outbox_deliver()
    assert [m.to for m in mail.outbox] == [[VICTIM]]
    [confirmation] = mail.outbox
    assert "Confirmez" in confirmation.subject
    assert CANARY not in confirmation.body
    for alternative, _type in confirmation.alternatives:
        assert CANARY not in alternative
    held = OutboxMessage.objects.get(recipient=VICTIM, topic="reports")
    assert held.status == OutboxMessage.Status.HELD


def test_following_the_link_releases_what_waited(client):
    """GET only asks (mail scanners open links); POST confirms and releases the messages."""
    _file_report(client)
    outbox_deliver()
    path = _path(_link(mail.outbox[0]))
    page = client.get(path)
    assert page.status_code == 200 and "Je confirme" in page.content.decode()
    assert OutboxMessage.objects.get(topic="reports").status == OutboxMessage.Status.HELD
    assert "Adresse confirmée" in client.post(path).content.decode()
    mail.outbox.clear()
    outbox_deliver()
    assert [m.to for m in mail.outbox] == [[VICTIM]]
    assert "bien reçu" in mail.outbox[0].subject


def test_after_confirmation_updates_go_straight_out(client):
    _file_report(client)
    outbox_deliver()
    client.post(_path(_link(mail.outbox[0])))
    report = Report.objects.get()
    report_update_publish(
        report=report, agent=agent_for("voirie"), status="planifie", message="Mardi."
    )
    update = OutboxMessage.objects.filter(topic="reports").latest("pk")
    assert update.status == OutboxMessage.Status.PENDING


@pytest.mark.parametrize("tamper", ["forged", "expired"])
def test_altered_or_expired_link_confirms_nothing(client, tamper):
    """A forged token or one past its days: a clear 400, and the messages keep waiting."""
    _file_report(client)
    outbox_deliver()
    path = _path(_link(mail.outbox[0]))
    if tamper == "forged":
        response = client.post(path.replace("/confirmer-adresse/", "/confirmer-adresse/x"))
    else:
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
            response = client.post(path)
    assert response.status_code == 400
    assert "pas valable ou a expiré" in response.content.decode()
    assert OutboxMessage.objects.get(topic="reports").status == OutboxMessage.Status.HELD
    assert AddressConfirmation.objects.get().confirmed_at is None


def test_one_address_gets_at_most_three_confirmations_a_day(client):
    """Filing five reports with someone's address sends them three confirmation emails."""
    for i in range(5):
        _file_report(client, description=f"Nid-de-poule {i}")
    queued = OutboxMessage.objects.filter(recipient=VICTIM, topic="confirmation")
    assert queued.count() == 3


def test_unfollowed_confirmations_are_purged_with_what_waited(client):
    _file_report(client)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        assert outbox_purge_unconfirmed() == 1
    assert not AddressConfirmation.objects.exists()
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.HELD).exists()


def test_question_to_an_agent_emails_only_a_confirmation_until_confirmed(client):
    """The search page's "ask an agent" with an address: the agent's reply waits for it."""
    response = client.post(
        "/recherche/agent/",
        {"question": "Comment refaire ma carte d'identité ?", "email": VICTIM},
    )
    assert response.status_code == 303
    conversation = Conversation.objects.get()
    agent_user = agent_for(conversation.service.slug)
    conversation_reply(
        conversation=conversation,
        agent=agent_profile_get(user=agent_user),
        text="Prenez rendez-vous en ligne.",
    )
    outbox_deliver()
    assert [m.subject for m in mail.outbox] == ["Confirmez votre adresse électronique"]
    client.post(_path(_link(mail.outbox[0])))
    mail.outbox.clear()
    outbox_deliver()
    assert len(mail.outbox) == 1 and "Prenez rendez-vous" in mail.outbox[0].body


def test_the_confirmation_says_what_the_address_was_given_for(client):
    """The same confirmation serves reports, questions, group proposals and street-question
    follow-ups: each says which, in the text and the HTML part."""
    from parvis.listening.services import follow_request
    from parvis.listening.tests.conftest import make_question
    from parvis.networks.services import group_propose

    _file_report(client, email="signale@example.org")
    report = Report.objects.get(reporter_email="signale@example.org")
    group_propose(
        name="Chorale de Doulon",
        description="On chante le jeudi.",
        kind="collectif",
        join_url="https://chorale.example.org/",
        contact_email="chorale@example.org",
    )
    follow_request(question=make_question(code="BANC7"), email="suivi@example.org")
    outbox_deliver()
    said = {m.to[0]: (m.body, m.alternatives[0][0]) for m in mail.outbox}
    expected = {
        "signale@example.org": f"pour suivre le signalement n° {report.pk} (",
        "chorale@example.org": "pour proposer le groupe « Chorale de Doulon » à l'annuaire",
        "suivi@example.org": "pour savoir ce que la Ville aura fait après la question de "
        "terrain « BANC7 »",
    }
    for address, words in expected.items():
        text, html = said[address]
        assert words in " ".join(text.split()), address
        assert words.replace("'", "&#x27;") in " ".join(html.split()), address
        assert "un signalement ou une question" not in text
