"""Public results of field questions: pages, open data and feeds show only what is public."""

from __future__ import annotations

import csv
import html
import io
import json

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from parvis.certification.models import ExportSnapshot, LogEntry
from parvis.listening.models import FieldAnswer, FieldQuestion
from parvis.listening.tests import read_side

pytestmark = pytest.mark.django_db


def _text(body: bytes) -> str:
    """The body with entities decoded and French no-break spaces made plain spaces."""
    return html.unescape(body.decode()).replace("\u202f", " ").replace("\xa0", " ")


APPROVED = FieldAnswer.RemarkStatus.APPROVED
PENDING = FieldAnswer.RemarkStatus.PENDING
REJECTED = FieldAnswer.RemarkStatus.REJECTED


@pytest.fixture
def heard() -> FieldQuestion:
    """A choice question with answers on every channel, remarks in every state, follow-ups."""
    q = read_side.question(
        code="PONT1",
        kind=FieldQuestion.Kind.CHOICE_REMARK,
        choices=["Piste séparée", "Bande peinte", "Rien"],
    )
    read_side.answer(q, choice=0, channel="sms", quartier="centre-ville", phone_hash="a" * 64)
    read_side.answer(q, choice=0, channel="web", quartier="ile-de-nantes")
    read_side.answer(
        q, choice=0, remark_public="Enfin des vélos en sécurité !", remark_status=APPROVED
    )
    read_side.answer(q, choice=1, remark=read_side.CANARY_REMARK, remark_status=PENDING)
    read_side.answer(
        q, choice=2, remark="Rejeté canari-rejet", remark_public="", remark_status=REJECTED
    )
    read_side.followup(q, body="Nous avons tracé une piste séparée en mars.")
    read_side.followup(q, body="Brouillon canari-draft non publié", published=False)
    return q


def test_results_page_shows_counts_table_chart_quotes_and_published_followup(heard):
    """The table gives counts and shares, the SVG chart has a title and a description, only the
    approved quote and the published follow-up appear."""
    response = Client().get("/questions/PONT1/")
    assert response.status_code == 200
    page = _text(response.content)
    assert "<caption>Réponses à la question PONT1</caption>" in page
    assert '<th scope="row">Piste séparée</th><td>3</td><td>60 %</td>' in page
    assert '<svg class="pv-chart" role="img"' in page
    assert '<title id="chart-pont1-title">' in page
    assert "Piste séparée : 3 (60 %), Bande peinte : 1 (20 %), Rien : 1 (20 %)." in page
    assert "Enfin des vélos en sécurité !" in page
    assert "Nous avons tracé une piste séparée en mars." in page
    assert "<script" not in page.split('id="contenu"')[1].split("</main>")[0]
    for secret in ("canari-7f3a", "06 00 00 71 30", "canari-rejet", "canari-draft", "a" * 64):
        assert secret not in page


def test_results_page_marks_live_counts_uncertified(heard):
    """The live figures sit in data-uncertified sections and say they are not certified."""
    page = _text(Client().get("/questions/PONT1/").content)
    section = page.split('aria-labelledby="resultats"')[1].split(">")[0]
    assert "data-uncertified" in section
    assert "ils ne sont pas certifiés" in page


def test_participation_by_channel_and_quartier(heard):
    """Participation: one row per channel and one per quartier given by the resident."""
    page = _text(Client().get("/questions/PONT1/").content)
    assert '<th scope="row">SMS</th><td>1</td>' in page
    assert '<th scope="row">Site web</th><td>4</td>' in page
    assert '<th scope="row">Île de Nantes</th><td>1</td>' in page


def test_draft_question_has_no_public_page_and_is_not_listed():
    """A draft question: 404 on its page, absent from the index, the feeds and the API."""
    read_side.question(code="SECRET1", text="Question brouillon canari", status="draft")
    client = Client()
    assert client.get("/questions/SECRET1/").status_code == 404
    assert "canari" not in _text(client.get("/questions/").content)
    assert "canari" not in _text(client.get("/questions/rss/").content)
    assert "canari" not in _text(client.get("/api/v1/questions").content)


def test_index_lists_open_and_closed_questions_with_filters(heard):
    """/questions/: both states; ?etat=ouvertes and ?etat=closes split them."""
    read_side.question(
        code="FINI1",
        text="Question terminée ?",
        status="closed",
        closes_in_days=-1,
        opens_in_days=-10,
    )
    client = Client()
    everything = _text(client.get("/questions/").content)
    assert "Question terminée ?" in everything and heard.text in everything
    open_only = _text(client.get("/questions/?etat=ouvertes").content)
    assert heard.text in open_only and "Question terminée ?" not in open_only
    closed_only = _text(client.get("/questions/?etat=closes").content)
    assert heard.text not in closed_only and "Question terminée ?" in closed_only


def test_index_empty_state_and_pagination():
    """No question: a sentence says so; 25 questions: two pages, page 2 has the last five."""
    client = Client()
    assert "La Ville n'a pas encore posé de question." in _text(client.get("/questions/").content)
    for number in range(25):
        read_side.question(
            code=f"PAGE{number}", text=f"Question numéro {number} ?", opens_in_days=-2 - number
        )
    first = _text(client.get("/questions/").content)
    assert "Page 1 sur 2" in first
    second = _text(client.get("/questions/?page=2").content)
    assert "Question numéro 24 ?" in second and "Question numéro 0 ?" not in second
    assert client.get("/questions/?page=abc").status_code == 200


