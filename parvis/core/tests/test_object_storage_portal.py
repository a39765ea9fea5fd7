"""The real portal (gunicorn, another process) configured by environment for an S3 bucket."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests

from parvis.conftest import PARVIS, free_port, wait_until_up
from parvis.reports.tests.factories import jpeg_bytes

REGION = "eu-west-3"


@pytest.fixture(scope="module")
def s3_portal(portal_env: dict[str, str], s3_endpoint: str) -> Iterator[tuple[str, object, str]]:
    """(portal URL, boto3 client, bucket) of a portal whose files live in a fresh bucket."""
    bucket = f"parvis-e2e-{uuid.uuid4().hex[:10]}"
    s3 = {
        "PARVIS_S3_BUCKET": bucket,
        "PARVIS_S3_ENDPOINT_URL": s3_endpoint,
        "PARVIS_S3_REGION": REGION,
        "PARVIS_S3_ACCESS_KEY_ID": "parvis-e2e",
        "PARVIS_S3_SECRET_ACCESS_KEY": "parvis-e2e-secret",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=s3["PARVIS_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=s3["PARVIS_S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [PARVIS, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env={**portal_env, **s3, "PARVIS_BASE_URL": url},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=(Path(portal_env["PARVIS_VAR_DIR"]) / "s3-server.log").open("ab"),
    )
    try:
        wait_until_up(url)
        yield url, client, bucket
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def test_a_photo_sent_to_the_portal_lands_in_the_bucket_and_is_served_back(s3_portal):
    url, client, bucket = s3_portal
    session = requests.Session()
    form = session.get(
        f"{url}/signalements/nouveau/",
        params={"category": "nid-de-poule", "address": "3 rue Crébillon"},
        timeout=30,
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    photo = jpeg_bytes(size=(640, 480))
    response = session.post(
        f"{url}/signalements/nouveau/",
        data={
            "csrfmiddlewaretoken": token,
            "category": "nid-de-poule",
            "address": "3 rue Crébillon",
            "description": "Un nid-de-poule profond devant le n° 3.",
            "idempotency_key": str(uuid.uuid4()),
        },
        files={"photo1": ("rue.jpg", photo, "image/jpeg")},
        headers={"Referer": f"{url}/signalements/nouveau/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:2000]
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))
    assert len(keys) == 2 and all(key.startswith("private/reports/") for key in keys)
    photo_token = keys[0].split("/")[2]
    served = session.get(f"{url}/signalements/photos/{photo_token}/grande.jpg", timeout=30)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    stored = client.get_object(Bucket=bucket, Key=f"private/reports/{photo_token}/photo.jpg")
    assert served.content == stored["Body"].read()
    # Pages may show images from the bucket, and from nowhere else.
    csp = session.get(f"{url}/", timeout=30).headers["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]+)", csp).group(1).split()
    endpoint = client.meta.endpoint_url.rstrip("/")
    assert img_src == ["'self'", "data:", endpoint]
