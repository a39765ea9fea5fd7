"""What certification does: sign statements and append them to the transparency log.

Every append runs in one transaction that also holds the log head's row lock: when called from
Wagtail's publish (inside the editor's transaction), the page and its log entry commit together
or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page, Site

from parvis.certification import merkle, note, tree
from parvis.certification.canonical import canonical, normalise, sha256_hex
from parvis.certification.keys import log_origin, signer
from parvis.certification.models import Checkpoint, ExportSnapshot, LogEntry, LogHead
from parvis.certification.statements import (
    page_fields,
    page_media,
    page_related,
    rfc3339,
    searchable_text,
)
from parvis.certification.watermark import watermark_record


def _page_location(page: Page) -> tuple[str, str]:
    """(path, full URL) of ``page``; before a Site points at its root (first demo load), the
    single-site convention applies: the depth-2 page is "/"."""
    parts = page.get_url_parts()
    path = parts[2] if parts else None
    if not path and page.depth >= 2:
        path = "/" + "".join(f"{part}/" for part in page.url_path.strip("/").split("/")[1:])
    path = path or ""
    # A page of another site than the default one (a commune's) is signed at its site's address.
    origin = settings.BASE_URL
    if parts and parts[0] is not None and parts[1]:
        site = Site.objects.filter(pk=parts[0]).only("is_default_site").first()
        if site is not None and not site.is_default_site:
            origin = parts[1].rstrip("/")
    return path, f"{origin}{path}" if path else ""


def checkpoint_sign(*, size: int, root: bytes) -> Checkpoint:
    """Sign and store the checkpoint of the tree at ``size`` (the current key signs)."""
    key, row = signer()
    body = note.checkpoint_body(log_origin(), size, root)
    text = (
        body + "\n" + note.sign_line(row.note_name, bytes(row.public_key), key.sign(body.encode()))
    )
    return Checkpoint.objects.create(size=size, root=root, note=text)


def statement_append(
    *,
    kind: str,
    subject: str,
    path: str,
    title: str,
    body: dict[str, Any],
    file_sha256: str = "",
    checkpoint: bool = True,
    reason: str = "",
) -> LogEntry:
    """Sign ``body`` as the next statement about ``subject`` and append it to the log."""
    with transaction.atomic():
        head = LogHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _ = LogHead.objects.select_for_update().get_or_create(pk=1)
        key, key_row = signer()
        previous = (
            LogEntry.objects.filter(subject=subject)
            .order_by("-index")
            .only("version", "digest")
            .first()
        )
        now = timezone.now()
        if kind == LogEntry.Kind.PUBLICATION:
            default = "correction" if previous else "première publication"
            body = {**body, "reason": reason or default}
        statement = {
            **body,
            "type": kind,
            "kid": key_row.kid,
            "published_at": rfc3339(now),
            "version": previous.version + 1 if previous else 1,
            "previous": previous.digest if previous else None,
        }
        data = canonical(statement)
        signature = key.sign(data)
        leaf = merkle.leaf_hash(data + signature)
        index = head.size
        tree.append(index, leaf)
        entry = LogEntry.objects.create(
            index=index,
            kind=kind,
            subject=subject,
            path=path,
            version=statement["version"],
            title=title[:500],
            published_at=now,
            statement=data,
            signature=signature,
            kid=key_row.kid,
            digest=sha256_hex(data),
            file_sha256=file_sha256,
            text=normalise(searchable_text(statement)),
        )
        head.size = index + 1
        head.save(update_fields=["size"])
        if checkpoint:
            root = tree.root(head.size)
            checkpoint_sign(size=head.size, root=root)
            size = head.size
            transaction.on_commit(lambda: watermark_record(size=size, root=root))
    return entry


def page_certify(*, page: Page, revision_id: int | None, reason: str = "") -> LogEntry:
    """Sign the published revision of ``page``: its fields, what it displays of other objects
    (``related``) and its media by digest. ``reason`` overrides the derived one."""
    page = page.specific
    path, url = _page_location(page)
    fields = page_fields(page)
    body = {
        "url": url,
        "page_id": page.pk,
        "page_type": page.specific_class._meta.label_lower,
        "revision_id": revision_id,
        "locale": page.locale.language_code,
        "title": page.title,
        "fields": fields,
        "related": page_related(page),
        "media": page_media(page, fields),
    }
    return statement_append(
        kind=LogEntry.Kind.PUBLICATION,
        subject=f"page:{page.pk}",
        path=path,
        title=page.title,
        body=body,
        reason=reason,
    )


def page_uncertify(*, page: Page, reason: str = "dépublication") -> LogEntry:
    """Sign the withdrawal of ``page``: history stays, a new entry says it is withdrawn."""
    path, url = _page_location(page)
    body = {"url": url, "page_id": page.pk, "title": page.title, "reason": reason}
    return statement_append(
        kind=LogEntry.Kind.UNPUBLICATION,
        subject=f"page:{page.pk}",
        path=path,
        title=page.title,
        body=body,
    )


def export_certify(*, name: str, content: bytes, url: str) -> LogEntry:
    """Sign and log the SHA-256 of an open-data file the site publishes at ``url``."""
    digest = hashlib.sha256(content).hexdigest()
    path = url.removeprefix(settings.BASE_URL) if url.startswith(settings.BASE_URL) else url
    body = {"name": name, "url": url, "sha256": digest, "size": len(content)}
    return statement_append(
        kind=LogEntry.Kind.EXPORT,
        subject=f"export:{hashlib.sha256(url.encode()).hexdigest()[:40]}",
        path=path[:1000],
        title=name,
        body=body,
        file_sha256=digest,
    )


def export_snapshot(
    *,
    url: str,
    name: str,
    content_type: str,
    produce: Callable[[], bytes],
    period: str | None = None,
) -> ExportSnapshot:
    """The stored, certified snapshot of the file at ``url`` for ``period`` (default: today, UTC).

    The first request of a period produces the file, certifies it and stores it, in one
    transaction; every later request of that period gets the same bytes. Two first requests at
    once: one wins the unique (url, period), the other rolls back and reads the winner's.
    """
    period = period or timezone.now().astimezone(dt.UTC).date().isoformat()
    found = ExportSnapshot.objects.filter(url=url, period=period).first()
    if found is not None:
        return found
    content = produce()
    stem, dot, extension = name.rpartition(".")
    dated = f"{stem}-{period}.{extension}" if dot else f"{name}-{period}"
    try:
        with transaction.atomic():
            entry = export_certify(name=dated, content=content, url=url)
            return ExportSnapshot.objects.create(
                url=url,
                period=period,
                name=dated,
                content_type=content_type,
                content=content,
                sha256=entry.file_sha256,
                entry_index=entry.index,
            )
    except IntegrityError:
        return ExportSnapshot.objects.get(url=url, period=period)
