"""The full-text index in the database itself: SQLite FTS5 or PostgreSQL tsvector.

Both backends index the same pre-stemmed words (``parvis.answers.text.index_text``), so query
understanding is shared and only scoring differs: FTS5's BM25 with field weights on SQLite,
IDF-weighted ``ts_rank`` with field weights on PostgreSQL. A second, "plain" index of the raw
text serves the baseline of ``eval_answers`` and the surface vocabulary used for spelling.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from parvis.answers.models import SearchDocument
from parvis.answers.text import index_text, normalise

# Field weights: title/question, other wordings, short answer (or lead), body. On PostgreSQL,
# ts_rank normalisation 16 (divide by 1 + log of unique words) ranked best of 0/1/2/16.
WEIGHTS = (6.0, 4.0, 2.5, 1.0)
PG_WEIGHTS = "{0.17, 0.42, 0.67, 1.0}"  # ts_rank wants {D, C, B, A} in 0..1

SQLITE_SCHEMA = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS answers_fts USING fts5("
    "title, alternatives, short_answer, body, tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS answers_fts_plain USING fts5("
    "text, tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS answers_fts_stems USING fts5vocab(answers_fts, 'row')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS answers_fts_words"
    " USING fts5vocab(answers_fts_plain, 'row')",
]
SQLITE_DROP = [
    f"DROP TABLE IF EXISTS {t}"
    for t in ("answers_fts_stems", "answers_fts_words", "answers_fts", "answers_fts_plain")
]
PG_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS answers_pgfts ("
    " doc_id integer PRIMARY KEY REFERENCES answers_searchdocument(id) ON DELETE CASCADE"
    " DEFERRABLE INITIALLY DEFERRED,"
    " vector tsvector NOT NULL, words tsvector NOT NULL, plain tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS answers_pgfts_vector ON answers_pgfts USING gin(vector)",
    "CREATE INDEX IF NOT EXISTS answers_pgfts_plain ON answers_pgfts USING gin(plain)",
]
PG_DROP = ["DROP TABLE IF EXISTS answers_pgfts"]


def schema_create(schema_editor: object, vendor: str) -> None:
    statements = {"sqlite": SQLITE_SCHEMA, "postgresql": PG_SCHEMA}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)  # type: ignore[attr-defined]


def schema_drop(schema_editor: object, vendor: str) -> None:
    for sql in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(vendor, []):
        schema_editor.execute(sql)  # type: ignore[attr-defined]


def _fields(doc: SearchDocument) -> tuple[str, str, str, str]:
    return (
        index_text(doc.title),
        index_text(doc.alternatives),
        index_text(doc.short_answer),
        index_text(doc.body),
    )


def _raw(doc: SearchDocument) -> str:
    return "\n".join(p for p in (doc.title, doc.alternatives, doc.short_answer, doc.body) if p)


def rows_write(docs: Iterable[SearchDocument]) -> None:
    """(Re)write the index rows of ``docs`` (already saved)."""
    with connection.cursor() as cursor:
        for doc in docs:
            fields = _fields(doc)
            raw = _raw(doc)
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM answers_fts WHERE rowid = %s", [doc.pk])
                cursor.execute("DELETE FROM answers_fts_plain WHERE rowid = %s", [doc.pk])
                cursor.execute(
                    "INSERT INTO answers_fts (rowid, title, alternatives, short_answer, body)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [doc.pk, *fields],
                )
                cursor.execute(
                    "INSERT INTO answers_fts_plain (rowid, text) VALUES (%s, %s)", [doc.pk, raw]
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "INSERT INTO answers_pgfts (doc_id, vector, words, plain) VALUES (%s,"
                    " setweight(to_tsvector('simple', %s), 'A')"
                    " || setweight(to_tsvector('simple', %s), 'B')"
                    " || setweight(to_tsvector('simple', %s), 'C')"
                    " || setweight(to_tsvector('simple', %s), 'D'),"
                    " to_tsvector('simple', %s), to_tsvector('french', %s))"
                    " ON CONFLICT (doc_id) DO UPDATE SET vector = EXCLUDED.vector,"
                    " words = EXCLUDED.words, plain = EXCLUDED.plain",
                    [doc.pk, *fields, normalise(raw), raw],
                )
    vocabulary_invalidate()


def rows_delete(doc_ids: Iterable[int]) -> None:
    ids = list(doc_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        for pk in ids:
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM answers_fts WHERE rowid = %s", [pk])
                cursor.execute("DELETE FROM answers_fts_plain WHERE rowid = %s", [pk])
            elif connection.vendor == "postgresql":
                cursor.execute("DELETE FROM answers_pgfts WHERE doc_id = %s", [pk])
    vocabulary_invalidate()


def rows_clear() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM answers_fts")
            cursor.execute("DELETE FROM answers_fts_plain")
        elif connection.vendor == "postgresql":
            cursor.execute("DELETE FROM answers_pgfts")
    vocabulary_invalidate()


# --- Vocabulary (document frequencies), cached per process -----------------------------------


@dataclass
class Vocabulary:
    doc_count: int
    stems: dict[str, int]  # stem → number of documents
    words: dict[str, int]  # surface word (normalised) → number of documents
    loaded_at: float

    def idf(self, stem: str) -> float:
        df = self.stems.get(stem, 0)
        return math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))


_vocab_lock = threading.Lock()
_vocab: Vocabulary | None = None
VOCABULARY_TTL = 300.0  # other processes' index writes are seen within this many seconds


def vocabulary_invalidate() -> None:
    global _vocab
    _vocab = None


def vocabulary() -> Vocabulary:
    global _vocab
    current = _vocab
    if current is not None and time.monotonic() - current.loaded_at < VOCABULARY_TTL:
        return current
    with _vocab_lock, connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM answers_fts")
            count = cursor.fetchone()[0]
            cursor.execute("SELECT term, doc FROM answers_fts_stems")
            stems = dict(cursor.fetchall())
            cursor.execute("SELECT term, doc FROM answers_fts_words")
            words = {normalise(t): n for t, n in cursor.fetchall()}
        else:
            cursor.execute("SELECT count(*) FROM answers_pgfts")
            count = cursor.fetchone()[0]
            cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT vector FROM answers_pgfts')")
            stems = dict(cursor.fetchall())
            cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT words FROM answers_pgfts')")
            words = dict(cursor.fetchall())
        words.pop("", None)
        _vocab = Vocabulary(count, stems, words, time.monotonic())
        return _vocab


# --- Retrieval --------------------------------------------------------------------------------


def _fts5_quote(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def search(weighted_stems: dict[str, float], *, limit: int = 50) -> list[tuple[int, float]]:
    """Document ids and scores (higher is better) for stems with per-stem boosts."""
    terms = [t for t in weighted_stems if t]
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # FTS5 has no per-term boost: original and expanded terms are one OR query.
            match = " OR ".join(_fts5_quote(t) for t in terms)
            cursor.execute(
                "SELECT rowid, -bm25(answers_fts, %s, %s, %s, %s) AS score FROM answers_fts"
                " WHERE answers_fts MATCH %s ORDER BY score DESC LIMIT %s",
                [*WEIGHTS, match, limit],
            )
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
        vocab = vocabulary()
        parts, params = [], []
        for term in terms:
            parts.append("%s * ts_rank(%s::float4[], vector, to_tsquery('simple', %s), 16)")
            params += [vocab.idf(term) * weighted_stems[term], PG_WEIGHTS, _pg_term(term)]
        query = " | ".join(_pg_term(t) for t in terms)
        cursor.execute(
            f"SELECT doc_id, ({' + '.join(parts)}) AS score FROM answers_pgfts"
            " WHERE vector @@ to_tsquery('simple', %s) ORDER BY score DESC LIMIT %s",
            [*params, query, limit],
        )
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def _pg_term(term: str) -> str:
    return "'" + term.replace("'", "").replace("\\", "") + "'"


def search_plain(text: str, *, limit: int = 10) -> list[tuple[int, float]]:
    """The baseline: the database's own full-text search with default settings (OR of words)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            words = [w for w in normalise(text).split() if w]
            if not words:
                return []
            match = " OR ".join(_fts5_quote(w) for w in words)
            cursor.execute(
                "SELECT rowid, -bm25(answers_fts_plain) AS score FROM answers_fts_plain"
                " WHERE answers_fts_plain MATCH %s ORDER BY score DESC LIMIT %s",
                [match, limit],
            )
        else:
            cursor.execute(
                "WITH q AS (SELECT replace(plainto_tsquery('french', %s)::text, '&', '|')::tsquery"
                " AS q) SELECT doc_id, ts_rank(plain, q.q) AS score FROM answers_pgfts, q"
                " WHERE plain @@ q.q ORDER BY score DESC LIMIT %s",
                [text, limit],
            )
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
