"""Request-scoped log context: every log line carries the request ID, never personal data."""

from __future__ import annotations

import logging
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("parvis_request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record so JSON lines can be joined per request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True
