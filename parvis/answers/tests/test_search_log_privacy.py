"""Search logs keep no contact details, and only the roles that write content read them."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from parvis.answers.models import AnswerFeedback, QueryLog
from parvis.answers.services import feedback_record, query_log_record
from parvis.core.roles import AGENTS, EDITORS, MODERATORS

pytestmark = pytest.mark.django_db

PERSONAL = [
    "rappelez moi au 06 12 34 56 78 pour la carte grise",
    "rappelez moi au 0612345678 pour la carte grise",
    "rappelez moi au 06.12.34.56.78 pour la carte grise",
    "rappelez moi au 06-12-34-56-78 pour la carte grise",
    "rappelez moi au +33 6 12 34 56 78 pour la carte grise",
    "rappelez moi au +33612345678 pour la carte grise",
    "rappelez moi au 0033 6 12 34 56 78 pour la carte grise",
    "écrivez à jean.dupont+mairie@exemple-mail.fr pour la carte grise",
    "remboursement sur FR76 3000 6000 0112 3456 7890 189 pour la carte grise",
    "remboursement sur FR7630006000011234567890189 pour la carte grise",
    "mon numéro de sécu 1 85 05 78 006 084 36 pour la carte grise",
    "mon numéro de sécu 185057800608436 pour la carte grise",
]
LEAKS = re.compile(r"\d{2}|dupont|exemple|fr76")


@pytest.mark.parametrize("query", PERSONAL)
def test_search_log_masks_contact_details_and_keeps_the_question(query):
    log = query_log_record(query=query, result_count=0, confidence=0.0)
    assert not LEAKS.search(log.normalised), log.normalised
    assert not LEAKS.search(log.signature), log.signature
    assert "masque" in log.normalised
    assert "carte grise" in log.normalised


@pytest.mark.parametrize("query", PERSONAL)
def test_feedback_masks_contact_details(query):
    vote = feedback_record(query=query, document_key="fiche:carte-grise", helpful=False)
    assert not LEAKS.search(vote.normalised), vote.normalised


@pytest.mark.parametrize(
    "query", ["horaires piscine 2026", "code postal 44000", "bus ligne 75", "rd75 travaux"]
)
def test_search_log_keeps_ordinary_numbers(query):
    log = query_log_record(query=query, result_count=0, confidence=0.0)
    assert "masque" not in log.normalised


def test_migration_masks_the_logs_already_stored():
    stored = {
        "jean dupont gmail com carte grise": "masque carte grise",
        "rappel 06 12 34 56 78 carte grise": "rappel masque carte grise",
        "rappel 33 6 12 34 56 78 carte grise": "rappel masque carte grise",
        "iban fr76 3000 6000 0112 3456 7890 189": "iban masque",
        "secu 185057800608436": "secu masque",
        "horaires piscine 2026": "horaires piscine 2026",
    }
    logs = [
        QueryLog.objects.create(normalised=t, signature=t, result_count=0, confidence=0.0)
        for t in stored
    ]
    votes = [
        AnswerFeedback.objects.create(normalised=t, document_key="k", helpful=False) for t in stored
    ]
    migration = importlib.import_module(
        "parvis.answers.migrations.0007_querylog_mask_personal_data"
    )
    migration.forwards(apps, None)
    for log, vote, expected in zip(logs, votes, stored.values(), strict=True):
        log.refresh_from_db()
        vote.refresh_from_db()
        assert (log.normalised, vote.normalised) == (expected, expected)
        assert not re.search(r"\d{2} ", log.signature) or expected == "horaires piscine 2026"


def _staff(group: str) -> User:
    user = User.objects.create_user(f"u-{group}", password="x-pass-42!")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize("group", [EDITORS, MODERATORS])
def test_dashboard_is_open_to_the_roles_that_write_content(client, group):
    query_log_record(query="velo fourriere", result_count=0, confidence=0.0)
    client.force_login(_staff(group))
    response = client.get("/admin/reponses/sans-reponse/")
    assert response.status_code == 200
    assert "velo fourriere" in response.content.decode()
    assert "/admin/reponses/sans-reponse/" in client.get("/admin/").content.decode()


def test_dashboard_is_closed_to_agents(client):
    query_log_record(query="velo fourriere", result_count=0, confidence=0.0)
    client.force_login(_staff(AGENTS))
    response = client.get("/admin/reponses/sans-reponse/")
    assert response.status_code in (302, 403)
    assert "velo fourriere" not in response.content.decode()
    assert "/admin/reponses/sans-reponse/" not in client.get("/admin/").content.decode()
