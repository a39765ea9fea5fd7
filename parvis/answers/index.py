"""The full-text index in the database itself: SQLite FTS5 or PostgreSQL tables.

Each database has its backend (``parvis.answers.backends``), chosen once from the connection;
this module is what the rest of the engine calls, whatever the database.

Both backends index the same pre-stemmed words (``parvis.answers.text.index_text``) and score
them the same way: BM25 (k1 1.2, b 0.75) over the field-weighted term frequency, with the
document's length in words and the IDF taken from the index itself. SQLite computes it in FTS5
(``bm25()``); PostgreSQL computes FTS5's formula in SQL over ``answers_pgterms``, an inverted
index of per-field term counts, and ``answers_pgfts.length``. So a question gets the same
candidates, in the same order, whichever database runs the site.

PostgreSQL's own ``ts_rank`` was used before and is not a document-ranking function: a term
counts for the heaviest field it appears in, repetition barely adds, and the only length
normalisation is by the number of unique words. A short page with a common question word in
its title then beat the document that answered the question in its text.

A second, "plain" index of the raw text serves the baseline of ``eval_answers`` and the
surface vocabulary used for spelling.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from parvis.answers.backends import backend_for
from parvis.answers.backends.base import (  # noqa: F401  (the engine's constants, re-exported)
    BM25_B,
    BM25_K1,
    BM25_MIN_IDF,
    MAX_TERM,
    WEIGHTS,
    IndexBackend,
)
from parvis.answers.models import SearchDocument
from parvis.answers.text import index_text
from parvis.core.expiring import Expiring


def backend() -> IndexBackend:
    """The index backend of the default database."""
    return backend_for(connection.vendor)


def schema_create(schema_editor: object, vendor: str) -> None:
    backend_for(vendor).schema_create(schema_editor)


def schema_drop(schema_editor: object, vendor: str) -> None:
    backend_for(vendor).schema_drop(schema_editor)


def schema_upgrade_bm25(schema_editor: object, vendor: str) -> None:
    """Migration 0006: PostgreSQL moves from ts_rank to BM25 (SQLite is unchanged)."""
    backend_for(vendor).schema_upgrade_bm25(schema_editor)


def _fields(doc: SearchDocument) -> tuple[str, str, str, str]:
    return (
        index_text(doc.title),
        index_text(doc.wordings),
        index_text(doc.short_answer),
        index_text(doc.body),
    )


def _raw(doc: SearchDocument) -> str:
    return "\n".join(p for p in (doc.title, doc.wordings, doc.short_answer, doc.body) if p)


WRITE_BATCH = 500


def _batched(items: Iterable[SearchDocument], size: int) -> Iterable[list[SearchDocument]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _learned_sync(batch: list[SearchDocument]) -> None:
    """Bring each document's ``learned`` wordings in line with the editors' approvals (a
    document removed and written again, a page re-published, gets them back)."""
    from parvis.answers.learning import approved_phrasings

    learned = approved_phrasings(doc.key for doc in batch)
    for doc in batch:
        text = "\n".join(learned.get(doc.key, ()))
        if doc.learned != text:
            doc.learned = text
            doc.updated_at = timezone.now()
            SearchDocument.objects.filter(pk=doc.pk).update(learned=text, updated_at=doc.updated_at)


def rows_write(docs: Iterable[SearchDocument]) -> None:
    """(Re)write the index rows of ``docs`` (already saved), with the wordings editors
    approved from use (``parvis.answers.learning``) beside the documents' own."""
    engine = backend()
    with connection.cursor() as cursor:
        for batch in _batched(docs, WRITE_BATCH):
            _learned_sync(batch)
            for doc in batch:
                engine.write(cursor, doc.pk, _fields(doc), _raw(doc))
    vocabulary_invalidate()


def rows_delete(doc_ids: Iterable[int]) -> None:
    ids = list(doc_ids)
    if not ids:
        return
    engine = backend()
    with connection.cursor() as cursor:
        for pk in ids:
            engine.delete(cursor, pk)
    vocabulary_invalidate()


def statistics_refresh() -> None:
    """After a bulk write, do what autovacuum would do later to PostgreSQL's index tables.

    Until then a freshly filled inverted index is read from the table rather than from its
    index alone (the visibility map is empty): lexical p50 8.1 → 5.1 ms on Service-Public.
    VACUUM cannot run in a transaction: inside one, statistics only. SQLite needs nothing.
    """
    with connection.cursor() as cursor:
        backend().statistics_refresh(cursor, in_transaction=connection.in_atomic_block)


def rows_clear() -> None:
    with connection.cursor() as cursor:
        backend().clear(cursor)
    vocabulary_invalidate()


# --- Vocabulary (document frequencies), cached per process -----------------------------------


@dataclass
class Vocabulary:
    doc_count: int
    stems: dict[str, int]  # stem → number of documents
    words: dict[str, int]  # surface word (normalised) → number of documents

    def idf(self, stem: str) -> float:
        """Inverse document frequency of a stem (positive, large for a word the index lacks)."""
        df = self.stems.get(stem, 0)
        return math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))


VOCABULARY_TTL = 300.0  # other processes' index writes are seen within this many seconds


def _vocabulary_load() -> Vocabulary:
    with connection.cursor() as cursor:
        count, stems, words = backend().vocabulary(cursor)
    words.pop("", None)
    return Vocabulary(count, stems, words)


_vocabulary = Expiring(_vocabulary_load, ttl=VOCABULARY_TTL)


def vocabulary_invalidate() -> None:
    _vocabulary.invalidate()


def vocabulary() -> Vocabulary:
    """Document frequencies of the index's stems and surface words (cached per process)."""
    return _vocabulary.get()


# --- Retrieval --------------------------------------------------------------------------------


def search(weighted_stems: dict[str, float], *, limit: int = 50) -> list[tuple[int, float]]:
    """Document ids and BM25 scores (higher is better), the same on SQLite and PostgreSQL.

    The stems are one OR query; their boosts are not applied (FTS5 has no per-term boost, and
    PostgreSQL computes FTS5's score so that both databases rank alike).
    """
    terms = [t for t in weighted_stems if t]
    if not terms:
        return []
    with connection.cursor() as cursor:
        return backend().search(cursor, terms, limit)


def search_plain(text: str, *, limit: int = 10) -> list[tuple[int, float]]:
    """The baseline: the database's own full-text search with default settings (OR of words)."""
    with connection.cursor() as cursor:
        return backend().search_plain(cursor, text, limit)
