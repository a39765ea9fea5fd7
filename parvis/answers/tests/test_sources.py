"""Apps make their objects findable through one protocol: ``answer_sources.SOURCES``."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from parvis.answers import sources
from parvis.answers.models import SearchDocument
from parvis.answers.selectors import answer_query
from parvis.answers.services import reindex_all
from parvis.answers.sources import AnswerDocument

pytestmark = pytest.mark.django_db


class GardenSource:
    kind = "zzgroupe"
    label = "Groupe"

    def __init__(self) -> None:
        self.published = ["bellevue"]

    def documents(self) -> Iterable[AnswerDocument]:
        for slug in self.published:
            yield AnswerDocument(
                key=f"zzgroupe:{slug}",
                kind="zzgroupe",
                title=f"Jardin zzpartagé de {slug.title()}",
                url=f"/groupes/{slug}/",
                short_answer="Un collectif d'habitants qui cultive un jardin zzpartagé.",
                facets={"quartier": [slug]},
            )


@pytest.fixture
def garden(monkeypatch: pytest.MonkeyPatch) -> GardenSource:
    source = GardenSource()
    monkeypatch.setattr(sources, "sources", lambda: (source,))
    return source


def test_a_source_is_found_by_the_engine_after_a_refresh(garden: GardenSource) -> None:
    assert sources.source_refresh("zzgroupe") == 1
    response = answer_query(query="jardin zzpartagé bellevue")
    assert response.results[0].id == "zzgroupe:bellevue"
    assert response.results[0].type == "zzgroupe"
    assert response.results[0].url == "/groupes/bellevue/"


def test_a_refresh_removes_what_the_source_no_longer_publishes(garden: GardenSource) -> None:
    sources.source_refresh("zzgroupe")
    garden.published = ["doulon"]
    sources.source_refresh("zzgroupe")
    keys = set(SearchDocument.objects.filter(kind="zzgroupe").values_list("key", flat=True))
    assert keys == {"zzgroupe:doulon"}
    assert [r.id for r in answer_query(query="jardin zzpartagé bellevue").results][:1] != [
        "zzgroupe:bellevue"
    ]


def test_reindex_all_keeps_the_sources_documents(garden: GardenSource) -> None:
    reindex_all()
    assert SearchDocument.objects.filter(key="zzgroupe:bellevue").exists()


def test_documents_remove_takes_a_document_out_of_the_index(garden: GardenSource) -> None:
    sources.source_refresh("zzgroupe")
    assert sources.documents_remove(["zzgroupe:bellevue", "zzgroupe:unknown"]) == 1
    assert not any(r.id == "zzgroupe:bellevue" for r in answer_query(query="zzpartagé").results)


def test_a_key_outside_its_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        AnswerDocument(key="fiche:x", kind="zzgroupe", title="x", url="/")


def test_the_installed_sources_have_distinct_kinds() -> None:
    kinds = [s.kind for s in sources.sources()]
    assert len(kinds) == len(set(kinds))
