"""Serialising Open311 answers as JSON (Spark convention) or XML (utf-8, no namespace)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The element name of a list's items, by the list's name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _xml_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return _XML_ILLEGAL.sub("", str(value))


def _build(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _build(element, key, item)
    elif isinstance(value, list):
        child = ITEM_NAMES.get(name, "item")
        for item in value:
            _build(element, child, item)
    else:
        element.text = _xml_text(value)


def to_xml(root: str, value: Any) -> bytes:
    """``value`` under a ``root`` element, with the XML declaration the specification asks."""
    element = ET.Element(root)
    _fill(element, root, value)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """An Open311 answer in ``fmt``; ``root`` names the XML root (``services``, ``errors``…)."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False).encode()
    else:
        body = to_xml(root, value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str, *, code: int | None = None) -> HttpResponse:
    """The specification's error array, with the HTTP status it requires."""
    return render(
        fmt, "errors", [{"code": code or status, "description": description}], status=status
    )
