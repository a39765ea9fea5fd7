"""Photos: checked on their content, re-encoded without metadata, resized.

Only what Pillow decodes as JPEG, PNG, WebP or HEIF-less GIF goes in; everything is decoded
and re-encoded as a fresh JPEG, which drops EXIF (GPS, serial numbers), ICC tricks and any
polyglot payload. The uploaded bytes themselves are never stored.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from parvis.reports.errors import PhotoInvalid, PhotoTooLarge

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SIDE = 1600
THUMB_SIDE = 400
MAX_PIXELS = 50_000_000
MAX_PHOTOS = 3


@dataclass(frozen=True)
class PreparedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    digest: str  # sha256 of the upload, for idempotency fingerprints


def _encode(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True)  # no exif= → no metadata
    return out.getvalue()


def photo_prepare(*, data: bytes) -> PreparedPhoto:
    """Validate an upload and return its re-encoded renditions, or raise a clear error."""
    limit = settings.PARVIS_REPORTS_PHOTO_MAX_BYTES
    if len(data) > limit:
        raise PhotoTooLarge(
            _("La photo dépasse %(mb)d Mo.") % {"mb": limit // 1_048_576}, code="photo_too_large"
        )
    invalid = PhotoInvalid(
        _("Ce fichier n'est pas une photo acceptée (JPEG, PNG, WebP ou GIF)."),
        code="photo_invalid",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise invalid
            if probe.width * probe.height > MAX_PIXELS:
                raise invalid
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise invalid from None
    big = _encode(image, MAX_SIDE)
    width, height = Image.open(io.BytesIO(big)).size
    return PreparedPhoto(
        image=big,
        thumbnail=_encode(image, THUMB_SIDE),
        width=width,
        height=height,
        digest=hashlib.sha256(data).hexdigest(),
    )
