"""Report photos live in the private storage, out of MEDIA_ROOT; older ones are moved there."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from parvis.reports.models import Photo
from parvis.reports.tests.factories import jpeg_bytes, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def folders(settings, tmp_path):  # noqa: ANN001, ANN201 — pytest fixtures
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path


def test_a_new_photo_is_written_outside_the_media_folder(client, folders):
    response = client.post(
        "/signalements/nouveau/",
        {
            "category": "nid-de-poule",
            "address": "3 rue Crébillon",
            "description": "Un nid-de-poule profond devant le n° 3.",
            "idempotency_key": str(uuid.uuid4()),
            "photo1": ContentFile(jpeg_bytes(), name="p.jpg"),
        },
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (folders / "private" / photo.image.name).is_file()
    assert not (folders / "media").exists()


def test_the_upgrade_moves_existing_photos_from_media_to_private(folders):
    """Photos stored before the private storage existed are moved by migration 0004."""
    media, private = storages["default"], storages["private"]
    report = make_report()
    names = [
        media.save("reports/ancien/photo.jpg", ContentFile(b"big")),
        media.save("reports/ancien/vignette.jpg", ContentFile(b"small")),
    ]
    Photo.objects.create(report=report, image=names[0], thumbnail=names[1], width=1, height=1)
    migration = importlib.import_module("parvis.reports.migrations.0004_photos_private_storage")
    migration.move_photos(apps, None)
    migration.move_photos(apps, None)  # a second run (after an interruption) is harmless
    assert [private.open(name).read() for name in names] == [b"big", b"small"]
    assert not any(media.exists(name) for name in names)
