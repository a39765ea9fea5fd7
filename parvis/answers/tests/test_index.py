"""The full-text index scores alike on SQLite (FTS5 bm25) and PostgreSQL (BM25 in SQL)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from parvis.answers import index
from parvis.answers.models import SearchDocument
from parvis.answers.text import stems

pytestmark = pytest.mark.django_db


def _search(question: str) -> list[tuple[str, float]]:
    hits = index.search(dict.fromkeys(stems(question), 1.0), limit=50)
    keys = dict(
        SearchDocument.objects.filter(pk__in=[pk for pk, _ in hits]).values_list("pk", "key")
    )
    return [(keys[pk], score) for pk, score in hits]


def _order(question: str) -> list[str]:
    return [key for key, _ in _search(question)]


def _bm25(question: str) -> dict[str, float]:
    """BM25 as documented by SQLite for FTS5's bm25(), over every indexed document."""
    docs = {
        doc.key: [Counter(f.split()) for f in index._fields(doc)]
        for doc in SearchDocument.objects.all()
    }
    lengths = {key: sum(sum(c.values()) for c in fields) for key, fields in docs.items()}
    n, avgdl = len(docs), sum(lengths.values()) / len(docs)
    scores: dict[str, float] = {}
    for term in set(stems(question)):
        holders = [key for key, fields in docs.items() if any(term in c for c in fields)]
        idf = max(math.log((n - len(holders) + 0.5) / (len(holders) + 0.5)), 1e-6)
        for key in holders:
            f = sum(w * c[term] for w, c in zip(index.WEIGHTS, docs[key], strict=True))
            norm = index.BM25_K1 * (1 - index.BM25_B + index.BM25_B * lengths[key] / avgdl)
            scores[key] = scores.get(key, 0.0) + idf * f * (index.BM25_K1 + 1) / (f + norm)
    return scores


FILLER = [
    {"id": f"Z{i}", "body": f"Zzsujet{i} sans rapport : horaires, tarifs et démarches en ligne."}
    for i in range(8)
]


def test_scores_are_fts5_bm25_on_every_database(knowledge, publish_fiche):
    """Field-weighted BM25 (k1 1.2, b 0.75, FTS5's IDF) gives each document its score."""
    knowledge(FILLER)
    knowledge(
        [
            {"id": "A1", "body": "La zzgrelinette se prête.\nLa zzgrelinette aère la terre."},
            {"id": "A2", "title": "Zzgrelinette", "body": "Un outil de jardin zzpartagé."},
        ]
    )
    publish_fiche("Emprunter une zzgrelinette", "Au jardin zzpartagé du quartier.")
    expected = _bm25("zzgrelinette zzpartagé")
    found = dict(_search("zzgrelinette zzpartagé"))
    assert set(found) == set(expected)
    for key, score in expected.items():
        assert found[key] == pytest.approx(score, rel=1e-4), key


def test_short_pages_sharing_a_title_word_do_not_displace_the_answer(knowledge, publish_fiche):
    """The document answering every word of the question stays first when short pages with
    one of its words in their title are published (the drop seen on PostgreSQL with ts_rank)."""
    knowledge(FILLER)
    knowledge(
        [
            {
                "id": "R1",
                "body": "Le zztitre-zzrestaurant est un moyen de payer son repas.\n"
                "Dans la zzfonction zzpublique, l'administration employeur peut remettre des"
                " zztitres-zzrestaurant à ses agents. Elle peut aussi proposer une cantine ou"
                " une salle de restauration. Un agent de la zzfonction zzpublique a droit à un"
                " titre par repas compris dans son horaire de travail. La part payée par"
                " l'employeur est comprise entre 50 et 60 % de la valeur du titre.",
            }
        ]
    )
    question = "zztitres-zzrestaurant dans la zzfonction zzpublique"
    assert _order(question)[0] == "R1"
    for name in ("social du centre", "du parc", "municipal"):
        publish_fiche(f"Zzrestaurant {name}", "Un repas chaud le midi.")
    assert _order(question)[0] == "R1"


def test_long_document_repeating_a_word_does_not_beat_a_short_focused_one(knowledge):
    """Term frequency saturates and long documents are normalised by their length."""
    knowledge(FILLER)
    padding = " ".join(f"Zzmot{i} divers." for i in range(150))
    knowledge(
        [
            {"id": "F1", "body": "Le zzcompost zzcollectif se fait au pied de l'immeuble."},
            {"id": "L1", "body": "Guide du jardin.\n" + "Le zzcompost nourrit. " * 25 + padding},
        ]
    )
    assert _order("zzcompost zzcollectif")[:2] == ["F1", "L1"]


def test_document_with_a_very_long_word_is_indexed(knowledge):
    """A 3,000-letter "word" (pasted garbage) neither breaks indexing nor hides the document."""
    knowledge([{"id": "W1", "body": "Zzpassoire " + "x" * 3_000}])
    assert _order("zzpassoire") == ["W1"]


def test_rewriting_or_deleting_a_document_updates_its_index_rows(knowledge):
    """Re-importing replaces the old words; deleting the document removes it from results."""
    knowledge([{"id": "U1", "body": "Zzancien mot."}])
    knowledge([{"id": "U1", "body": "Zznouveau mot."}])
    assert _order("zzancien") == [] and _order("zznouveau") == ["U1"]
    doc = SearchDocument.objects.get(key="U1")
    index.rows_delete([doc.pk])
    doc.delete()
    assert _order("zznouveau") == []
