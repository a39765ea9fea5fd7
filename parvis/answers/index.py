"""The full-text index in the database itself: SQLite FTS5 or PostgreSQL tables.

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

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from parvis.answers.models import SearchDocument
from parvis.answers.text import index_text, normalise
from parvis.core.expiring import Expiring

# Field weights: title/question, other wordings, short answer (or lead), body.
WEIGHTS = (6.0, 4.0, 2.5, 1.0)
# BM25 as FTS5 computes it (textbook parameters, the same on both databases).
BM25_K1 = 1.2
BM25_B = 0.75
BM25_MIN_IDF = 1e-6  # FTS5 floors the IDF of terms found in more than half the documents
MAX_TERM = 200  # longer "words" are not indexed on PostgreSQL (a btree entry is bounded)

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
# answers_pgfts: one row per document (length in indexed words; surface words for spelling;
# the raw text for the baseline). answers_pgterms: the inverted index, one row per stem and
# document with its count in each field (in the primary key's index too, so that a query reads
# a term's postings from the index alone). Migrations 0002 and 0006 both run these statements
# (0006 upgrades a database made by the former ts_rank index, see PG_UPGRADE).
PG_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS answers_pgfts ("
    " doc_id integer PRIMARY KEY REFERENCES answers_searchdocument(id) ON DELETE CASCADE"
    " DEFERRABLE INITIALLY DEFERRED,"
    " length integer NOT NULL DEFAULT 0, words tsvector NOT NULL, plain tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS answers_pgfts_plain ON answers_pgfts USING gin(plain)",
    "CREATE TABLE IF NOT EXISTS answers_pgterms ("
    " term text NOT NULL,"
    " doc_id integer NOT NULL REFERENCES answers_pgfts(doc_id) ON DELETE CASCADE,"
    " title integer NOT NULL, alternatives integer NOT NULL,"
    " short_answer integer NOT NULL, body integer NOT NULL,"
    " PRIMARY KEY (term, doc_id) INCLUDE (title, alternatives, short_answer, body))",
    "CREATE INDEX IF NOT EXISTS answers_pgterms_doc ON answers_pgterms(doc_id)",
]
PG_UPGRADE = [
    "ALTER TABLE answers_pgfts ADD COLUMN IF NOT EXISTS length integer NOT NULL DEFAULT 0",
    "ALTER TABLE answers_pgfts DROP COLUMN IF EXISTS vector",  # and its GIN index
    *PG_SCHEMA,
]
PG_DROP = ["DROP TABLE IF EXISTS answers_pgterms", "DROP TABLE IF EXISTS answers_pgfts"]


def schema_create(schema_editor: object, vendor: str) -> None:
    statements = {"sqlite": SQLITE_SCHEMA, "postgresql": PG_SCHEMA}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)  # type: ignore[attr-defined]


def schema_drop(schema_editor: object, vendor: str) -> None:
    for sql in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(vendor, []):
        schema_editor.execute(sql)  # type: ignore[attr-defined]


def schema_upgrade_bm25(schema_editor: object, vendor: str) -> None:
    """Migration 0006: PostgreSQL moves from ts_rank to BM25 (SQLite is unchanged)."""
    if vendor == "postgresql":
        for sql in PG_UPGRADE:
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
                length, terms = _term_counts(fields)
                cursor.execute("DELETE FROM answers_pgfts WHERE doc_id = %s", [doc.pk])
                cursor.execute(
                    "INSERT INTO answers_pgfts (doc_id, length, words, plain) VALUES"
                    " (%s, %s, to_tsvector('simple', %s), to_tsvector('french', %s))",
                    [doc.pk, length, normalise(raw), raw],
                )
                if terms:
                    counts = [list(column) for column in zip(*terms.values(), strict=True)]
                    cursor.execute(
                        "INSERT INTO answers_pgterms"
                        " (term, doc_id, title, alternatives, short_answer, body)"
                        " SELECT term, %s, a, b, c, d FROM unnest(%s::text[],"
                        " %s::int[], %s::int[], %s::int[], %s::int[]) AS u(term, a, b, c, d)",
                        [doc.pk, list(terms), *counts],
                    )
    vocabulary_invalidate()


def _term_counts(fields: tuple[str, ...]) -> tuple[int, dict[str, list[int]]]:
    """(Number of indexed words, {stem: [count in each field]}), as FTS5 counts them."""
    length = 0
    terms: dict[str, list[int]] = {}
    for column, text in enumerate(fields):
        words = text.split()
        length += len(words)
        for word in words:
            if len(word) <= MAX_TERM:
                terms.setdefault(word, [0] * len(fields))[column] += 1
    return length, terms


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


def statistics_refresh() -> None:
    """After a bulk write, do what autovacuum would do later to PostgreSQL's index tables.

    Until then a freshly filled inverted index is read from the table rather than from its
    index alone (the visibility map is empty): lexical p50 8.1 → 5.1 ms on Service-Public.
    VACUUM cannot run in a transaction: inside one, statistics only. SQLite needs nothing.
    """
    if connection.vendor != "postgresql":
        return
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{verb} answers_pgterms")
        cursor.execute(f"{verb} answers_pgfts")


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

    def idf(self, stem: str) -> float:
        """Inverse document frequency of a stem (positive, large for a word the index lacks)."""
        df = self.stems.get(stem, 0)
        return math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))


VOCABULARY_TTL = 300.0  # other processes' index writes are seen within this many seconds


def _vocabulary_load() -> Vocabulary:
    with connection.cursor() as cursor:
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
            cursor.execute("SELECT term, count(*) FROM answers_pgterms GROUP BY term")
            stems = dict(cursor.fetchall())
            cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT words FROM answers_pgfts')")
            words = dict(cursor.fetchall())
    words.pop("", None)
    return Vocabulary(count, stems, words)


_vocabulary = Expiring(_vocabulary_load, ttl=VOCABULARY_TTL)


def vocabulary_invalidate() -> None:
    _vocabulary.invalidate()


def vocabulary() -> Vocabulary:
    """Document frequencies of the index's stems and surface words (cached per process)."""
    return _vocabulary.get()


