"""SHA-256 of images and documents, taken when the file is uploaded, read when publishing.

    media_digests_connect()                  # in AppConfig.ready
    media_digest_get(kind="image", obj=img)  # what publishing signs: a row, no file read

When an image or a document is saved with a new file, the bytes are hashed from the upload
itself (still in the web process's memory or temporary file) before they go to storage, and
the digest is stored beside it. A file that reaches storage another way (a restore, a script)
gets its digest from the task worker, after commit: publishing never opens a media file, so it
never makes a network read on object storage inside its transaction. Until then a page signs
``sha256: null`` for that file, as it did for a file it could not read.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save

from parvis.certification.models import MediaDigest

logger = logging.getLogger(__name__)
_FRESH = "_parvis_media_sha256"


def _models() -> dict[str, type[models.Model]]:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return {"image": get_image_model(), "document": get_document_model()}


def _kind(sender: type) -> str | None:
    for kind, model in _models().items():
        if issubclass(sender, model):
            return kind
    return None


def file_sha256(handle: Any) -> str:
    """The SHA-256 of an open binary file, read in chunks from its start."""
    digest = hashlib.sha256()
    if hasattr(handle, "seek"):
        handle.seek(0)
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        digest.update(chunk)
    if hasattr(handle, "seek"):
        handle.seek(0)  # the storage then writes the file from its start
    return digest.hexdigest()


def _on_pre_save(sender: type, instance: Any, raw: bool = False, **_kwargs: Any) -> None:
    if raw or _kind(sender) is None:
        return
    field_file = getattr(instance, "file", None)
    if not field_file or getattr(field_file, "_committed", True):
        return  # no new file in this save
    content = field_file.file  # the uploaded bytes, not yet in storage
    setattr(instance, _FRESH, file_sha256(content))


def _on_post_save(sender: type, instance: Any, raw: bool = False, **_kwargs: Any) -> None:
    kind = _kind(sender)
    if raw or kind is None or not instance.file:
        return
    fresh = instance.__dict__.pop(_FRESH, None)
    if fresh is not None:
        MediaDigest.objects.update_or_create(
            kind=kind,
            object_id=instance.pk,
            defaults={"file_name": instance.file.name, "sha256": fresh},
        )
        return
    known = MediaDigest.objects.filter(
        kind=kind, object_id=instance.pk, file_name=instance.file.name
    ).exists()
    if not known:  # a file that reached storage without an upload: hash it after commit
        from parvis.certification.tasks import media_digest_task

        media_digest_task.enqueue(kind=kind, object_id=instance.pk)


def _on_post_delete(sender: type, instance: Any, **_kwargs: Any) -> None:
    kind = _kind(sender)
    if kind is not None:
        MediaDigest.objects.filter(kind=kind, object_id=instance.pk).delete()


def media_digests_connect() -> None:
    """Hash every image and document at upload (the configured models, Wagtail's or custom).

    The handlers are connected to those two models only: other models' saves never reach them.
    """
    for kind, model in _models().items():
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"certification_media_pre_{kind}")
        post_save.connect(
            _on_post_save, sender=model, dispatch_uid=f"certification_media_post_{kind}"
        )
        post_delete.connect(
            _on_post_delete, sender=model, dispatch_uid=f"certification_media_delete_{kind}"
        )


def media_digest_compute(*, kind: str, object_id: int) -> str | None:
    """Read a stored file and record its digest (the task worker's job, outside transactions)."""
    obj = _models()[kind].objects.filter(pk=object_id).first()
    if obj is None or not obj.file:
        return None
    name = obj.file.name
    try:
        with obj.file.storage.open(name, "rb") as handle:
            digest = file_sha256(handle)
    except (OSError, ValueError):
        logger.warning("media file unreadable for its digest: %s %s", kind, object_id)
        return None
    with transaction.atomic():
        MediaDigest.objects.update_or_create(
            kind=kind, object_id=object_id, defaults={"file_name": name, "sha256": digest}
        )
    return digest


def media_digests_get(wanted: list[tuple[str, models.Model]]) -> dict[tuple[str, int], str]:
    """The stored digests of ``(kind, obj)`` pairs whose file is still the one hashed."""
    if not wanted:
        return {}
    query = models.Q()
    for kind, obj in wanted:
        query |= models.Q(kind=kind, object_id=obj.pk)
    rows = {(d.kind, d.object_id): d for d in MediaDigest.objects.filter(query)}
    found: dict[tuple[str, int], str] = {}
    for kind, obj in wanted:
        row = rows.get((kind, obj.pk))
        if row is not None and row.file_name == obj.file.name:
            found[(kind, obj.pk)] = row.sha256
    return found
