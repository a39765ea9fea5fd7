"""Pages and documents of the answers tests, created through real publication."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator

import pytest

from parvis.answers.services import knowledge_import
from parvis.content.models import (
    ActualiteIndexPage,
    ActualitePage,
    Audience,
    FicheIndexPage,
    FichePage,
    FichePlace,
    HomePage,
    LieuIndexPage,
    LieuPage,
    OpeningRule,
    Quartier,
)

_counter = itertools.count()


def _section(model: type) -> object:
    section = model.objects.first()
    if section is None:
        home = HomePage.objects.first()
        section = home.add_child(instance=model(title=model.__name__, slug=model.__name__.lower()))
    return section


@pytest.fixture
def publish_fiche() -> Callable[..., FichePage]:
    def make(title: str, short_answer: str, **fields: object) -> FichePage:
        lieux = fields.pop("lieux", [])
        slug = fields.pop("slug", f"test-fiche-{next(_counter)}")
        page = _section(FicheIndexPage).add_child(
            instance=FichePage(title=title, slug=slug, short_answer=short_answer, **fields)
        )
        for lieu in lieux:
            FichePlace.objects.create(page=page, lieu=lieu)
        page.save_revision().publish()
        return page

    return make


@pytest.fixture
def publish_actualite() -> Callable[..., ActualitePage]:
    def make(title: str, intro: str, date: dt.date) -> ActualitePage:
        page = _section(ActualiteIndexPage).add_child(
            instance=ActualitePage(
                title=title,
                slug=f"test-actu-{next(_counter)}",
                intro=intro,
                body=f"<p>{intro}</p>",
                date=date,
            )
        )
        page.save_revision().publish()
        return page

    return make


@pytest.fixture
def audience() -> Iterator[Callable[..., Audience]]:
    """Audiences made by a test; the engine's cache of them is dropped afterwards (the
    rollback sends no signal)."""
    from parvis.answers.query import audiences_invalidate

    def make(name: str, slug: str, resident_words: str = "") -> Audience:
        # update: the students' audience exists from a data migration (content 0008)
        return Audience.objects.update_or_create(
            slug=slug, defaults={"name": name, "resident_words": resident_words}
        )[0]

    yield make
    audiences_invalidate()


@pytest.fixture
def publish_lieu() -> Callable[..., LieuPage]:
    def make(title: str, kind: str, quartier: str = "", hours: dict | None = None) -> LieuPage:
        q = None
        if quartier:
            q, _ = Quartier.objects.get_or_create(
                slug=f"q-{quartier.lower()}", defaults={"name": quartier}
            )
        page = _section(LieuIndexPage).add_child(
            instance=LieuPage(
                title=title,
                slug=f"test-lieu-{next(_counter)}",
                kind=kind,
                street="1 rue Test",
                postcode="44000",
                quartier=q,
                closed_on_public_holidays=False,
            )
        )
        for weekday, (opens, closes) in (hours or {}).items():
            OpeningRule.objects.create(
                page=page, weekday=weekday, opens=dt.time(opens), closes=dt.time(closes)
            )
        page.save_revision().publish()
        return page

    return make


@pytest.fixture
def knowledge() -> Callable[[list[dict]], object]:
    import json

    def load(docs: list[dict]) -> object:
        return knowledge_import(lines=[json.dumps(d, ensure_ascii=False) for d in docs])

    return load


SMALL_KB = [
    {
        "id": "T1",
        "title": "",
        "body": "Non, une personne résidant en France ne peut pas déshériter ses enfants.\n"
        "La réserve héréditaire protège les descendants.",
        "url": "https://example.org/T1",
        "source": "Test",
    },
    {
        "id": "T2",
        "title": "",
        "body": "Un hôtel doit remettre une facture à ses clients, la note d'hôtel.\n"
        "Elle détaille les prestations.",
        "url": "https://example.org/T2",
        "source": "Test",
    },
    {
        "id": "T3",
        "title": "",
        "body": "Le défenseur syndical assiste les salariés devant le conseil de prud'hommes.",
        "url": "https://example.org/T3",
        "source": "Test",
    },
    {
        "id": "T4",
        "title": "",
        "body": "La médiation familiale aide à apaiser un conflit familial (un divorce).",
        "url": "https://example.org/T4",
        "source": "Test",
    },
    {
        "id": "T5",
        "title": "",
        "body": "Le permis de conduire se renouvelle en ligne sur le site de l'ANTS.",
        "url": "https://example.org/T5",
        "source": "Test",
    },
]


@pytest.fixture
def small_kb(knowledge: Callable) -> list[dict]:
    knowledge(SMALL_KB)
    return SMALL_KB


@pytest.fixture(autouse=True)
def _engine_caches_fresh() -> Iterator[None]:
    """Each test starts with the engine's per-process caches empty (vocabulary, lexicon, place
    words, vectors): the database is rolled back under them after every test, so what one test
    cached (a vocabulary read while its documents were deleted, say) is not the next test's
    index."""
    from parvis.answers import index, ranking, semantic

    index.vocabulary_invalidate()
    ranking.caches_clear()
    semantic.invalidate()
    yield
