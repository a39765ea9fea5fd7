"""Opening "Mes données": a link or code that works once, for 30 minutes, and a form that
answers the same whether anything is held, with tight limits and clear errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from parvis.core.models import OutboxMessage
from parvis.listening.models import SmsContact
from parvis.mydata.models import AccessRequest
from parvis.mydata.tests.conftest import link_from_outbox
from parvis.reports.tests.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_limits(settings):  # noqa: ANN001, ANN202
    settings.PARVIS_RATELIMITS = {}


def test_the_emailed_link_works_once(client):
    make_report(email="once@example.test")
    client.post("/mes-donnees/", {"identity": "once@example.test"})
    link = link_from_outbox("once@example.test")
    assert "Voir mes données" in client.get(link).content.decode()  # a look does not use it
    assert client.post(link).status_code == 302
    assert "Signalement n°" in client.get("/mes-donnees/consulter/").content.decode()
    again = client.__class__().post(link)
    assert again.status_code == 410
    assert "déjà servi" in again.content.decode()


def test_the_link_expires_after_30_minutes(client):
    client.post("/mes-donnees/", {"identity": "late@example.test"})
    link = link_from_outbox("late@example.test")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert client.post(link).status_code == 410
    assert AccessRequest.objects.get(identity="late@example.test").used_at is None


def test_the_page_closes_30_minutes_after_the_link_was_used(client):
    client.post("/mes-donnees/", {"identity": "open@example.test"})
    client.post(link_from_outbox("open@example.test"))
    assert client.get("/mes-donnees/consulter/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        response = client.get("/mes-donnees/consulter/")
    assert response.status_code == 302 and response["Location"] == "/mes-donnees/"


def test_a_texted_code_works_once_and_within_30_minutes(client, sms):
    client.post("/mes-donnees/", {"identity": "06 12 34 56 78"})
    code = sms.code_for("+33612345678")
    # Sent through the outbox's SMS channel: the outbox holds the number's hash, never the
    # number, and the number kept for sending went once the code was sent.
    message = OutboxMessage.objects.get(channel="sms", topic="mydata")
    assert message.status == "sent" and message.recipient.startswith("sms:")
    assert "612345678" not in message.recipient
    assert not SmsContact.objects.exists()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post("/mes-donnees/code/", {"code": wrong})
    assert refused.status_code == 200 and "pas le bon" in refused.content.decode()
    assert client.post("/mes-donnees/code/", {"code": code}).status_code == 302
    assert "Nous ne conservons rien" in client.get("/mes-donnees/consulter/").content.decode()
    # Used: the same code (from another browser holding the same request) is refused.
    other = client.__class__()
    other.post("/mes-donnees/", {"identity": "06 12 34 56 78"})
    second = sms.code_for("+33612345678")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert other.post("/mes-donnees/code/", {"code": second}).status_code == 410


def test_five_wrong_codes_burn_the_request(client, sms):
    client.post("/mes-donnees/", {"identity": "+33 6 98 76 54 32"})
    code = sms.code_for("+33698765432")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post("/mes-donnees/code/", {"code": wrong})
    assert client.post("/mes-donnees/code/", {"code": code}).status_code == 410


def test_without_an_sms_channel_the_phone_path_says_so(client):
    response = client.post("/mes-donnees/", {"identity": "06 12 34 56 78"})
    assert response.status_code == 200
    assert "SMS n&#x27;est pas encore proposé" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_the_answer_is_the_same_whether_anything_is_held(client):
    make_report(email="held@example.test")
    held = client.post("/mes-donnees/", {"identity": "held@example.test"}, follow=True)
    nothing = client.post("/mes-donnees/", {"identity": "nobody@example.test"}, follow=True)
    assert held.status_code == nothing.status_code == 200
    assert held.redirect_chain == nothing.redirect_chain
    strip = lambda r: r.content.decode().split("<main")[1].split("</main>")[0]  # noqa: E731
    assert strip(held) == strip(nothing)
    # Both get a link: the mailbox, not the page, is what proves the address is yours.
    assert OutboxMessage.objects.filter(topic="mydata").count() == 2


@pytest.mark.parametrize(
    "value", ["", "pas une adresse", "a@b", "12", "x" * 300, "06 12\x00 34", "<script>"]
)
def test_bad_input_is_a_form_message(client, value):
    response = client.post("/mes-donnees/", {"identity": value})
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_requests_are_rate_limited_per_client_and_per_address(client, settings):
    settings.PARVIS_RATELIMITS = {
        "mydata.request": [(3, 3600)],
        "mydata.request.address": [(2, 3600)],
    }
    for _ in range(2):
        assert client.post("/mes-donnees/", {"identity": "flood@example.test"}).status_code == 302
    refused = client.post("/mes-donnees/", {"identity": "flood@example.test"})
    assert (
        refused.status_code == 200
        and "Trop de demandes pour cette adresse" in refused.content.decode()
    )
    assert client.post("/mes-donnees/", {"identity": "other@example.test"}).status_code == 429
    assert AccessRequest.objects.count() == 2


def test_an_oversized_body_is_refused_before_reading(client):
    response = client.post("/mes-donnees/", {"identity": "x@example.test", "pad": "y" * 200_000})
    assert response.status_code == 413


def test_the_data_page_without_a_link_sends_back_to_the_form(client):
    response = client.get("/mes-donnees/consulter/")
    assert response.status_code == 302 and response["Location"] == "/mes-donnees/"
    assert client.post("/mes-donnees/export/").status_code == 302
    assert client.post("/mes-donnees/effacer/", {"confirm": "on"}).status_code == 302


def test_an_export_link_is_gone_after_7_days(client, folders):
    make_report(email="zip@example.test")
    client.post("/mes-donnees/", {"identity": "zip@example.test"})
    client.post(link_from_outbox("zip@example.test"))
    page = client.post("/mes-donnees/export/").content.decode()
    download = re.search(r'href="(/mes-donnees/export/[^"]+/)"', page).group(1)
    assert client.get(download).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        assert client.get(download).status_code == 410
    assert client.get("/mes-donnees/export/not-a-token/").status_code == 410


def test_the_pages_speak_english_too(client):
    page = client.get("/en/mes-donnees/").content.decode()
    assert "My data" in page and "Get my access link" in page
    register = client.get("/en/donnees-personnelles/registre/").content.decode()
    assert "Register of personal data processing" in register
    assert "Email of the person reporting" in register
