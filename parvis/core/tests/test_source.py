"""AGPL section 13: every page offers the source of the running program."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from django.test import Client

import parvis

pytestmark = pytest.mark.django_db


def test_every_page_footer_links_to_the_source_code(client: Client) -> None:
    for url, link in [
        ("/", "/code-source/"),
        ("/recherche/?q=poubelle", "/code-source/"),
        ("/signalements/", "/code-source/"),
        ("/en/", "/en/code-source/"),
    ]:
        assert f'href="{link}"' in client.get(url).content.decode(), url


def test_source_page_names_the_licence_and_the_archive(client: Client, settings) -> None:  # noqa: ANN001
    settings.PARVIS_SOURCE_URL = "https://forge.example/ville/parvis"
    html = client.get("/code-source/").content.decode()
    assert "AGPL-3.0-or-later" in html
    assert 'href="/code-source/parvis.tar.gz"' in html
    assert "https://forge.example/ville/parvis" in html


def test_archive_holds_the_running_code_and_the_licence(client: Client, settings, tmp_path) -> None:  # noqa: ANN001
    settings.VAR_DIR = tmp_path
    response = client.get("/code-source/parvis.tar.gz")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = b"".join(response.streaming_content)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        names = {name.split("/", 1)[1]: name for name in archive.getnames()}
        assert "LICENSE" in names
        assert (
            "GNU AFFERO GENERAL PUBLIC LICENSE"
            in archive.extractfile(names["LICENSE"]).read().decode()
        )
        running = Path(parvis.__file__).with_name("urls.py").read_bytes()
        assert archive.extractfile(names["parvis/urls.py"]).read() == running
        assert not any("__pycache__" in name for name in names)
    # A second request reuses the archive instead of rebuilding it.
    again = client.get("/code-source/parvis.tar.gz")
    assert b"".join(again.streaming_content) == data
    assert len(list((tmp_path / "source").glob("*.tar.gz"))) == 1
