"""Editors' view of unanswered questions, and the retention of anonymous logs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from parvis.answers.models import QueryLog
from parvis.answers.selectors_admin import unanswered_queries
from parvis.answers.services import query_log_record

pytestmark = pytest.mark.django_db


def test_unanswered_queries_are_grouped_by_wording():
    """Reworded questions with the same words count as one group; good answers are left out."""
    query_log_record(query="Carte grise perdue", result_count=0, confidence=0.0)
    query_log_record(query="perdue, carte grise ?", result_count=2, confidence=0.2)
    query_log_record(query="horaires piscine", result_count=5, confidence=0.95)
    groups = unanswered_queries(days=30)
    assert [(g.count, g.no_result) for g in groups] == [(2, 1)]


def test_dashboard_lists_the_groups_for_editors(admin_client):
    """The back-office page shows each group with its count."""
    query_log_record(query="velo fourriere", result_count=0, confidence=0.0)
    html = admin_client.get("/admin/reponses/sans-reponse/").content.decode()
    assert "velo fourriere" in html


def test_dashboard_is_closed_to_visitors(client):
    """Anonymous visitors are sent to the login page."""
    assert client.get("/admin/reponses/sans-reponse/").status_code == 302


def test_purge_deletes_logs_older_than_the_retention():
    """`answers_purge_logs --days N` deletes older logs and keeps recent ones."""
    old = query_log_record(query="ancienne", result_count=0, confidence=0.0)
    QueryLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    query_log_record(query="recente", result_count=0, confidence=0.0)
    call_command("answers_purge_logs", "--days", "365", stdout=StringIO())
    assert list(QueryLog.objects.values_list("normalised", flat=True)) == ["recente"]


def test_lexicon_is_in_the_back_office(admin_client):
    """Editors list and edit the lexicon; questions to agents are conversations, not snippets."""
    assert "CNI" in admin_client.get("/admin/snippets/answers/lexiconentry/").content.decode()
    assert admin_client.get("/admin/snippets/answers/agentquestion/").status_code == 404
