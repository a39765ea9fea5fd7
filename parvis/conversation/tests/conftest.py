"""Fixtures of the conversation tests: services, Fiches, agents and a scripted answer engine."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User

from parvis.answers.selectors import AnswerCard, AnswerResponse, ResultItem
from parvis.content.models import FicheIndexPage, FichePage, Service
from parvis.core.models import AgentProfile
from parvis.core.roles import AGENTS


@pytest.fixture(autouse=True)
def default_calibration(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    """Tests use the engine-agnostic default model, not the one fitted on real data."""
    for name in ("CALIBRATION_PATH", "SEMANTIC_CALIBRATION_PATH"):
        monkeypatch.setattr(f"parvis.conversation.calibration.{name}", tmp_path / "absent.json")


@pytest.fixture
def service_x(db) -> Service:  # noqa: ANN001 — pytest-django fixture
    return Service.objects.create(name="État civil test", slug="etat-civil-test")


@pytest.fixture
def service_y(db) -> Service:  # noqa: ANN001
    return Service.objects.create(name="Propreté test", slug="proprete-test")


@pytest.fixture
def make_fiche(db) -> Callable[..., FichePage]:  # noqa: ANN001
    def make(title: str, short_answer: str, service: Service | None = None) -> FichePage:
        parent = FicheIndexPage.objects.first()  # the metropolitan one (communes have theirs)
        fiche = FichePage(title=title, short_answer=short_answer, service=service)
        parent.add_child(instance=fiche)
        fiche.save_revision().publish()
        return fiche

    return make


@pytest.fixture
def make_agent(db) -> Callable[..., AgentProfile]:  # noqa: ANN001
    def make(username: str, service: Service, name: str = "Samia") -> AgentProfile:
        user = User.objects.create_user(username, f"{username}@ville.test", "pw-agent-123")
        user.groups.add(Group.objects.get(name=AGENTS))
        profile = AgentProfile.objects.create(user=user, display_name=name, role="agente d'accueil")
        profile.services.add(service)
        return profile

    return make


def item(page: FichePage, score: float) -> ResultItem:
    return ResultItem(
        id=f"page:{page.pk}",
        url=page.url,
        title=page.title,
        type="fiche",
        score=score,
        snippet=page.short_answer,
        page_id=page.pk,
    )


class ScriptedEngine:
    """Stands in for answer_query: the decision layer must work with any engine."""

    def __init__(self) -> None:
        self.script: dict[str, list[tuple[FichePage, float]]] = {}
        self.queries: list[str] = []

    def __call__(self, *, query: str, limit: int = 10, at: object = None) -> AnswerResponse:
        self.queries.append(query)
        ranked = next((v for k, v in self.script.items() if k in query.lower()), [])
        results = [item(page, score) for page, score in ranked][:limit]
        card = None
        # Like the engine, a card only for a clear lead (its confidence is at least CONFIDENT).
        lead = len(results) == 1 or (
            len(results) > 1 and (results[0].score - results[1].score) >= 0.15 * results[0].score
        )
        if results and lead:
            top = ranked[0][0]
            card = AnswerCard(
                id=results[0].id,
                url=top.url,
                title=top.title,
                type="fiche",
                short_answer=top.short_answer,
            )
        confidence = 0.9 if card else 0.3
        return AnswerResponse(query=query, answer=card, confidence=confidence, results=results)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> ScriptedEngine:
    scripted = ScriptedEngine()
    monkeypatch.setattr("parvis.conversation.assistant.answer_query", scripted)
    return scripted
