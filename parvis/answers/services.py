"""Writes of the answer engine: index upkeep, knowledge import, feedback."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from parvis.answers import index
from parvis.answers import sources as answer_sources
from parvis.answers.documents import knowledge_fields, page_fields, page_key
from parvis.answers.models import (
    AnswerFeedback,
    QueryLog,
    SearchDocument,
)
from parvis.answers.query import ParsedQuery
from parvis.answers.text import normalise, signature
from parvis.core.errors import ParvisError
from parvis.core.privacy import personal_data_mask, personal_data_mask_normalised

DEFAULT_LICENCE = "Licence Ouverte / Etalab 2.0"
MAX_BODY = 200_000


class KnowledgeImportError(ParvisError):
    """A knowledge file that cannot be read at all."""


def _upsert(key: str, fields: dict, page: Page | None = None) -> SearchDocument:
    doc, _ = SearchDocument.objects.update_or_create(key=key, defaults={**fields, "page": page})
    index.rows_write([doc])
    return doc


@transaction.atomic
def page_index(*, page: Page) -> SearchDocument | None:
    """Index a page if it is live and public; otherwise remove it from the index."""
    page = page.specific
    fields = page_fields(page) if page.live else None
    if fields is None or not Page.objects.filter(pk=page.pk).public().exists():
        page_unindex(page_id=page.pk)
        return None
    SearchDocument.objects.filter(page_id=page.pk).exclude(key=page_key(page)).delete()
    return _upsert(page_key(page), fields, page)


@transaction.atomic
def page_unindex(*, page_id: int) -> int:
    """Remove a page (unpublished, deleted, made private) from the index."""
    ids = list(SearchDocument.objects.filter(page_id=page_id).values_list("pk", flat=True))
    index.rows_delete(ids)
    SearchDocument.objects.filter(pk__in=ids).delete()
    return len(ids)


@transaction.atomic
def reindex_all(*, include_knowledge: bool = True) -> int:
    """Rebuild the index: every live page again, and the index rows of imported documents."""
    SearchDocument.objects.filter(page__isnull=False).exclude(
        page__in=Page.objects.live().public()
    ).delete()
    SearchDocument.objects.filter(page__isnull=True).exclude(kind="knowledge").delete()
    index.rows_clear()
    count = 0
    for page in Page.objects.live().public().specific().iterator():
        if page_index(page=page) is not None:
            count += 1
    for source in answer_sources.sources():
        count += answer_sources.documents_write(source.documents())
    if include_knowledge:
        docs = SearchDocument.objects.filter(kind="knowledge")
        index.rows_write(docs.iterator())
        count += docs.count()
    index.statistics_refresh()
    return count


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _knowledge_line(line: str) -> dict[str, str]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON invalide ({exc.msg}, colonne {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError("un objet JSON est attendu")
    for name in ("id", "body"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ValueError(f"champ « {name} » manquant ou vide")
    for name in ("title", "url", "source", "licence"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"champ « {name} » : une chaîne est attendue")
    if len(data["id"]) > 200 or ":" in data["id"]:
        raise ValueError("identifiant trop long ou contenant « : »")
    if len(data["body"]) > MAX_BODY:
        raise ValueError(f"corps trop long (plus de {MAX_BODY} caractères)")
    url = data.get("url") or ""
    if url and not url.startswith(("https://", "http://")):
        raise ValueError("adresse (url) invalide : http(s):// attendu")
    return data


def knowledge_import(
    *, lines: Iterable[str], default_licence: str = DEFAULT_LICENCE
) -> ImportReport:
    """Import knowledge documents (JSON lines); idempotent by ``id``; bad lines are reported.

    Each valid line is stored in its own transaction, so a bad line never stops the others.
    """
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = _knowledge_line(line)
        except ValueError as exc:
            report.errors.append((number, str(exc)))
            continue
        fields = knowledge_fields(
            title=(data.get("title") or "").strip()[:500],
            body=data["body"],
            url=data.get("url") or "",
            source=(data.get("source") or "")[:300],
            licence=(data.get("licence") or default_licence)[:300],
        )
        with transaction.atomic():
            exists = SearchDocument.objects.filter(key=data["id"]).exists()
            _upsert(data["id"], fields)
        if exists:
            report.updated += 1
        else:
            report.created += 1
    if report.created or report.updated:
        index.statistics_refresh()
    return report


def knowledge_import_file(*, path: Path) -> ImportReport:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return knowledge_import(lines=handle)
    except OSError as exc:
        raise KnowledgeImportError(f"Fichier illisible : {path} ({exc.strerror})") from None


def _loggable(query: str) -> str:
    """The normalised question with what people type about themselves masked: emails, phone,
    IBAN and social security numbers (the logs are kept and shown in the back office)."""
    return personal_data_mask_normalised(normalise(personal_data_mask(query), limit=200))


def query_log_record(
    *, query: str | ParsedQuery, result_count: int, confidence: float
) -> QueryLog | None:
    """Log a search anonymously (normalised text, count, confidence): nothing about who,
    and no contact details the question may carry. ``query`` is the question as parsed by
    the engine (``AnswerResponse.parsed``: not normalised again), or its raw text."""
    text = query.loggable if isinstance(query, ParsedQuery) else _loggable(query)
    if not text:
        return None
    return QueryLog.objects.create(
        normalised=text,
        signature=signature(text, normalised=True)[:200],
        result_count=result_count,
        confidence=confidence,
    )


def query_logs_purge(*, older_than_days: int) -> int:
    """Delete query logs and feedback older than ``older_than_days`` days."""
    limit = timezone.now() - dt.timedelta(days=older_than_days)
    count, _ = QueryLog.objects.filter(created_at__lt=limit).delete()
    fb, _ = AnswerFeedback.objects.filter(created_at__lt=limit).delete()
    return count + fb


def feedback_record(*, query: str, document_key: str, helpful: bool) -> AnswerFeedback:
    """Store a yes/no vote on an answer: the normalised question and the answer's id only."""
    return AnswerFeedback.objects.create(
        normalised=_loggable(query),
        document_key=document_key[:200],
        helpful=helpful,
    )
