"""The one protocol by which an app makes its objects findable by the answer engine.

An app that wants its objects answered (groups, events, street questions, quartier pages…)
declares, in a module ``<app>/answer_sources.py``, a list ``SOURCES`` of objects following
:class:`AnswerSource`. The engine discovers them at start (like the task worker discovers each
app's ``tasks.py``); ``answers`` never imports an app above it, and never switches on its
classes. An app keeps its documents in step by calling :func:`documents_write` and
:func:`documents_remove` (after its own transaction commits: ``transaction.on_commit``), or
:func:`source_refresh` to rebuild all of one source's documents.

Each document has a stable key ``<kind>:<identifier>`` (``groupe:jardin-bellevue``) unique across
sources: a source's keys all start with its ``kind`` and a colon.

Example::

    # parvis/networks/answer_sources.py
    class GroupSource:
        kind = "groupe"
        label = _("Groupe")

        def documents(self) -> Iterable[AnswerDocument]:
            for group in Group.objects.filter(status=Group.Status.APPROVED):
                yield group_document(group)

    SOURCES = [GroupSource()]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.db import transaction

MODULE = "answer_sources"


@dataclass(frozen=True)
class AnswerDocument:
    """What one object becomes in the index: fields by weight, facets, freshness dates.

    ``title`` weighs most (a page's title, a question's wording), then ``alternatives`` (other
    wordings residents use), ``short_answer`` (the answer in one or two sentences, shown on the
    answer card) and ``body``. ``facets`` hold lists of slugs: ``theme``, ``audience``,
    ``quartier``, ``commune`` (and a source's own, e.g. ``kind`` of a place).
    """

    key: str
    kind: str
    title: str
    url: str
    alternatives: str = ""
    short_answer: str = ""
    body: str = ""
    facets: dict[str, Any] = field(default_factory=dict)
    published_on: dt.date | None = None
    review_due: dt.date | None = None
    language: str = "fr"
    source: str = ""
    licence: str = ""

    def __post_init__(self) -> None:
        if not self.key.startswith(f"{self.kind}:"):
            raise ValueError(f"document key {self.key!r} must start with {self.kind!r}:")

    def fields(self) -> dict[str, Any]:
        """The ``SearchDocument`` columns of this document."""
        return {
            "kind": self.kind,
            "title": self.title[:500],
            "alternatives": self.alternatives,
            "short_answer": self.short_answer,
            "body": self.body,
            "url": self.url[:1000],
            "facets": self.facets,
            "published_on": self.published_on,
            "review_due": self.review_due,
            "source": self.source[:300],
            "licence": self.licence[:300],
        }


@runtime_checkable
class AnswerSource(Protocol):
    """A kind of object the engine can answer with."""

    kind: str  # the key prefix and the SearchDocument.kind of its documents
    label: Any  # what a result of this kind is called in the interface ("Groupe")

    def documents(self) -> Iterable[AnswerDocument]:
        """Every document this source currently publishes (a full rebuild reads this)."""
        ...


@cache
def sources() -> tuple[AnswerSource, ...]:
    """The registered sources of every installed app, in INSTALLED_APPS order."""
    found: list[AnswerSource] = []
    kinds: set[str] = set()
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.{MODULE}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{MODULE}":
                raise
            continue
        for source in getattr(module, "SOURCES", []):
            if not isinstance(source, AnswerSource):
                raise TypeError(f"{config.name}.{MODULE}: {source!r} is not an AnswerSource")
            if source.kind in kinds:
                raise ValueError(f"two answer sources declare the kind {source.kind!r}")
            kinds.add(source.kind)
            found.append(source)
    return tuple(found)


def source_for(kind: str) -> AnswerSource | None:
    return next((s for s in sources() if s.kind == kind), None)


def documents_write(documents: Iterable[AnswerDocument]) -> int:
    """Add or update documents in the index (call it after your transaction commits)."""
    from parvis.answers import index
    from parvis.answers.models import SearchDocument

    written = []
    with transaction.atomic():
        for document in documents:
            doc, _ = SearchDocument.objects.update_or_create(
                key=document.key, defaults=document.fields()
            )
            written.append(doc)
        index.rows_write(written)
    return len(written)


def documents_remove(keys: Iterable[str]) -> int:
    """Remove documents from the index by key (unknown keys are ignored)."""
    from parvis.answers import index
    from parvis.answers.models import SearchDocument

    with transaction.atomic():
        ids = list(SearchDocument.objects.filter(key__in=list(keys)).values_list("pk", flat=True))
        index.rows_delete(ids)
        SearchDocument.objects.filter(pk__in=ids).delete()
    return len(ids)


def source_refresh(kind: str) -> int:
    """Rebuild one source's documents: write what it publishes, remove what it no longer does."""
    from parvis.answers.models import SearchDocument

    source = source_for(kind)
    if source is None:
        raise LookupError(f"no answer source of kind {kind!r}")
    documents = list(source.documents())
    keep = {d.key for d in documents}
    stale = SearchDocument.objects.filter(kind=kind).exclude(key__in=keep)
    documents_remove(stale.values_list("key", flat=True))
    return documents_write(documents)
