"""Media and report photos on a real S3-compatible server (moto over HTTP on loopback).

The storages are built by ``parvis.core.s3.s3_storages``, the code settings run when
``PARVIS_S3_BUCKET`` is set; every check reads the bucket back with boto3 or follows the URL
the portal hands out.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable
from html import unescape
from typing import Any

import boto3
import pytest
import requests
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from parvis.core.s3 import s3_credentials, s3_storages
from parvis.reports.models import Photo, Report
from parvis.reports.tests.factories import jpeg_bytes

REGION = "eu-west-3"


@pytest.fixture
def s3_env(s3_endpoint: str) -> dict[str, str]:
    """The environment of a deployment on a fresh bucket of its own."""
    env = {
        "PARVIS_S3_BUCKET": f"parvis-{uuid.uuid4().hex[:12]}",
        "PARVIS_S3_ENDPOINT_URL": s3_endpoint,
        "PARVIS_S3_REGION": REGION,
        "PARVIS_S3_ACCESS_KEY_ID": "parvis-test",
        "PARVIS_S3_SECRET_ACCESS_KEY": "parvis-test-secret",
    }
    _client(env).create_bucket(
        Bucket=env["PARVIS_S3_BUCKET"],
        CreateBucketConfiguration={"LocationConstraint": REGION},
    )
    return env


def _client(env: dict[str, str]) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=env["PARVIS_S3_ENDPOINT_URL"],
        region_name=REGION,
        aws_access_key_id=env["PARVIS_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["PARVIS_S3_SECRET_ACCESS_KEY"],
    )


def _configure(settings: Any, env: dict[str, str]) -> None:
    """What settings.py does with these variables."""
    storages, _origins = s3_storages(env)
    settings.STORAGES = {**settings.STORAGES, **storages}
    for name, value in s3_credentials(env).items():
        setattr(settings, name, value)


@pytest.fixture
def bucket(s3_env: dict[str, str], settings: Any) -> Callable[[], dict[str, bytes]]:
    """Point the portal's storages at the bucket; returns a reader of {key: bytes}."""
    _configure(settings, s3_env)
    client = _client(s3_env)
    name = s3_env["PARVIS_S3_BUCKET"]

    def objects() -> dict[str, bytes]:
        listing = client.list_objects_v2(Bucket=name).get("Contents", [])
        return {
            item["Key"]: client.get_object(Bucket=name, Key=item["Key"])["Body"].read()
            for item in listing
        }

    return objects


def _post_report(client: Any, key: str, photo: bytes) -> Any:
    return client.post(
        "/signalements/nouveau/",
        {
            "category": "nid-de-poule",
            "address": "3 rue Crébillon",
            "lat": "",
            "long": "",
            "quartier": "",
            "description": "Un nid-de-poule profond devant le n° 3.",
            "email": "",
            "site_web": "",
            "idempotency_key": key,
            "photo1": SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg"),
        },
    )


