"""The index on SQLite: FTS5 tables, scored by FTS5's own bm25()."""

from __future__ import annotations

from typing import Any

from parvis.answers.backends.base import WEIGHTS, IndexBackend, fts5_quote
from parvis.answers.text import normalise

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


class SQLiteBackend(IndexBackend):
    vendor = "sqlite"

    def schema_create(self, schema_editor: Any) -> None:
        for sql in SQLITE_SCHEMA:
            schema_editor.execute(sql)

    def schema_drop(self, schema_editor: Any) -> None:
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)

    def write(self, cursor: Any, pk: int, fields: tuple[str, ...], raw: str) -> None:
        self.delete(cursor, pk)
        cursor.execute(
            "INSERT INTO answers_fts (rowid, title, alternatives, short_answer, body)"
            " VALUES (%s, %s, %s, %s, %s)",
            [pk, *fields],
        )
        cursor.execute("INSERT INTO answers_fts_plain (rowid, text) VALUES (%s, %s)", [pk, raw])

    def delete(self, cursor: Any, pk: int) -> None:
        cursor.execute("DELETE FROM answers_fts WHERE rowid = %s", [pk])
        cursor.execute("DELETE FROM answers_fts_plain WHERE rowid = %s", [pk])

    def clear(self, cursor: Any) -> None:
        cursor.execute("DELETE FROM answers_fts")
        cursor.execute("DELETE FROM answers_fts_plain")

    def vocabulary(self, cursor: Any) -> tuple[int, dict[str, int], dict[str, int]]:
        cursor.execute("SELECT count(*) FROM answers_fts")
        count = cursor.fetchone()[0]
        cursor.execute("SELECT term, doc FROM answers_fts_stems")
        stems = dict(cursor.fetchall())
        cursor.execute("SELECT term, doc FROM answers_fts_words")
        words = {normalise(t): n for t, n in cursor.fetchall()}
        return count, stems, words

    def search(self, cursor: Any, terms: list[str], limit: int) -> list[tuple[int, float]]:
        match = " OR ".join(fts5_quote(t) for t in terms)
        cursor.execute(
            "SELECT rowid, -bm25(answers_fts, %s, %s, %s, %s) AS score FROM answers_fts"
            " WHERE answers_fts MATCH %s ORDER BY score DESC LIMIT %s",
            [*WEIGHTS, match, limit],
        )
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def search_plain(self, cursor: Any, text: str, limit: int) -> list[tuple[int, float]]:
        words = [w for w in normalise(text).split() if w]
        if not words:
            return []
        match = " OR ".join(fts5_quote(w) for w in words)
        cursor.execute(
            "SELECT rowid, -bm25(answers_fts_plain) AS score FROM answers_fts_plain"
            " WHERE answers_fts_plain MATCH %s ORDER BY score DESC LIMIT %s",
            [match, limit],
        )
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
