"""The resident's assistant pages work without JavaScript: forms, redirects, a tracking link."""

from __future__ import annotations

import re

import pytest
import requests
from django.urls import reverse

from parvis.conversation.services import conversation_start


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _ask(session: requests.Session, base: str, text: str) -> requests.Response:
    home = session.get(f"{base}/assistant/", timeout=30)
    return session.post(
        f"{base}/assistant/",
        data={"csrfmiddlewaretoken": _csrf(home.text), "text": text},
        headers={"Referer": f"{base}/assistant/"},
        timeout=30,
    )


def test_question_posted_without_javascript_lands_on_its_thread(portal_url: str) -> None:
    """Post, redirect, get: the thread page lists the messages with their authors."""
    session = requests.Session()
    page = _ask(session, portal_url, "Je veux parler à quelqu'un")
    assert page.status_code == 200
    assert re.search(r"/assistant/[\w-]+/\?t=[\w-]+", page.url)
    assert '<ol class="pv-thread">' in page.text
    assert "Vous" in page.text and "Assistant" in page.text
    assert "un agent vous" in page.text  # hand-off message, in or out of office hours
    assert 'name="email"' in page.text  # the resident may leave a contact


def test_bad_email_is_a_form_error_tied_to_its_field(portal_url: str) -> None:
    """A malformed email re-renders the form with a 400 and an error the field points to."""
    session = requests.Session()
    thread = _ask(session, portal_url, "un humain")
    action = re.search(r'action="([^"]+/contact/)"', thread.text).group(1)
    token = re.search(r'name="t" value="([^"]+)"', thread.text).group(1)
    response = session.post(
        portal_url + action,
        data={"csrfmiddlewaretoken": _csrf(thread.text), "t": token, "email": "pas-un-courriel"},
        headers={"Referer": thread.url},
        timeout=30,
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert 'id="pv-contact-error"' in response.text


def test_empty_question_is_a_form_error(portal_url: str) -> None:
    """An empty question gets a 400 with the error tied to the field, and no conversation."""
    response = _ask(requests.Session(), portal_url, "   ")
    assert response.status_code == 400
    assert 'aria-describedby="pv-assistant-start-error"' in response.text


def test_wrong_token_is_a_404(portal_url: str) -> None:
    """The thread page without the right token is not found."""
    session = requests.Session()
    thread = _ask(session, portal_url, "un agent")
    wrong = re.sub(r"t=[\w-]+", "t=wrong", thread.url)
    assert session.get(wrong, timeout=10).status_code == 404


def test_visitors_get_the_assistant_in_english(portal_url: str) -> None:
    """The /en/ prefix serves the assistant in English."""
    page = requests.get(f"{portal_url}/en/assistant/", timeout=30)
    assert page.status_code == 200
    assert '<html lang="en"' in page.text
    assert "A question? Ask the assistant" in page.text


@pytest.mark.django_db
def test_answer_shows_its_source_and_asks_if_it_helped(client, engine, make_fiche) -> None:  # noqa: ANN001
    """An answer shows the Fiche's link and "Cela répond à votre question ?" with yes/no."""
    fiche = make_fiche("Inscription sur les listes électorales", "En ligne ou en mairie.")
    engine.script["voter"] = [(fiche, 0.9)]
    conversation, token = conversation_start()
    url = reverse("conversation:action", args=[conversation.public_id, "ask"])
    response = client.post(url, {"t": token, "text": "Comment voter ?"}, follow=True)
    html = response.content.decode()
    assert f'href="{fiche.url}"' in html
    assert "Cela répond à votre question\u00a0?" in html
    assert 'name="helpful" value="no"' in html


@pytest.mark.django_db
def test_thread_keeps_its_link_on_the_portal_yet_lets_its_forms_post(client) -> None:  # noqa: ANN001
    """The token never leaves in a Referer, but the policy is not "no-referrer": under it,
    browsers send "Origin: null" with the thread's forms and the CSRF check refuses them
    (the browser test posts them for real)."""
    conversation, token = conversation_start()
    url = reverse("conversation:thread", args=[conversation.public_id])
    response = client.get(url, {"t": token})
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
