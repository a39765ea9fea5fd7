"""The assistant answers from published content, asks one clarifying question, or hands off."""

from __future__ import annotations

import pytest
from django.utils import translation

from parvis.answers.selectors import ResultItem
from parvis.conversation.assistant import asks_for_human, clarifying_question
from parvis.conversation.models import Conversation, HandOff, Message
from parvis.conversation.services import (
    conversation_ask,
    conversation_feedback,
    conversation_hand_off,
    conversation_start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport(make_fiche, service_x):  # noqa: ANN001, ANN201
    return make_fiche("Refaire son passeport", "Prenez rendez-vous en mairie.", service_x)


def test_clear_lead_gets_a_sourced_answer(engine, passport, make_fiche) -> None:  # noqa: ANN001
    """A clear lead over the runner-up gives the Fiche's short answer with its link."""
    other = make_fiche("Recensement citoyen", "À 16 ans, en mairie.")
    engine.script["passeport"] = [(passport, 0.9), (other, 0.1)]
    conversation, _token = conversation_start()
    messages = conversation_ask(conversation=conversation, text="Comment refaire mon passeport ?")
    answer = messages[-1]
    assert answer.kind == Message.Kind.ANSWER
    assert answer.text == "Prenez rendez-vous en mairie."
    assert answer.sources == [
        {"id": f"page:{passport.pk}", "url": passport.url, "title": passport.title}
    ]


def test_no_result_offers_a_human_and_invents_nothing(engine) -> None:  # noqa: ANN001
    """Without any published candidate the assistant says so and offers an agent."""
    conversation, _token = conversation_start()
    messages = conversation_ask(conversation=conversation, text="Quelle est la couleur du ciel ?")
    assert messages[-1].kind == Message.Kind.OFFER
    assert messages[-1].sources == []
    conversation.refresh_from_db()
    assert conversation.pending == {"kind": "offer", "reason": "low_confidence"}


def test_close_candidates_on_different_pages_ask_one_clarifying_question(  # noqa: D103
    engine,
    make_fiche,  # noqa: ANN001
) -> None:
    """Two close answers on different pages: the assistant asks which one, from their titles."""
    adult = make_fiche("Carte d'identité pour un adulte", "En mairie, sur rendez-vous.")
    minor = make_fiche("Carte d'identité pour un mineur", "Avec un parent, en mairie.")
    engine.script["carte"] = [(adult, 0.80), (minor, 0.78)]
    conversation, _token = conversation_start()
    messages = conversation_ask(conversation=conversation, text="carte d'identité")
    assert messages[-1].kind == Message.Kind.CLARIFY
    assert messages[-1].text == (
        "Votre question peut concerner deux démarches : « Carte d'identité pour un "
        "adulte » ou « Carte d'identité pour un mineur ». Laquelle vous "
        "concerne ?"
    )
    reply = conversation_ask(conversation=conversation, text="mineur")
    assert reply[-1].kind == Message.Kind.ANSWER
    assert reply[-1].text == "Avec un parent, en mairie."


def test_unclear_reply_to_clarification_hands_off(engine, make_fiche) -> None:  # noqa: ANN001
    """A reply that picks neither candidate ends in a hand-off for clarification_failed."""
    adult = make_fiche("Carte d'identité pour un adulte", "En mairie.")
    minor = make_fiche("Carte d'identité pour un mineur", "Avec un parent.")
    engine.script["carte"] = [(adult, 0.80), (minor, 0.78)]
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="carte d'identité")
    conversation_ask(conversation=conversation, text="je ne sais pas")
    assert HandOff.objects.get(conversation=conversation).reason == "clarification_failed"


@pytest.mark.parametrize(
    "text",
    ["Je veux parler à quelqu'un", "un humain svp", "Un agent !", "conseiller", "talk to a human"],
)
def test_asking_for_a_human_is_recognised(text: str) -> None:
    """Every usual way of asking for a person is recognised."""
    assert asks_for_human(text)


@pytest.mark.parametrize("text", ["agenda des écoles", "Carte d'identité", "humanitaire"])
def test_ordinary_questions_are_not_requests_for_a_human(text: str) -> None:
    """Words that merely look alike do not trigger a hand-off."""
    assert not asks_for_human(text)


def test_asking_for_a_human_hands_off_in_one_step(engine) -> None:  # noqa: ANN001
    """ "Je veux parler à quelqu'un" goes to a service's queue at once, without the engine."""
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="Je veux parler à quelqu'un")
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.HANDED_OFF
    assert conversation.service is not None
    assert engine.queries == []


def test_no_to_an_answer_offers_a_human_and_one_click_hands_off(engine, passport) -> None:  # noqa: ANN001
    """After "non", the assistant offers an agent; the offer's button hands off as said_no."""
    engine.script["passeport"] = [(passport, 0.9)]
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="passeport")
    offer = conversation_feedback(conversation=conversation, helpful=False)
    assert offer[-1].kind == Message.Kind.OFFER
    conversation_hand_off(conversation=conversation)
    handoff = HandOff.objects.get(conversation=conversation)
    assert handoff.reason == "said_no"
    assert handoff.service == passport.service


def _result(title: str, kind: str) -> ResultItem:
    return ResultItem(id=title, url="/x/", title=title, type=kind, score=1.0, snippet="")


def test_clarifying_question_says_why_it_asks_in_french_and_english() -> None:
    """The assistant says why it asks (two procedures, two places, two pages), in the
    conversation's language."""
    first, second = _result("Déménager", "fiche"), _result("Inscrire son enfant", "fiche")
    assert clarifying_question(first, second) == (
        "Votre question peut concerner deux démarches : « Déménager » ou "
        "« Inscrire son enfant ». Laquelle vous concerne ?"
    )
    places = clarifying_question(_result("Piscine A", "lieu"), _result("Piscine B", "lieu"))
    assert places.startswith("Votre question peut concerner deux lieux")
    with translation.override("en"):
        assert clarifying_question(first, second) == (
            "Your question may be about two procedures: “Déménager” or “Inscrire son enfant”. "
            "Which one do you mean?"
        )


def test_a_conversation_in_english_gets_its_clarifying_question_in_english(
    engine,  # noqa: ANN001
    make_fiche,  # noqa: ANN001
) -> None:
    adult = make_fiche("Carte d'identité pour un adulte", "En mairie, sur rendez-vous.")
    minor = make_fiche("Carte d'identité pour un mineur", "Avec un parent, en mairie.")
    engine.script["card"] = [(adult, 0.80), (minor, 0.78)]
    conversation, _token = conversation_start(language="en")
    messages = conversation_ask(conversation=conversation, text="identity card")
    assert messages[-1].kind == Message.Kind.CLARIFY
    assert messages[-1].text.startswith("Your question may be about two procedures:")
