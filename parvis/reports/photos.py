"""Photos: checked on their content, re-encoded without metadata, resized.

Only what Pillow decodes as JPEG, PNG, WebP or HEIF-less GIF goes in; everything is decoded
and re-encoded as a fresh JPEG, which drops EXIF (GPS, serial numbers), ICC tricks, comments
(JPEG COM segments, GIF comment extensions: Pillow would otherwise copy ``info["comment"]`` into
the new JPEG) and any polyglot payload. The uploaded bytes themselves are never stored.

Memory is bounded before decoding: the byte size is checked on the upload's size (never by
reading it), the pixel count on the header (``Image.open`` reads no pixel), and Pillow's own
decompression-bomb guard is an error, not a warning. A 7000×7000 one-bit PNG of 6 KB would
otherwise cost about 450 MB once converted to RGB and copied.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from parvis.reports.errors import PhotoInvalid, PhotoTooLarge

# The one list of accepted pictures: Pillow's format name → the MIME type the form's file
# field offers (``accept``). The server checks the decoded format against the same keys.
ACCEPTED_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
ALLOWED_FORMATS = frozenset(ACCEPTED_TYPES)
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_TYPES.values())
MAX_SIDE = 1600
THUMB_SIDE = 400
MAX_PHOTOS = 3


@dataclass(frozen=True)
class PreparedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    digest: str  # sha256 of the upload, for idempotency fingerprints


def _max_pixels() -> int:
    return settings.PARVIS_UPLOAD_MAX_PIXELS


def _encode(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    copy.info = {}  # no comment, ICC profile or EXIF carried over
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def photo_check_size(*, size: int) -> None:
    """Refuse an upload by its byte size, before anything reads it."""
    limit = settings.PARVIS_REPORTS_PHOTO_MAX_BYTES
    if size > limit:
        raise PhotoTooLarge(
            _("La photo dépasse %(mb)d Mo.") % {"mb": limit // 1_048_576}, code="photo_too_large"
        )


def _decode(data: bytes) -> Image.Image:
    """Open, check the header, then decode at most ``MAX_SIDE`` pixels a side, as RGB."""
    invalid = PhotoInvalid(
        _("Ce fichier n'est pas une photo acceptée (JPEG, PNG, WebP ou GIF)."),
        code="photo_invalid",
    )
    too_many = PhotoInvalid(
        _("Cette image est trop grande : %(mpx)d millions de pixels au plus.")
        % {"mpx": _max_pixels() // 1_000_000},
        code="photo_too_many_pixels",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise invalid
                if probe.width * probe.height > _max_pixels():
                    raise too_many
                probe.verify()
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > _max_pixels():
                raise too_many
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at 1/2, 1/4 or 1/8 scale
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            image.thumbnail((MAX_SIDE, MAX_SIDE))  # shrink before the 4-bytes-a-pixel RGB
            rgb = image.convert("RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise invalid from None
    rgb.info = {}
    return rgb


def photo_prepare(*, data: bytes) -> PreparedPhoto:
    """Validate an upload and return its re-encoded renditions, or raise a clear error."""
    photo_check_size(size=len(data))
    image = _decode(data)
    big = _encode(image, MAX_SIDE)
    width, height = Image.open(io.BytesIO(big)).size
    return PreparedPhoto(
        image=big,
        thumbnail=_encode(image, THUMB_SIDE),
        width=width,
        height=height,
        digest=hashlib.sha256(data).hexdigest(),
    )
