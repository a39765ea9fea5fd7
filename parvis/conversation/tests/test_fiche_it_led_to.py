"""What a question led to, recorded on the agent's answer: the page it cites (a link to it in
the text), or the Fiche drafted from it; "Mes données" shows it from that record, not by
matching texts."""

from __future__ import annotations

import pytest
from django.conf import settings

from parvis.conversation.models import Conversation, Message
from parvis.conversation.services import conversation_contact_set, conversation_reply
from parvis.conversation.services.agents import cited_page, conversation_suggest_fiche
from parvis.core.personal_data import Identity, held_items

pytestmark = pytest.mark.django_db
EMAIL = "fiche.canari@example.test"


def _outcomes(identity: Identity) -> list[str]:
    (item,) = [i for i in held_items(identity) if i.category == "conversation.contact"]
    return [step.label for step in item.outcomes]


@pytest.fixture
def handed_off(engine, make_fiche, service_x) -> Conversation:  # noqa: ANN001
    from parvis.conversation.services import conversation_ask, conversation_start

    fiche = make_fiche("Acte de naissance", "Demandez-le en ligne.", service_x)
    engine.script["naissance"] = [(fiche, 0.3), (fiche, 0.29)]
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="acte de naissance pour ma fille")
    conversation_ask(conversation=conversation, text="je veux parler à un agent")
    return conversation_contact_set(conversation=conversation, email=EMAIL, phone="")


def test_a_link_to_a_live_page_in_the_answer_is_recorded_and_shown(
    handed_off, make_agent, make_fiche, service_x
):  # noqa: ANN001
    fiche = make_fiche("Livret de famille", "Demandez un duplicata en mairie.", service_x)
    agent = make_agent("agent-cite", service_x, name="Samia")
    text = f"Bonjour, tout est expliqué ici : {settings.BASE_URL}{fiche.url}. Bonne journée."
    message = conversation_reply(conversation=handed_off, agent=agent, text=text)
    assert (message.page_id, message.page_role) == (fiche.pk, Message.PageRole.CITED)
    labels = _outcomes(Identity.parse(EMAIL))
    assert "L'agent vous a indiqué la page « Livret de famille »" in labels
    # The record, not the text: renaming the Fiche renames the outcome.
    fiche.title = "Livret de famille (duplicata)"
    fiche.save_revision().publish()
    assert "L'agent vous a indiqué la page « Livret de famille (duplicata) »" in _outcomes(
        Identity.parse(EMAIL)
    )


def test_links_elsewhere_or_to_no_page_cite_nothing(make_fiche, service_x):  # noqa: ANN001
    fiche = make_fiche("Carte d'identité", "Sur rendez-vous.", service_x)
    assert cited_page(f"voir {fiche.url}") == fiche.page_ptr
    assert cited_page(f"https://ailleurs.example.org{fiche.url}") is None
    assert cited_page("voir /pas/une/page/ ou /admin/") is None
    assert cited_page("") is None
    fiche.unpublish()
    assert cited_page(f"voir {fiche.url}") is None  # a withdrawn page is not cited


def test_the_fiche_drafted_from_an_answer_is_shown_once_published(
    handed_off, make_agent, service_x
):  # noqa: ANN001
    agent = make_agent("agent-draft", service_x, name="Samia")
    message = conversation_reply(conversation=handed_off, agent=agent, text="En ligne, gratuit.")
    fiche = conversation_suggest_fiche(conversation=handed_off, agent=agent, message=message)
    message.refresh_from_db()
    assert (message.page_id, message.page_role) == (fiche.pk, Message.PageRole.DRAFTED)
    labels = _outcomes(Identity.parse(EMAIL))
    assert "Une fiche est en préparation à partir de la réponse à votre question" in labels
    # An editor rewrites it before publishing: the link holds, whatever the text became.
    fiche.short_answer = "Demandez-le en ligne, c'est gratuit et rapide."
    fiche.save_revision().publish()
    labels = _outcomes(Identity.parse(EMAIL))
    assert "Votre question a donné la fiche « acte de naissance pour ma fille »" in labels
