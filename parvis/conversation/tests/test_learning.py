"""Editors see questions that ended in a hand-off or a "non", grouped by similar wording."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.conversation.selectors import unanswered_questions, wording_key
from parvis.conversation.services import (
    conversation_ask,
    conversation_feedback,
    conversation_hand_off,
    conversation_start,
)

pytestmark = pytest.mark.django_db


def test_similar_wordings_share_a_key() -> None:
    """Case, accents, punctuation, word order and small words do not split a group."""
    assert wording_key("Où garer mon vélo ?") == wording_key("garer vélo, où ?") == "garer velo"


def _handed_off(text: str) -> None:
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text=text)
    conversation_hand_off(conversation=conversation)


def test_unanswered_questions_are_grouped_and_counted(
    engine, make_fiche, client, admin_user
) -> None:  # noqa: ANN001
    """Two wordings of one question make one group of two; a "non" counts too."""
    _handed_off("Où garer mon vélo ?")
    _handed_off("garer vélo où")
    fiche = make_fiche("Déchetterie", "Ouverte le samedi.")
    engine.script["déchets"] = [(fiche, 0.9)]
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="déchets verts")
    conversation_feedback(conversation=conversation, helpful=False)
    groups = {g.key: g for g in unanswered_questions()}
    assert groups["garer velo"].count == 2
    assert groups["dechets verts"].said_no == 1
    client.force_login(admin_user)
    page = client.get(reverse("conversation_admin:learning"))
    assert "garer velo" in page.content.decode()


def test_unanswered_questions_show_no_contact_details() -> None:
    """The learning report is for editors: what residents asked, not how to reach them."""
    _handed_off("carte grise perdue, rappelez-moi au 06 12 34 56 78 ou jean.dupont@exemple.fr")
    [group] = unanswered_questions()
    assert "06 12" not in group.example and "dupont" not in group.example
    assert "06" not in group.key and "dupont" not in group.key
    assert "carte grise" in group.example