# --- Retrieval --------------------------------------------------------------------------------


# FTS5's bm25() (sqlite/ext/fts5/fts5_aux.c) in SQL: f is the field-weighted count of a term in
# a document, df the number of documents holding it, length the document's words (all fields),
# avgdl their mean over the index. score = Σ idf · f·(k1+1) / (f + k1·(1 − b + b·length/avgdl)),
# idf = max(ln((N − df + 0.5) / (df + 0.5)), 1e-6). Ties go to the older document.
PG_BM25 = """
WITH stats AS (
    SELECT count(*)::float8 AS n, greatest(avg(length), 1)::float8 AS avgdl FROM answers_pgfts
), hits AS (
    SELECT doc_id, count(*) OVER (PARTITION BY term) AS df,
           %(w1)s::float8 * title + %(w2)s::float8 * alternatives
           + %(w3)s::float8 * short_answer + %(w4)s::float8 * body AS f
    FROM answers_pgterms WHERE term = ANY(%(terms)s)
)
SELECT h.doc_id,
       sum(greatest(ln((s.n - h.df + 0.5) / (h.df + 0.5)), %(min_idf)s) * h.f * (%(k1)s::float8 + 1)
           / (h.f + %(k1)s * (1 - %(b)s + %(b)s * d.length / s.avgdl))) AS score
FROM hits h JOIN answers_pgfts d ON d.doc_id = h.doc_id CROSS JOIN stats s
GROUP BY h.doc_id ORDER BY score DESC, h.doc_id LIMIT %(limit)s
"""


def _fts5_quote(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def search(weighted_stems: dict[str, float], *, limit: int = 50) -> list[tuple[int, float]]:
    """Document ids and BM25 scores (higher is better), the same on SQLite and PostgreSQL.

    The stems are one OR query; their boosts are not applied (FTS5 has no per-term boost, and
    PostgreSQL computes FTS5's score so that both databases rank alike).
    """
    terms = [t for t in weighted_stems if t]
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " OR ".join(_fts5_quote(t) for t in terms)
            cursor.execute(
                "SELECT rowid, -bm25(answers_fts, %s, %s, %s, %s) AS score FROM answers_fts"
                " WHERE answers_fts MATCH %s ORDER BY score DESC LIMIT %s",
                [*WEIGHTS, match, limit],
            )
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
        weights = {f"w{i}": w for i, w in enumerate(WEIGHTS, start=1)}
        params = {"terms": terms, "min_idf": BM25_MIN_IDF, "k1": BM25_K1, "b": BM25_B}
        cursor.execute(PG_BM25, {**weights, **params, "limit": limit})
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


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
