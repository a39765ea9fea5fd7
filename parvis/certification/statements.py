"""What the city signs: the statement of a published page revision, an unpublication, an export.

A statement is a JSON object of strings, integers, lists, objects and null (never floats), so
its RFC 8785 canonical bytes are easy to reproduce in any language. Fields of a page are taken
generically from its model, in model order, so a new page type is certified without code here.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import models
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from parvis.core.text import html_to_text

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# Page's own text fields that are published (the rest of Page is bookkeeping).
PAGE_TEXT_FIELDS = ("seo_title", "search_description")
_EMBED = re.compile(r'<(?:embed|a)\b[^>]*\b(?:embedtype|linktype)="(image|document)"[^>]*>')
_ID = re.compile(r'\bid="(\d+)"')


def rfc3339(moment: Any) -> str:
    """UTC RFC 3339 with microseconds, e.g. 2026-11-29T02:33:06.123456Z."""
    import datetime as dt

    return moment.astimezone(dt.UTC).strftime(TIME_FORMAT)


def _stream_text(value: Any) -> list[str]:
    """Every string inside StreamField raw data, in document order."""
    if isinstance(value, str):
        return [html_to_text(value)] if value.strip() else []
    if isinstance(value, dict):
        return [text for key in sorted(value) if key != "id" for text in _stream_text(value[key])]
    if isinstance(value, list):
        return [text for item in value for text in _stream_text(item)]
    return []


def _jsonable(value: Any) -> Any:
    """StreamField raw data with floats turned into strings (statements carry no floats)."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def page_fields(page: Page) -> list[dict[str, Any]]:
    """The page's text fields in model order: name, kind, raw value and plain text."""
    fields: list[dict[str, Any]] = []
    for field in page._meta.concrete_fields:
        own = field.model is not Page
        if not own and field.name not in PAGE_TEXT_FIELDS:
            continue
        value = getattr(page, field.attname)
        if isinstance(field, StreamField):
            raw = _jsonable(list(value.raw_data)) if value is not None else []
            text = "\n".join(_stream_text(raw))
            fields.append({"name": field.name, "kind": "stream", "value": raw, "text": text})
        elif isinstance(field, RichTextField):
            raw = value or ""
            fields.append(
                {"name": field.name, "kind": "html", "value": raw, "text": html_to_text(raw)}
            )
        elif isinstance(field, models.CharField | models.TextField) and not field.choices:
            raw = value or ""
            fields.append({"name": field.name, "kind": "text", "value": raw, "text": raw})
    return fields


def _file_sha256(obj: Any) -> str | None:
    try:
        with obj.file.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except (OSError, ValueError):
        return None


def page_media(page: Page, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Images and documents the page embeds (foreign keys and rich-text embeds), by SHA-256."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    models_by_kind = {"image": get_image_model(), "document": get_document_model()}
    wanted: set[tuple[str, int]] = set()
    for field in page._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            for kind, model in models_by_kind.items():
                if field.related_model is model and getattr(page, field.attname):
                    wanted.add((kind, getattr(page, field.attname)))
    for item in fields:
        if item["kind"] == "html":
            for tag in _EMBED.finditer(item["value"]):
                found = _ID.search(tag.group(0))
                if found:
                    wanted.add((tag.group(1), int(found.group(1))))
    media = []
    for kind, pk in sorted(wanted):
        obj = models_by_kind[kind].objects.filter(pk=pk).first()
        if obj is not None:
            media.append({"kind": kind, "id": pk, "title": obj.title, "sha256": _file_sha256(obj)})
    return media


def searchable_text(statement: dict[str, Any]) -> str:
    """Title and the plain text of every field: what a quote can be found in."""
    parts = [statement.get("title", "")]
    parts += [field["text"] for field in statement.get("fields", [])]
    return "\n".join(part for part in parts if part)
