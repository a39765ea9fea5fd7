"""What the city signs: the statement of a published page revision, an unpublication, an export.

A statement is a JSON object of strings, integers, lists, objects and null (never floats), so
its RFC 8785 canonical bytes are easy to reproduce in any language. Fields of a page are taken
generically from its model, in model order, so a new page type is certified without code here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
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


def _display(field: models.Field, value: Any) -> str:
    """How a plain value reads (choices by their French label, numbers and dates in ISO)."""
    if value is None:
        return ""
    if field.choices:
        with translation.override(settings.LANGUAGE_CODE):
            return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> Any:
    """A statement value: ints and booleans as such, decimals, dates and times as strings."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    return str(value)


def field_entry(obj: models.Model, field: models.Field) -> dict[str, Any] | None:
    """``{"name", "kind", "value", "text"}`` of one concrete field of ``obj``."""
    value = getattr(obj, field.attname)
    if isinstance(field, StreamField):
        raw = _jsonable(list(value.raw_data)) if value is not None else []
        return {
            "name": field.name,
            "kind": "stream",
            "value": raw,
            "text": "\n".join(_stream_text(raw)),
        }
    if isinstance(field, RichTextField):
        raw = value or ""
        return {"name": field.name, "kind": "html", "value": raw, "text": html_to_text(raw)}
    if field.is_relation:
        if field.remote_field.parent_link or not field.many_to_one and not field.one_to_one:
            return None
        target = getattr(obj, field.name) if value is not None else None
        return {
            "name": field.name,
            "kind": "ref",
            "value": value,
            "text": str(target) if target is not None else "",
        }
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        raw = value or ""
        return {"name": field.name, "kind": "text", "value": raw, "text": raw}
    return {
        "name": field.name,
        "kind": "choice" if field.choices else "value",
        "value": _plain(value),
        "text": _display(field, value),
    }


def page_fields(page: Page) -> list[dict[str, Any]]:
    """Every field of the page's own model, in model order, and Page's published text fields.

    Text (CharField/TextField), rich text and StreamField keep their kinds; any other value
    (number, boolean, date, time, decimal, choice, reference) is signed too, as a ``value``.
    """
    fields: list[dict[str, Any]] = []
    for field in page._meta.concrete_fields:
        if field.model is Page and field.name not in PAGE_TEXT_FIELDS:
            continue
        entry = field_entry(page, field)
        if entry is not None:
            fields.append(entry)
    return fields


def _object_entry(obj: models.Model, spec: tuple[Any, ...]) -> dict[str, Any]:
    """One related object: its model, id, the declared fields and nested relations."""
    fields: list[dict[str, Any]] = []
    related: list[dict[str, Any]] = []
    for item in spec:
        if isinstance(item, tuple):
            related.append(_relation_entry(obj, item[0], item[1]))
            continue
        entry = field_entry(obj, obj._meta.get_field(item))
        if entry is not None:
            fields.append(entry)
    result: dict[str, Any] = {"model": obj._meta.label_lower, "id": obj.pk, "fields": fields}
    if related:
        result["related"] = related
    return result


def _displayed(obj: Any) -> bool:
    """A page that is not live is never shown where another page refers to it."""
    return not isinstance(obj, Page) or obj.live


def _relation_entry(obj: models.Model, name: str, spec: tuple[Any, ...]) -> dict[str, Any]:
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        target = getattr(obj, name)
        if isinstance(target, Page):
            target = target.specific
        value = _object_entry(target, spec) if target is not None and _displayed(target) else None
        return {"name": name, "kind": "object", "value": value}
    items = []
    queryset = getattr(obj, name).all()
    ordering = [*(queryset.model._meta.ordering or ()), "pk"]
    for target in queryset.order_by(*ordering):  # ties broken by id: the same bytes each time
        if isinstance(target, Page):
            target = target.specific
        if _displayed(target):
            items.append(_object_entry(target, spec))
    return {"name": name, "kind": "list", "value": items}


def page_related(page: Page) -> list[dict[str, Any]]:
    """What the page displays of other objects, as declared by its ``certified_display``.

    ``certified_display`` is a tuple of ``(relation name, spec)``; a spec lists the related
    object's field names and nested ``(relation, spec)`` pairs.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return [
            _relation_entry(page, name, spec)
            for name, spec in getattr(page, "certified_display", ())
        ]


def _related_text(entries: list[dict[str, Any]]) -> list[str]:
    texts: list[str] = []
    for entry in entries:
        values = entry["value"] if entry["kind"] == "list" else [entry["value"]]
        for value in values:
            if value is None:
                continue
            texts += [field["text"] for field in value["fields"] if field["kind"] != "ref"]
            texts += _related_text(value.get("related", []))
    return texts


def page_media(page: Page, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Images and documents the page embeds (foreign keys and rich-text embeds), by SHA-256
    (the digest stored when the file was uploaded)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from parvis.certification.media import media_digests_get

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
    found = []
    for kind, pk in sorted(wanted):
        obj = models_by_kind[kind].objects.filter(pk=pk).first()
        if obj is not None:
            found.append((kind, obj))
    # Digests taken at upload (certification.media): no file is read inside the transaction.
    digests = media_digests_get(found)
    return [
        {"kind": kind, "id": obj.pk, "title": obj.title, "sha256": digests.get((kind, obj.pk))}
        for kind, obj in found
    ]


def searchable_text(statement: dict[str, Any]) -> str:
    """Title and the plain text of every field: what a quote can be found in."""
    parts = [statement.get("title", "")]
    parts += [
        field["text"]
        for field in statement.get("fields", [])
        if field["kind"] in ("text", "html", "stream")
    ]
    parts += _related_text(statement.get("related", []))
    return "\n".join(part for part in parts if part)
