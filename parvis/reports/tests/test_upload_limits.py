"""Uploads cost bounded memory and carry nothing but pixels: caps apply before decoding."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.reports.errors import PhotoInvalid
from parvis.reports.models import Photo, Report
from parvis.reports.photos import photo_prepare
from parvis.reports.tests.factories import jpeg_bytes

MB = 1024 * 1024


def one_bit_png(side: int) -> bytes:
    """A blank one-bit PNG: a few kilobytes on the wire, ``side``² pixels once decoded."""
    out = io.BytesIO()
    Image.new("1", (side, side), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _peak_growth_mb(side: int) -> dict[str, object]:
    """Peak resident memory growth of ``photo_prepare`` on a one-bit PNG, in a fresh process.

    ``ru_maxrss`` is the process's high-water mark: a memory measure, not a timing one.
    Pillow allocates pixels in C, where tracemalloc cannot see them.
    """
    script = textwrap.dedent(
        f"""
        import io, json, resource
        import django
        django.setup()
        from PIL import Image
        from parvis.reports.photos import photo_prepare
        out = io.BytesIO()
        Image.new("1", ({side}, {side}), 0).save(out, format="PNG", optimize=True)
        data = out.getvalue()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            photo_prepare(data=data)
            outcome = "accepted"
        except Exception as error:
            outcome = getattr(error, "code", type(error).__name__)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"kb": after - before, "outcome": outcome, "bytes": len(data)}}))
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["mb"] = result["kb"] / 1024
    return result


def test_seven_thousand_square_one_bit_png_is_refused_without_decoding():
    """7000×7000 = 49 Mpx is over the 40 Mpx cap: refused with a clear message, ~0 MB spent."""
    result = _peak_growth_mb(7000)
    assert result["bytes"] < 64 * 1024
    assert result["outcome"] == "photo_too_many_pixels"
    assert result["mb"] < 20, result


def test_large_accepted_image_is_shrunk_before_conversion():
    """A 6000×6000 one-bit PNG (36 Mpx, under the cap) is accepted within 100 MB of memory.

    Converted to RGB at full size and copied, as before, it cost about 300 MB.
    """
    result = _peak_growth_mb(6000)
    assert result["outcome"] == "accepted"
    assert result["mb"] < 100, result


def test_pixel_cap_message_is_clear():
    """The refusal says what the limit is."""
    with pytest.raises(PhotoInvalid) as caught:
        photo_prepare(data=one_bit_png(7000))
    assert caught.value.code == "photo_too_many_pixels"
    assert "40 millions de pixels" in caught.value.message


def _jpeg_with_comment() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(
        out, format="JPEG", comment=b"COMMENT-CANARY-JPEG"
    )
    return out.getvalue()


def _gif_with_comment() -> bytes:
    out = io.BytesIO()
    Image.new("P", (64, 48), 3).save(out, format="GIF", comment=b"COMMENT-CANARY-GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "canary"),
    [(_jpeg_with_comment(), b"COMMENT-CANARY-JPEG"), (_gif_with_comment(), b"COMMENT-CANARY-GIF")],
    ids=["jpeg-com-segment", "gif-comment-extension"],
)
def test_comments_do_not_survive_reencoding(data, canary):
    """A JPEG COM segment or a GIF comment extension is absent from both renditions."""
    assert canary in data
    prepared = photo_prepare(data=data)
    for rendition in (prepared.image, prepared.thumbnail):
        assert canary not in rendition
        assert "comment" not in Image.open(io.BytesIO(rendition)).info


@pytest.mark.django_db
def test_web_form_refuses_a_pixel_bomb_with_a_form_message(client):
    """Through the form: 400, the message on the page, nothing stored."""
    from parvis.reports.tests.test_web_flow import _post

    upload = SimpleUploadedFile("bombe.png", one_bit_png(7000), content_type="image/png")
    response = _post(client, photo1=upload)
    assert response.status_code == 400
    assert "millions de pixels" in response.content.decode()
    assert Report.objects.count() == 0 and Photo.objects.count() == 0


def test_ordinary_photo_is_still_accepted():
    prepared = photo_prepare(data=jpeg_bytes(size=(2000, 1500)))
    assert (prepared.width, prepared.height) == (1600, 1200)
