"""Embedded media are hashed when uploaded; publishing signs the stored digest, reading no file."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from parvis.certification.models import LogEntry, MediaDigest
from parvis.reports.tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):  # noqa: ANN001, ANN202 — fixture
    """The worker drops stale connections between tasks; inside a test's transaction that
    would close the test's own connection."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def _image(title: str, content: bytes) -> Any:
    image = get_image_model()(title=title, file=ImageFile(io.BytesIO(content), name="plan.jpg"))
    image.save()
    return image


class StorageReads:
    """Counts every file the media storage opens (wraps its ``_open``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, storage: Any) -> None:
        self.names: list[str] = []
        storage.exists("")  # a lazy default storage: reach the real one behind it
        storage = getattr(storage, "_wrapped", storage)
        original = type(storage)._open

        def counting_open(this: Any, name: str, mode: str = "rb") -> Any:
            self.names.append(name)
            return original(this, name, mode)

        monkeypatch.setattr(type(storage), "_open", counting_open)


def test_an_uploaded_image_and_document_are_hashed_at_upload():
    original = jpeg_bytes(size=(120, 80))
    image = _image("Plan", original)
    document = get_document_model()(
        title="Règlement", file=ContentFile(b"%PDF-1.4 reglement", name="reglement.pdf")
    )
    document.save()
    assert MediaDigest.objects.get(kind="image", object_id=image.pk).sha256 == (
        hashlib.sha256(original).hexdigest()
    )
    row = MediaDigest.objects.get(kind="document", object_id=document.pk)
    assert row.sha256 == hashlib.sha256(b"%PDF-1.4 reglement").hexdigest()
    assert row.file_name == document.file.name
    with image.file.open("rb") as stored:  # the hash did not eat the upload
        assert stored.read() == original


def test_publishing_a_page_with_an_image_reads_no_media_file(publish_fiche, monkeypatch):
    original = jpeg_bytes(size=(300, 200))
    image = _image("Panneau", original)
    reads = StorageReads(monkeypatch, image.file.storage)
    page = publish_fiche(
        body=f'<p>Voir le panneau.</p><embed embedtype="image" id="{image.pk}" '
        'format="fullwidth" alt="Panneau"/>'
    )
    assert reads.names == []
    entry = LogEntry.objects.filter(subject=f"page:{page.pk}").latest("index")
    assert json.loads(bytes(entry.statement))["media"] == [
        {
            "kind": "image",
            "id": image.pk,
            "title": "Panneau",
            "sha256": hashlib.sha256(original).hexdigest(),
        }
    ]


def test_a_replaced_file_gets_the_new_digest():
    image = _image("Plan", jpeg_bytes(size=(100, 100)))
    replacement = jpeg_bytes(size=(140, 100))
    image.file = ImageFile(io.BytesIO(replacement), name="plan-2.jpg")
    image.save()
    row = MediaDigest.objects.get(kind="image", object_id=image.pk)
    assert row.sha256 == hashlib.sha256(replacement).hexdigest()
    assert row.file_name == image.file.name


def test_a_file_stored_without_an_upload_is_hashed_by_the_task_worker(publish_fiche):
    original = jpeg_bytes(size=(90, 60))
    image = _image("Plan", original)
    MediaDigest.objects.all().delete()  # as for a file restored behind the portal's back
    image.title = "Plan restauré"
    image.save()
    queued = DBTaskResult.objects.filter(task_path="parvis.certification.tasks.media_digest_task")
    assert queued.count() == 1
    page = publish_fiche(body=f'<embed embedtype="image" id="{image.pk}" format="left" alt=""/>')
    entry = LogEntry.objects.filter(subject=f"page:{page.pk}").latest("index")
    assert json.loads(bytes(entry.statement))["media"][0]["sha256"] is None  # not read inline

    call_command("worker", once=True, no_schedule=True)
    assert MediaDigest.objects.get(kind="image", object_id=image.pk).sha256 == (
        hashlib.sha256(original).hexdigest()
    )


def test_deleting_an_image_forgets_its_digest():
    image = _image("Plan", jpeg_bytes(size=(50, 50)))
    pk = image.pk
    image.delete()
    assert not MediaDigest.objects.filter(kind="image", object_id=pk).exists()


def test_only_image_and_document_saves_reach_the_digest_handlers():
    from django.db.models.signals import post_delete, post_save, pre_save

    from parvis.certification import media

    def receivers(signal, sender) -> set:  # noqa: ANN001
        return {id(r) for r in signal._live_receivers(sender)[0]}

    handlers = {id(media._on_pre_save), id(media._on_post_save), id(media._on_post_delete)}
    for signal in (pre_save, post_save, post_delete):
        assert not handlers & receivers(signal, MediaDigest)
        assert not handlers & receivers(signal, LogEntry)
    assert id(media._on_pre_save) in receivers(pre_save, get_image_model())
    assert id(media._on_post_save) in receivers(post_save, get_document_model())