def test_unanswered_question_shows_an_empty_state_not_a_chart():
    """No answer yet: no chart, a sentence inviting to answer."""
    read_side.question(code="VIDE1")
    page = _text(Client().get("/questions/VIDE1/").content)
    assert "<svg" not in page.split('id="contenu"')[1]
    assert "Personne n'a encore répondu" in page


def test_open_data_json_and_csv_are_certified_and_public_only(heard):
    """donnees.json/.csv: per-answer, per-channel and per-quartier counts, approved remarks and
    published follow-ups; signed in the log; no pending remark, no phone, no hash."""
    client = Client()
    response = client.get("/questions/donnees.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    item = next(q for q in data["questions"] if q["code"] == "PONT1")
    assert item["total"] == 5
    assert item["answers"][0] == {"label": "Piste séparée", "count": 3}
    assert {"channel": "SMS", "count": 1} in item["by_channel"]
    assert item["remarks"] == ["Enfin des vélos en sécurité !"]
    assert [f["body"] for f in item["followups"]] == ["Nous avons tracé une piste séparée en mars."]
    snapshot = ExportSnapshot.objects.get(url__endswith="/questions/donnees.json")
    entry = LogEntry.objects.get(index=snapshot.entry_index)
    assert entry.kind == LogEntry.Kind.EXPORT and entry.file_sha256 == snapshot.sha256
    proof = reverse("certification_bundle", args=[snapshot.entry_index])
    assert response["Link"].startswith(f'<{proof}>; rel="describedby"')
    rows = list(csv.DictReader(io.StringIO(_text(client.get("/questions/donnees.csv").content))))
    mine = [r for r in rows if r["code"] == "PONT1"]
    assert {"dimension": "answer", "value": "Piste séparée", "count": "3"}.items() <= next(
        r for r in mine if r["dimension"] == "answer"
    ).items()
    assert any(r["dimension"] == "quartier" and r["value"] == "Centre-ville" for r in mine)
    for body in (response.content, client.get("/questions/donnees.csv").content):
        text = _text(body)
        for secret in ("canari-7f3a", "06 00 00 71 30", "canari-rejet", "canari-draft", "a" * 64):
            assert secret not in text


def test_open_data_of_a_past_day_that_was_never_produced_is_404():
    """?periode= of a day with no snapshot: 404, never a file made up now."""
    assert Client().get("/questions/donnees.json?periode=2001-01-01").status_code == 404


def test_feeds_of_new_questions_city_wide_and_by_quartier(heard):
    """RSS and Atom parse without error; the quartier feed only has that quartier's questions."""
    read_side.question(code="NORD1", text="Question à Nantes Nord ?", quartier="nantes-nord")
    client = Client()
    for url in ("/questions/rss/", "/questions/atom/"):
        feed = feedparser.parse(client.get(url).content)
        assert feed.bozo == 0
        titles = [entry.title for entry in feed.entries]
        assert f"PONT1 — {heard.text}" in titles and "NORD1 — Question à Nantes Nord ?" in titles
    for url in ("/questions/quartier/nantes-nord/rss/", "/questions/quartier/nantes-nord/atom/"):
        feed = feedparser.parse(client.get(url).content)
        assert feed.bozo == 0
        assert [entry.title for entry in feed.entries] == ["NORD1 — Question à Nantes Nord ?"]
    assert client.get("/questions/quartier/inconnu/rss/").status_code == 404


def _certify(followup) -> None:  # noqa: ANN001 — a FollowUp
    """Sign the follow-up as the write side does, with the texts the page shows."""
    from django.conf import settings

    from parvis.certification.services import statement_append
    from parvis.listening.certified import followup_signed_fields

    entry = statement_append(
        kind=LogEntry.Kind.PUBLICATION,
        subject=f"listening.followup:{followup.pk}",
        path=followup.question.results_url(),
        title="Vous avez dit, nous avons fait",
        body={
            "url": settings.BASE_URL + followup.get_absolute_url(),
            **followup_signed_fields(followup),
        },
    )
    followup.entry_index = entry.index
    followup.save(update_fields=["entry_index"])


def test_served_results_page_verifies_against_the_followup_statement(heard, settings):
    """The page's certified region (question + latest certified follow-up) passes the verifier's
    checks against the signed statement; live counts and quotes are left out as uncertified;
    a follow-up whose served text differs from what was signed fails."""
    from parvis.certification import selectors
    from parvis.certification.pagecheck import page_verify
    from parvis.certification.verify import VerificationError

    followup = heard.followups.filter(published_at__isnull=False).get()
    _certify(followup)
    response = Client().get("/questions/PONT1/")
    page = response.content.decode()
    assert "data-certified" in page
    entry = LogEntry.objects.get(index=followup.entry_index)

    def check(html_text: str) -> int:
        return page_verify(
            url=f"{settings.PARVIS_CERTIFIED_ORIGINS[0]}/questions/PONT1/",
            html=html_text,
            bundle=selectors.bundle_for(entry),
            keys=selectors.keys_document(),
            origins=list(settings.PARVIS_CERTIFIED_ORIGINS),
        ).outside

    assert check(page) > 0  # counts, quotes: present but not compared
    followup.body = "Nous avons repeint la piste en rose."
    followup.save(update_fields=["body"])
    with pytest.raises(VerificationError):
        check(Client().get("/questions/PONT1/").content.decode())


def test_without_a_certified_followup_the_page_claims_no_certification(heard):
    """No certified follow-up: no data-certified region and no proof link."""
    page = Client().get("/questions/PONT1/").content.decode()
    assert "data-certified" not in page
    assert "Preuve de certification" not in page
