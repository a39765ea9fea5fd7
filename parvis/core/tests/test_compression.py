"""Pages leave gzip-compressed for browsers that accept it, cached pages included."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_sent_compressed_and_cached_pages_too(client):
    """The first (rendered) and the second (cached) response are gzip and decode to one page."""
    first = client.get("/demarches/", HTTP_ACCEPT_ENCODING="gzip")
    second = client.get("/demarches/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"]
    body = gzip.decompress(second.content)
    assert body == gzip.decompress(first.content)
    assert b"<html" in body and len(second.content) < len(body) / 2


def test_a_browser_without_gzip_gets_the_plain_page_from_the_cache(client):
    """A page cached for a gzip client is served uncompressed to one that does not accept it."""
    client.get("/demarches/", HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get("/demarches/")
    assert "Content-Encoding" not in plain
    assert b"<html" in plain.content
