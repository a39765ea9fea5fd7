"""The log's high-water mark, kept outside the database, so a restore cannot roll the log back.

Every checkpoint Parvis signs is public the moment it is served: monitors and witnesses keep
it, and a log that later shows fewer entries, or other entries at the same size, has forked —
the very thing the transparency log exists to expose. A database restored from a backup older
than the last checkpoint would do exactly that, silently. So after each append commits, the size
and root of the tree are written to a small file beside the signing key (not in the database, not
in its backups), and the system check ``certification.E002`` refuses to start a portal whose
database is behind that mark or disagrees with it.

The mark names its log by the digest of entry 0: a database holding another log altogether (a
new install, the demo started afresh) is not a restore; the check warns, and the next append
moves the mark to the new log.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from parvis.certification.watch import state_save


def watermark_path() -> Path:
    """The mark of the configured database's log: one file per database name beside the key,
    so a key folder shared by several databases (staging, a copy) keeps their marks apart,
    while a restore under the same name meets its own mark."""
    from django.db import connection

    base = Path(settings.PARVIS_LOG_WATERMARK_FILE)
    name = str(connection.settings_dict.get("NAME") or "")
    suffix = hashlib.sha256(name.encode()).hexdigest()[:12]
    return base.with_name(f"{base.stem}-{suffix}{base.suffix}")


def watermark_read() -> dict[str, Any] | None:
    try:
        data = json.loads(watermark_path().read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"size": -1, "root": ""}  # unreadable: the check says so
    return data if isinstance(data, dict) else {"size": -1, "root": ""}


def _first_digest() -> str:
    from parvis.certification.models import LogEntry

    return LogEntry.objects.filter(index=0).values_list("digest", flat=True).first() or ""


def watermark_record(*, size: int, root: bytes) -> None:
    """Raise the mark to ``size`` (never lower it for the same log); written atomically."""
    first = _first_digest()
    current = watermark_read()
    if current and current.get("first") == first and int(current.get("size", -1)) >= size:
        return
    state_save(
        watermark_path(), {"first": first, "size": size, "root": base64.b64encode(root).decode()}
    )


def watermark_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``certification.E002``: the database's log is behind, or beside, the mark it reached."""
    from parvis.certification import tree
    from parvis.certification.selectors import log_size

    mark = watermark_read()
    if mark is None:
        return []
    try:
        size = log_size()
        first = _first_digest()
        expected = int(mark.get("size", -1))
        root = tree.root(expected) if 0 < expected <= size else b""
    except DatabaseError:  # not migrated yet (first run): nothing to compare
        return []
    if first and mark.get("first") != first:
        return [
            checks.Warning(
                f"The database holds another transparency log than the one {watermark_path()} "
                "remembers (a new install?): its mark will follow the new log.",
                id="certification.W002",
            )
        ]
    hint = (
        "Restore a more recent backup of the database (its log must reach the mark), or read "
        "docs/operations.md, 'Restoring and the transparency log', before moving the mark."
    )
    if expected < 0:
        problem = f"the log's high-water mark {watermark_path()} is unreadable."
    elif size < expected:
        problem = (
            f"the database's transparency log has {size} entries, but this server already "
            f"published a checkpoint of {expected}: it was restored from an older backup."
        )
    elif expected and base64.b64encode(root).decode() != mark.get("root"):
        problem = f"the database's log differs from the one this server published at {expected}."
    else:
        return []
    return [
        checks.Error(f"Transparency log rolled back: {problem}", hint=hint, id="certification.E002")
    ]
