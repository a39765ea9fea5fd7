"""Learning from use: residents' wordings become a page's phrasings once an editor approves."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from parvis.answers.evaluation import Question
from parvis.answers.learning import phrasing_decide, phrasing_propose, phrasings_from_feedback
from parvis.answers.models import LearnedPhrasing, SearchDocument
from parvis.answers.replay import replay
from parvis.answers.selectors import answer_query
from parvis.answers.services import feedback_record
from parvis.core.roles import AGENTS, EDITORS

pytestmark = pytest.mark.django_db

# A wording that shares no word with the Fiche below: only learning can connect them.
WORDING = "mon sofa est trop vieux"


@pytest.fixture
def fiche(publish_fiche):
    page = publish_fiche(
        "Encombrants : faire enlever un meuble",
        "Prenez rendez-vous pour l'enlèvement gratuit de vos meubles et objets volumineux.",
    )
    return SearchDocument.objects.get(page=page)


def _ids(question: str) -> list[str]:
    return [item.id for item in answer_query(query=question, limit=10).results]


def _staff(group: str) -> User:
    user = User.objects.create_user(f"u-{group}", password="x-pass-42!")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_a_proposed_wording_is_not_indexed_before_an_editor_approves_it(fiche):
    phrasing = phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    assert phrasing.status == LearnedPhrasing.Status.PROPOSED
    assert fiche.key not in _ids(WORDING)


def test_an_approved_wording_finds_the_page_and_a_withdrawn_one_no_longer_does(fiche):
    phrasing = phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    editor = _staff(EDITORS)
    phrasing_decide(phrasing=phrasing, approve=True, user=editor)
    assert _ids(WORDING)[:1] == [fiche.key]
    phrasing_decide(phrasing=phrasing, approve=False, user=editor)
    assert fiche.key not in _ids(WORDING)


def test_approved_wordings_survive_the_page_being_published_again(fiche, publish_fiche):
    phrasing = phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    phrasing_decide(phrasing=phrasing, approve=True, user=_staff(EDITORS))
    fiche.page.specific.save_revision().publish()
    assert _ids(WORDING)[:1] == [fiche.key]


def test_wordings_carrying_personal_data_or_already_known_are_never_proposed(fiche):
    masked = "mon sofa, appelez-moi au 06 12 34 56 78"
    assert phrasing_propose(text=masked, document_key=fiche.key, source="agent") is None
    title = fiche.title.upper()
    assert phrasing_propose(text=title, document_key=fiche.key, source="agent") is None
    assert phrasing_propose(text=WORDING, document_key="fiche:nope", source="agent") is None
    assert not LearnedPhrasing.objects.exists()


def test_agents_answers_add_evidence_and_a_refused_wording_stays_refused(fiche):
    first = phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    reworded = WORDING.capitalize() + " ?"
    again = phrasing_propose(text=reworded, document_key=fiche.key, source="agent")
    assert again.pk == first.pk and again.evidence == 2
    phrasing_decide(phrasing=again, approve=False, user=_staff(EDITORS))
    phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    assert LearnedPhrasing.objects.get().status == LearnedPhrasing.Status.REJECTED


def test_useful_votes_propose_a_wording_only_past_the_threshold_and_with_a_majority(
    fiche, settings
):
    settings.PARVIS_ANSWERS_LEARN_MIN_VOTES = 3
    for _ in range(2):
        feedback_record(query=WORDING, document_key=fiche.key, helpful=True)
    assert phrasings_from_feedback() == 0
    feedback_record(query=WORDING, document_key=fiche.key, helpful=True)
    assert phrasings_from_feedback() == 1
    assert LearnedPhrasing.objects.get().evidence == 3
    other = "jeter un vieux sommier"
    for helpful in (True, True, True, False, False, False):
        feedback_record(query=other, document_key=fiche.key, helpful=helpful)
    phrasings_from_feedback()
    assert not LearnedPhrasing.objects.filter(normalised__contains="sommier").exists()


def test_editors_approve_in_the_back_office_and_the_search_changes(client, fiche):
    phrasing = phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    client.force_login(_staff(EDITORS))
    page = client.get("/admin/reponses/formulations/").content.decode()
    assert WORDING in page and fiche.title in page and "absente des 10 premiers" in page
    response = client.post(
        f"/admin/reponses/formulations/{phrasing.pk}/decision/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert _ids(WORDING)[:1] == [fiche.key]
    approved = client.get("/admin/reponses/formulations/?statut=approved").content.decode()
    assert WORDING in approved


def test_an_unknown_decision_changes_nothing(client, fiche):
    phrasing = phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    client.force_login(_staff(EDITORS))
    client.post(f"/admin/reponses/formulations/{phrasing.pk}/decision/", {"decision": "x"})
    assert LearnedPhrasing.objects.get().status == LearnedPhrasing.Status.PROPOSED
    assert client.get("/admin/reponses/formulations/?statut=nimporte").status_code == 200
    missing = client.post("/admin/reponses/formulations/999999/decision/", {"decision": "approve"})
    assert missing.status_code == 404


def test_agents_cannot_approve_wordings(client, fiche):
    phrasing = phrasing_propose(text=WORDING, document_key=fiche.key, source="agent")
    client.force_login(_staff(AGENTS))
    assert client.get("/admin/reponses/formulations/").status_code in (302, 403)
    client.post(f"/admin/reponses/formulations/{phrasing.pk}/decision/", {"decision": "approve"})
    assert LearnedPhrasing.objects.get().status == LearnedPhrasing.Status.PROPOSED


def test_replay_learns_from_other_folds_and_leaves_the_database_as_it_was(fiche, publish_fiche):
    other = publish_fiche("Piscine : horaires", "La piscine est ouverte tous les jours.")
    other_key = SearchDocument.objects.get(page=other).key
    questions = [
        Question("mon sofa est trop vieux", [fiche.key]),
        Question("mon sofa est cassé", [fiche.key]),
        Question("le sofa de mamie", [fiche.key]),
        Question("nager le matin", [other_key]),
        Question("nager le soir", [other_key]),
        Question("nager le dimanche", [other_key]),
    ]
    off_topic = [Question("quelle est la couleur du ciel", [])]
    figures = replay(questions, folds=3, off_topic=off_topic)
    assert figures["with_learning"]["hit@1"] > figures["without_learning"]["hit@1"]
    assert figures["off_topic"]["with_learning"]["shown"] == 0
    assert not LearnedPhrasing.objects.exists()
    assert fiche.key not in _ids("mon sofa est trop vieux")
