"""JSON log lines with a request ID and a UTC timestamp, never personal data."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id_var: ContextVar[str] = ContextVar("parvis_request_id", default="-")

# URL parameters that are someone's key (a report's tracking reference, a conversation's id, a
# photo's or an Open311 token): whoever reads the logs must not be able to follow the link.
SECRET_URL_KWARGS = frozenset({"reference", "token", "public_id"})
REDACTED = "[secret]"


def path_redacted(request: object) -> str:
    """``request.path`` with the path segments that carry a secret replaced by ``[secret]``.

    The query string is never logged at all (tokens ``?t=`` and keys ``?k=`` travel there).
    """
    path = str(getattr(request, "path", ""))
    match = getattr(request, "resolver_match", None)
    if match is None:
        return path
    secrets = {
        str(value) for name, value in match.kwargs.items() if name in SECRET_URL_KWARGS and value
    }
    if not secrets:
        return path
    segments = path.split("/")
    for index, segment in enumerate(segments):
        for secret in secrets:
            if segment == secret or segment.startswith(secret + "."):
                segments[index] = REDACTED + segment[len(secret) :]
    return "/".join(segments)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record and drops the request object Django attaches.

    Django's error records carry ``request``, whose text is the full URL with its query
    string, which may hold personal data; the access log already records the path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        request = getattr(record, "request", None)
        if request is not None:
            # "Internal Server Error: /signalements/suivi/<reference>/": the key goes.
            path, redacted = getattr(request, "path", None), path_redacted(request)
            if path and redacted != path and isinstance(record.args, tuple):
                record.args = tuple(redacted if arg == path else arg for arg in record.args)
            del record.request
        return True


class JsonFormatter(_JsonFormatter):
    converter = time.gmtime  # UTC timestamps, whatever the server's zone
