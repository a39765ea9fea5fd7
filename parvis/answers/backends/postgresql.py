"""The index on PostgreSQL: an inverted index of per-field term counts, scored by FTS5's BM25
formula computed in SQL (so both databases rank alike)."""

from __future__ import annotations

from typing import Any

from parvis.answers.backends.base import (
    BM25_B,
    BM25_K1,
    BM25_MIN_IDF,
    MAX_TERM,
    WEIGHTS,
    IndexBackend,
)
from parvis.answers.text import normalise

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


def term_counts(fields: tuple[str, ...]) -> tuple[int, dict[str, list[int]]]:
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


class PostgreSQLBackend(IndexBackend):
    vendor = "postgresql"

    def schema_create(self, schema_editor: Any) -> None:
        for sql in PG_SCHEMA:
            schema_editor.execute(sql)

    def schema_drop(self, schema_editor: Any) -> None:
        for sql in PG_DROP:
            schema_editor.execute(sql)

    def schema_upgrade_bm25(self, schema_editor: Any) -> None:
        for sql in PG_UPGRADE:
            schema_editor.execute(sql)

    def write(self, cursor: Any, pk: int, fields: tuple[str, ...], raw: str) -> None:
        length, terms = term_counts(fields)
        self.delete(cursor, pk)
        cursor.execute(
            "INSERT INTO answers_pgfts (doc_id, length, words, plain) VALUES"
            " (%s, %s, to_tsvector('simple', %s), to_tsvector('french', %s))",
            [pk, length, normalise(raw), raw],
        )
        if terms:
            counts = [list(column) for column in zip(*terms.values(), strict=True)]
            cursor.execute(
                "INSERT INTO answers_pgterms"
                " (term, doc_id, title, alternatives, short_answer, body)"
                " SELECT term, %s, a, b, c, d FROM unnest(%s::text[],"
                " %s::int[], %s::int[], %s::int[], %s::int[]) AS u(term, a, b, c, d)",
                [pk, list(terms), *counts],
            )

    def delete(self, cursor: Any, pk: int) -> None:
        cursor.execute("DELETE FROM answers_pgfts WHERE doc_id = %s", [pk])

    def clear(self, cursor: Any) -> None:
        cursor.execute("DELETE FROM answers_pgfts")

    def statistics_refresh(self, cursor: Any, *, in_transaction: bool) -> None:
        verb = "ANALYZE" if in_transaction else "VACUUM (ANALYZE)"
        cursor.execute(f"{verb} answers_pgterms")
        cursor.execute(f"{verb} answers_pgfts")

    def vocabulary(self, cursor: Any) -> tuple[int, dict[str, int], dict[str, int]]:
        cursor.execute("SELECT count(*) FROM answers_pgfts")
        count = cursor.fetchone()[0]
        cursor.execute("SELECT term, count(*) FROM answers_pgterms GROUP BY term")
        stems = dict(cursor.fetchall())
        cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT words FROM answers_pgfts')")
        words = dict(cursor.fetchall())
        return count, stems, words

    def search(self, cursor: Any, terms: list[str], limit: int) -> list[tuple[int, float]]:
        weights = {f"w{i}": w for i, w in enumerate(WEIGHTS, start=1)}
        params = {"terms": terms, "min_idf": BM25_MIN_IDF, "k1": BM25_K1, "b": BM25_B}
        cursor.execute(PG_BM25, {**weights, **params, "limit": limit})
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def search_plain(self, cursor: Any, text: str, limit: int) -> list[tuple[int, float]]:
        cursor.execute(
            "WITH q AS (SELECT replace(plainto_tsquery('french', %s)::text, '&', '|')::tsquery"
            " AS q) SELECT doc_id, ts_rank(plain, q.q) AS score FROM answers_pgfts, q"
            " WHERE plain @@ q.q ORDER BY score DESC LIMIT %s",
            [text, limit],
        )
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
