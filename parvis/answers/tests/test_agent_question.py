"""The search page's "Poser la question à un agent" opens a conversation handed to a service."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from parvis.content.models import FichePage
from parvis.conversation.models import Conversation, HandOff, Message

pytestmark = pytest.mark.django_db

URL = "/recherche/agent/"
CNI = "Comment refaire ma carte d'identité ?"


def _post(client, **data: str):  # noqa: ANN001, ANN202 — Django test client
    return client.post(URL, {"question": "", "email": "", "website": "", **data})


def test_question_is_handed_off_to_the_routed_service_and_redirects_to_its_thread(client):
    """The POST opens a conversation handed off from the search page, then 303 to its thread."""
    response = _post(client, question=CNI, email="habitant@example.org")
    assert response.status_code == 303
    conversation = Conversation.objects.get()
    assert re.fullmatch(
        rf"/assistant/{conversation.public_id}/\?t=[\w-]+#dernier", response["Location"]
    )
    assert conversation.status == Conversation.Status.HANDED_OFF
    fiche = FichePage.objects.get(slug="refaire-carte-identite")
    assert conversation.service == fiche.service is not None
    assert conversation.handoffs.get().reason == HandOff.Reason.SEARCH_PAGE
    assert conversation.contact_email == "habitant@example.org"
    question = conversation.messages.get(author=Message.Author.RESIDENT)
    assert question.text == CNI


def test_thread_shows_the_question_and_the_hand_off(client):
    """Following the redirect, the resident sees their question and the hand-off message."""
    response = _post(client, question=CNI)
    thread = client.get(response["Location"])
    html = thread.content.decode()
    assert thread.status_code == 200
    assert "Comment refaire ma carte d&#x27;identité\u00a0?" in html
    assert "Je transmets votre conversation à l" in html
    assert not Conversation.objects.get().contact_email


def test_question_matching_nothing_goes_to_the_default_service(client):
    """A question the engine cannot place goes to the default service's inbox."""
    assert _post(client, question="Xyzzy plouf quux ?").status_code == 303
    assert Conversation.objects.get().service.slug == settings.PARVIS_CONVERSATION_DEFAULT_SERVICE


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "Ma rue", "email": "pas-un-courriel"}, "email"),
        ({"question": "x" * 2001}, "question"),
        ({"question": "\x01\x02\x03"}, "question"),
        ({"question": "a\x00b"}, "question"),
    ],
)
def test_bad_input_is_a_form_error_tied_to_its_field(client, data: dict, field: str):
    """Empty, too long or control-only questions and bad emails: 400, the error on its field."""
    response = _post(client, **data)
    html = response.content.decode()
    assert response.status_code == 400
    # The shared field template ties the error to its control (Django's own ids).
    control = re.search(rf'<(?:input|textarea)[^>]*name="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in control
    assert f'aria-describedby="id_{field}_error"' in control
    assert re.search(rf'<p class="pv-field__error" id="id_{field}_error">[^<]+</p>', html)
    assert not Conversation.objects.exists()


def test_honeypot_silently_drops_robots(client):
    """A filled honeypot looks accepted but opens no conversation."""
    response = _post(client, question="spam", website="http://spam.example")
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_get_prefills_the_question_from_the_search(client):
    """/recherche/agent/?q=… (the old links) shows the form with the question filled in."""
    response = client.get(URL, {"q": "Ma rue n'est pas déneigée"})
    assert response.status_code == 200
    assert "Ma rue n&#x27;est pas déneigée</textarea>" in response.content.decode()


def test_low_confidence_search_offers_the_form(client):
    """An unsure search page shows the agent form, which posts to the same URL."""
    html = client.get("/recherche/", {"q": "xyzzy plouf quux"}).content.decode()
    assert f'action="{URL}"' in html
    assert 'name="website"' in html
