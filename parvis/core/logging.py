"""JSON log lines with a request ID and a UTC timestamp, never personal data."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id_var: ContextVar[str] = ContextVar("parvis_request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record and drops the request object Django attaches.

    Django's error records carry ``request``, whose text is the full URL with its query
    string, which may hold personal data; the access log already records the path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if hasattr(record, "request"):
            del record.request
        return True


class JsonFormatter(_JsonFormatter):
    converter = time.gmtime  # UTC timestamps, whatever the server's zone
