"""A hand-off goes to the service of the Fiche considered, else of the Fiche the question is
about (the engine's first results), else to the default service."""

from __future__ import annotations

import pytest
from django.conf import settings

from parvis.answers.selectors import answer_query
from parvis.content.models import FichePage
from parvis.conversation.models import Conversation, HandOff
from parvis.conversation.services import (
    conversation_ask,
    conversation_ask_agent,
    conversation_start,
)
from parvis.conversation.services.resident import (
    ROUTE_DEPTH,
    route_service,
    service_for_question,
)

pytestmark = pytest.mark.django_db


def _etat_civil():  # noqa: ANN202
    return FichePage.objects.get(slug="refaire-carte-identite").service


def test_question_about_a_fiche_goes_to_its_service() -> None:
    """A question about an identity card goes to the service of that demo Fiche."""
    assert service_for_question("Comment refaire ma carte d'identité ?") == _etat_civil()


def test_question_matching_nothing_goes_to_the_default_service() -> None:
    """Without any result, the conversation goes to the default service."""
    conversation, _token = conversation_ask_agent(question="Xyzzy plouf quux ?")
    assert conversation.service.slug == settings.PARVIS_CONVERSATION_DEFAULT_SERVICE


def test_fiche_that_only_mentions_the_words_does_not_route(make_fiche, service_x) -> None:  # noqa: ANN001
    """A Fiche whose title and wordings do not name the question's words routes nothing,
    however confident the engine is that it is the best candidate."""
    make_fiche("Déclarer un chantier", "Pensez au zorglub avant les travaux.", service_x)
    assert service_for_question("zorglub") is None


def test_fiche_named_after_the_question_routes(make_fiche, service_x) -> None:  # noqa: ANN001
    """A Fiche whose title names the question's words gives its service."""
    make_fiche("Réserver un zorglub", "En ligne.", service_x)
    assert service_for_question("zorglub") == service_x


def test_a_fiche_ranked_below_the_first_results_does_not_route(make_fiche, service_y) -> None:  # noqa: ANN001
    """Only the first ``ROUTE_DEPTH`` results may route: a Fiche ranked lower does not."""
    for n in range(ROUTE_DEPTH):
        make_fiche(f"Zorglub : le zorglub {n}", "Le zorglub, zorglub et zorglub.")
    make_fiche("Zorglub perdu ou trouvé", "Adressez-vous à l'accueil.", service_y)
    ranked = [r.title for r in answer_query(query="zorglub", limit=10).results]
    assert ranked.index("Zorglub perdu ou trouvé") >= ROUTE_DEPTH  # the premise
    assert service_for_question("zorglub") is None


def test_page_considered_wins_over_the_question(make_fiche, service_x) -> None:  # noqa: ANN001
    """The Fiche the assistant last considered routes, whatever the question's words."""
    fiche = make_fiche("Acte de décès", "En ligne.", service_x)
    conversation, _token = conversation_start()
    conversation.last_page_id = fiche.pk
    assert route_service(conversation) == service_x


def test_page_without_service_falls_back_to_the_question(make_fiche) -> None:  # noqa: ANN001
    """A page considered that has no service lets the resident's question route."""
    fiche = make_fiche("Une page sans service", "Rien.")
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="Je veux parler à un agent")
    conversation.refresh_from_db()
    conversation.last_page_id = fiche.pk
    conversation.messages.update(text="Comment refaire ma carte d'identité ?")
    assert route_service(conversation) == _etat_civil()


def test_asking_for_a_human_about_a_subject_routes_by_the_subject() -> None:
    """ "Je veux parler à un agent pour ma carte d'identité" reaches the état civil at once."""
    conversation, _token = conversation_start()
    conversation_ask(
        conversation=conversation, text="Je veux parler à un agent pour ma carte d'identité"
    )
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.HANDED_OFF
    assert conversation.service == _etat_civil()
    assert conversation.handoffs.get().reason == HandOff.Reason.ASKED_FOR_HUMAN


def test_ask_agent_refuses_a_bad_email_and_opens_nothing() -> None:
    """A bad email is refused before anything is stored (one transaction)."""
    from parvis.conversation.errors import ConversationError

    with pytest.raises(ConversationError):
        conversation_ask_agent(question="Ma rue", email="pas-un-courriel")
    assert not Conversation.objects.exists()
