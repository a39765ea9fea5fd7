"""What an index backend does; one backend per database vendor, chosen once by ``backend()``."""

from __future__ import annotations

from typing import Any

# Field weights: title/question, other wordings, short answer (or lead), body.
WEIGHTS = (6.0, 4.0, 2.5, 1.0)
# BM25 as FTS5 computes it (textbook parameters, the same on both databases).
BM25_K1 = 1.2
BM25_B = 0.75
BM25_MIN_IDF = 1e-6  # FTS5 floors the IDF of terms found in more than half the documents
MAX_TERM = 200  # longer "words" are not indexed on PostgreSQL (a btree entry is bounded)


def fts5_quote(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


class IndexBackend:
    """The full-text index of one database: its tables, writes, statistics and two searches.

    ``fields`` are the four pre-stemmed fields by weight (``WEIGHTS``); ``raw`` is the plain
    text for the baseline search and the surface vocabulary used for spelling.
    """

    vendor = ""

    def schema_create(self, schema_editor: Any) -> None:
        raise NotImplementedError

    def schema_drop(self, schema_editor: Any) -> None:
        raise NotImplementedError

    def schema_upgrade_bm25(self, schema_editor: Any) -> None:
        """Migration 0006 (PostgreSQL moved from ts_rank to BM25); nothing elsewhere."""

    def write(self, cursor: Any, pk: int, fields: tuple[str, ...], raw: str) -> None:
        raise NotImplementedError

    def delete(self, cursor: Any, pk: int) -> None:
        raise NotImplementedError

    def clear(self, cursor: Any) -> None:
        raise NotImplementedError

    def statistics_refresh(self, cursor: Any, *, in_transaction: bool) -> None:
        """After a bulk write (PostgreSQL: what autovacuum would do later); nothing elsewhere."""

    def vocabulary(self, cursor: Any) -> tuple[int, dict[str, int], dict[str, int]]:
        """(Documents, {stem: documents holding it}, {surface word: documents holding it})."""
        raise NotImplementedError

    def search(self, cursor: Any, terms: list[str], limit: int) -> list[tuple[int, float]]:
        raise NotImplementedError

    def search_plain(self, cursor: Any, text: str, limit: int) -> list[tuple[int, float]]:
        raise NotImplementedError