@pytest.mark.django_db
def test_a_report_photo_lands_in_the_private_prefix_and_the_portal_serves_it(client, bucket):
    """Photo sent through the form: two objects under private/, served by the portal's view."""
    assert _post_report(client, str(uuid.uuid4()), jpeg_bytes(size=(640, 480))).status_code == 302
    photo = Photo.objects.get()
    stored = bucket()
    assert sorted(stored) == [
        f"private/reports/{photo.token}/photo.jpg",
        f"private/reports/{photo.token}/vignette.jpg",
    ]
    response = client.get(f"/signalements/photos/{photo.token}/grande.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored[f"private/{photo.image.name}"]
    # Nothing hands out a plain URL to it: the storage's own URL is signed and short-lived.
    assert "X-Amz-Signature=" in photo.image.url and "X-Amz-Expires=300" in photo.image.url


@pytest.mark.django_db
def test_a_hidden_reports_photo_is_no_longer_served(client, bucket):
    _post_report(client, str(uuid.uuid4()), jpeg_bytes())
    photo = Photo.objects.get()
    Report.objects.update(hidden=True)
    assert client.get(f"/signalements/photos/{photo.token}/grande.jpg").status_code == 404


@pytest.mark.django_db
def test_a_replayed_submission_leaves_no_orphan_photo_in_the_bucket(client, bucket):
    """The photos of a retry (same key) are uploaded before the replay is known, then removed."""
    key = str(uuid.uuid4())
    _post_report(client, key, jpeg_bytes())
    _post_report(client, key, jpeg_bytes())
    assert Report.objects.count() == 1
    assert len(bucket()) == 2


@pytest.mark.django_db
def test_a_failed_submission_removes_the_photos_it_uploaded(client, bucket, monkeypatch):
    """If storing the report fails after the upload, its objects are deleted again."""
    from parvis.reports import services

    def broken(**kwargs: object) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(services, "_store", broken)
    with pytest.raises(RuntimeError):
        _post_report(client, str(uuid.uuid4()), jpeg_bytes())
    assert bucket() == {}


@pytest.mark.django_db
def test_an_unreachable_bucket_gets_a_clear_503_and_keeps_what_the_resident_wrote(
    client, s3_endpoint, settings
):
    """The bucket refuses (here: it does not exist): a French message, the text kept, no report."""
    env = {
        "PARVIS_S3_BUCKET": f"absent-{uuid.uuid4().hex[:12]}",
        "PARVIS_S3_ENDPOINT_URL": s3_endpoint,
        "PARVIS_S3_REGION": REGION,
        "PARVIS_S3_ACCESS_KEY_ID": "parvis-test",
        "PARVIS_S3_SECRET_ACCESS_KEY": "parvis-test-secret",
    }
    _configure(settings, env)
    response = _post_report(client, str(uuid.uuid4()), jpeg_bytes())
    assert response.status_code == 503
    body = response.content.decode()
    assert "Les photos ne peuvent pas être enregistrées pour le moment" in body
    assert "Un nid-de-poule profond devant le n° 3." in body
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_deleting_a_photo_deletes_its_objects_after_commit(
    client, bucket, django_capture_on_commit_callbacks
):
    _post_report(client, str(uuid.uuid4()), jpeg_bytes())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Report.objects.all().delete()
    assert len(bucket()) == 2, "nothing is deleted before the transaction commits"
    for callback in callbacks:
        callback()
    assert bucket() == {}


def _image(title: str, content: bytes) -> Any:
    from wagtail.images import get_image_model

    image = get_image_model()(title=title, file=ImageFile(io.BytesIO(content), name="plan.jpg"))
    image.save()
    return image


@pytest.mark.django_db
def test_an_image_and_its_rendition_live_in_the_bucket_and_their_urls_serve_them(bucket):
    original = jpeg_bytes(size=(800, 600))
    image = _image("Plan du quartier", original)
    rendition = image.get_rendition("fill-120x90")
    stored = bucket()
    assert stored[f"media/{image.file.name}"] == original
    assert stored[f"media/{rendition.file.name}"]
    assert rendition.file.name.startswith("images/")
    response = requests.get(rendition.url, timeout=10)
    assert response.status_code == 200
    assert PILImage.open(io.BytesIO(response.content)).size == (120, 90)


@pytest.mark.django_db
def test_a_published_page_embedding_an_image_is_certified_with_its_sha256(bucket, s3_env, client):
    from parvis.certification.models import LogEntry
    from parvis.content.models import FicheIndexPage, FichePage

    original = jpeg_bytes(size=(300, 200))
    image = _image("Panneau", original)
    page = FichePage(
        title="Stationnement devant l'école",
        slug=f"stationnement-ecole-{uuid.uuid4().hex[:6]}",
        short_answer="Le stationnement est interdit aux heures d'entrée et de sortie.",
        body=f'<p>Voir le panneau.</p><embed embedtype="image" id="{image.pk}" '
        f'format="fullwidth" alt="Panneau"/>',
    )
    FicheIndexPage.objects.first().add_child(instance=page)
    page.save_revision().publish()
    entry = LogEntry.objects.filter(subject=f"page:{page.pk}").latest("index")
    media = json.loads(bytes(entry.statement))["media"]
    assert media == [
        {
            "kind": "image",
            "id": image.pk,
            "title": "Panneau",
            "sha256": hashlib.sha256(original).hexdigest(),
        }
    ]
    # The page shows the image from the bucket, by a URL that serves the rendition.
    html = client.get(page.url).content.decode()
    tags = [tag for tag in re.findall(r"<img\b[^>]*>", html) if 'alt="Panneau"' in tag]
    assert len(tags) == 1, html
    url = unescape(re.search(r'src="([^"]+)"', tags[0]).group(1))
    assert url.startswith(s3_env["PARVIS_S3_ENDPOINT_URL"]) and "X-Amz-Signature=" in url
    assert requests.get(url, timeout=10).status_code == 200


def test_settings_allow_images_from_the_bucket_origin_only():
    """The CSP origin follows the addressing style, the endpoint and the public domain."""
    base = {"PARVIS_S3_BUCKET": "ville"}
    _, origins = s3_storages({**base, "PARVIS_S3_ENDPOINT_URL": "https://s3.fr-par.example"})
    assert origins == ["https://s3.fr-par.example"]
    _, origins = s3_storages(
        {
            **base,
            "PARVIS_S3_ENDPOINT_URL": "https://s3.fr-par.example/",
            "PARVIS_S3_ADDRESSING_STYLE": "virtual",
        }
    )
    assert origins == ["https://ville.s3.fr-par.example"]
    storages, origins = s3_storages({**base, "PARVIS_S3_CUSTOM_DOMAIN": "medias.ville.fr"})
    assert origins == ["https://medias.ville.fr"]
    assert storages["default"]["OPTIONS"]["querystring_auth"] is False
    assert "custom_domain" not in storages["private"]["OPTIONS"]
    assert storages["private"]["OPTIONS"]["querystring_auth"] is True


def test_signed_media_urls_must_outlive_cached_pages(settings):
    """A deployment whose signed image URLs expire before its cached pages is refused."""
    from parvis.core.checks import media_urls_check

    storages, _origins = s3_storages({"PARVIS_S3_BUCKET": "ville", "PARVIS_S3_URL_EXPIRE": "120"})
    settings.STORAGES = {**settings.STORAGES, **storages}
    settings.PARVIS_PAGE_CACHE_TTL = 300
    assert [error.id for error in media_urls_check()] == ["core.E002"]
    settings.PARVIS_PAGE_CACHE_TTL = 60
    settings.PARVIS_FRONT_CACHE_TTL = 30
    assert media_urls_check() == []


@pytest.mark.django_db
def test_a_document_in_the_bucket_is_streamed_by_the_portal(client, bucket):
    """Documents go through Wagtail's view (collection privacy is checked), not a bucket URL."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    content = "date;quartier\n2026-11-30;Rezé\n".encode()
    document = get_document_model()(title="Conseil municipal")
    document.file.save("deliberations.csv", ContentFile(content), save=False)
    document.save()
    assert bucket()[f"media/{document.file.name}"] == content
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content


@pytest.mark.django_db
def test_the_storages_never_carry_the_secret_key(bucket, s3_env):
    """Wagtail queues ``storage.deconstruct()`` to delete files: no secret may be in it."""
    from django.core.files.storage import storages

    for alias in ("default", "private"):
        storage = storages[alias]
        assert s3_env["PARVIS_S3_SECRET_ACCESS_KEY"] not in repr(storage.deconstruct())
        assert storage.secret_key == s3_env["PARVIS_S3_SECRET_ACCESS_KEY"]
