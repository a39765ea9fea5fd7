"""Parsing Open311 arguments: every bad value becomes a ParvisError with a clear message."""

from __future__ import annotations

import datetime as dt
import math

from django.utils.dateparse import parse_datetime

from parvis.core.text import is_ascii_number
from parvis.reports.errors import ReportInvalid


def opt(params: object, name: str) -> str:
    """An optional argument; an empty value is the same as an absent one (spec rule)."""
    value = params.get(name, "")  # type: ignore[attr-defined]
    return value.strip() if isinstance(value, str) else ""


def coordinate(value: str, name: str, bound: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ReportInvalid(f"{name} doit être un nombre (degrés WGS84).", code=name) from None
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise ReportInvalid(f"{name} est hors limites (WGS84).", code=name)
    return number


def w3c_datetime(value: str, name: str) -> dt.datetime:
    """A W3C datetime with its time zone; one without a zone is refused."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ReportInvalid(
            f"{name} doit être une date W3C avec fuseau, par exemple 2026-01-01T00:00:00Z.",
            code=name,
        )
    return parsed


def int_list(value: str, name: str) -> list[int]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items or len(items) > 1000 or not all(is_ascii_number(v) and len(v) < 18 for v in items):
        raise ReportInvalid(
            f"{name} doit être une liste d'identifiants séparés par des virgules.", code=name
        )
    return [int(v) for v in items]


def positive_int(value: str, name: str, default: int, maximum: int) -> int:
    if not value:
        return default
    if not is_ascii_number(value) or not 1 <= int(value) <= maximum:
        raise ReportInvalid(f"{name} doit être un entier entre 1 et {maximum}.", code=name)
    return int(value)
