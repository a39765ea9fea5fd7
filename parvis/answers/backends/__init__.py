"""Index backends, one per database vendor (see ``parvis.answers.index``)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from parvis.answers.backends.base import IndexBackend
from parvis.answers.backends.postgresql import PostgreSQLBackend
from parvis.answers.backends.sqlite import SQLiteBackend

BACKENDS: dict[str, IndexBackend] = {
    backend.vendor: backend for backend in (SQLiteBackend(), PostgreSQLBackend())
}


def backend_for(vendor: str) -> IndexBackend:
    try:
        return BACKENDS[vendor]
    except KeyError:
        raise ImproperlyConfigured(
            f"Parvis's answer index supports SQLite and PostgreSQL, not {vendor!r}."
        ) from None
