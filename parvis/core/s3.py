"""The ``default`` and ``private`` storages on an S3-compatible bucket, from the environment.

Kept apart from ``settings.py`` (and free of Django imports) so the tests build their storages
with exactly the code a deployment runs. One bucket, two prefixes: ``media/`` (images, their
renditions, documents) and ``private/`` (report photos), which always gets short-lived signed
URLs and never the public domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BACKEND = "storages.backends.s3.S3Storage"


def s3_storages(env: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """(``STORAGES`` entries for ``default`` and ``private``, origins pages load media from)."""
    bucket = env["PARVIS_S3_BUCKET"]
    endpoint = env.get("PARVIS_S3_ENDPOINT_URL", "").rstrip("/")
    region = env.get("PARVIS_S3_REGION", "") or None
    domain = env.get("PARVIS_S3_CUSTOM_DOMAIN", "").strip("/")
    style = env.get("PARVIS_S3_ADDRESSING_STYLE", "") or ("path" if endpoint else "virtual")
    common: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": region,
        "signature_version": "s3v4",
        "addressing_style": style,
        "default_acl": None,  # objects follow the bucket's policy; the bucket stays private
        "file_overwrite": False,  # two uploads with the same name never replace each other
        "querystring_auth": True,
    }
    storages = {
        "default": {
            "BACKEND": BACKEND,
            "OPTIONS": {
                **common,
                "location": "media",
                # A public domain (a CDN, or a bucket policy that lets anyone read media/*)
                # gets plain URLs; otherwise signed ones, valid longer than a cached page lives.
                "custom_domain": domain or None,
                "querystring_auth": not domain,
                "querystring_expire": int(env.get("PARVIS_S3_URL_EXPIRE", "") or 3600),
            },
        },
        "private": {
            "BACKEND": BACKEND,
            "OPTIONS": {**common, "location": "private", "querystring_expire": 300},
        },
    }
    if domain:
        origins = [f"https://{domain.split('/', 1)[0]}"]
    elif endpoint:
        scheme, _, netloc = endpoint.partition("://")
        netloc = netloc.split("/", 1)[0]
        origins = [
            f"{scheme}://{bucket}.{netloc}" if style == "virtual" else f"{scheme}://{netloc}"
        ]
    else:  # AWS itself: the global and the regional virtual-host names
        origins = [f"https://{bucket}.s3.amazonaws.com"]
        if region:
            origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return storages, origins


def s3_credentials(env: Mapping[str, str]) -> dict[str, str | None]:
    """The access key as django-storages settings, never as storage options.

    Storage options end up in ``Storage.deconstruct()``, which Wagtail hands to a background
    task to delete a file (stored in the task queue's table with a database backend); settings
    stay in the process. Empty values leave boto3's own chain (``AWS_*`` variables, ``~/.aws``,
    an instance role).
    """
    return {
        "AWS_S3_ACCESS_KEY_ID": env.get("PARVIS_S3_ACCESS_KEY_ID") or None,
        "AWS_S3_SECRET_ACCESS_KEY": env.get("PARVIS_S3_SECRET_ACCESS_KEY") or None,
    }
