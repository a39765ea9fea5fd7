"""Every hint and error a form field points at exists: each ``aria-describedby`` (and
``aria-labelledby``) id on every public form page, blank and after a refused submission,
is the id of an element of that page (RGAA 11.10). A dangling id is silence for a screen
reader: the hint "Elle n'est jamais publiée" was never read out on the report form."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from parvis.listening.tests.conftest import make_question
from parvis.reports.models import Category

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("aria-describedby", "aria-labelledby") and value is not None:
                self.references += [(tag, name, ref) for ref in value.split()]


def _dangling(html: str) -> list[tuple[str, str, str]]:
    parser = _Ids()
    parser.feed(html)
    return [ref for ref in parser.references if ref[2] not in parser.ids]


def _described(html: str) -> int:
    return len(re.findall(r"aria-describedby=\"[^\"]+\"", html))


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=False)


def _form_pages(client: Client) -> list[tuple[str, str]]:
    """(name, HTML) of each form page, blank and with errors."""
    category = Category.objects.filter(active=True).first()
    question = make_question(code="HINT1")
    pages = []

    def get(name: str, path: str, params: dict[str, str] | None = None) -> None:
        response = client.get(path, params or {}, follow=True)
        assert response.status_code in (200, 400), (name, response.status_code)
        pages.append((name, response.content.decode()))

    def post(name: str, path: str, data: dict[str, str]) -> None:
        response = client.post(path, data, follow=True)
        assert response.status_code in (200, 400), (name, response.status_code)
        pages.append((name, response.content.decode()))

    get("report, step 1", "/signalements/nouveau/")
    get("report, step 1 refused", "/signalements/nouveau/", {"category": "", "address": ""})
    place = {"category": category.code, "lat": "47.2184", "long": "-1.5536"}
    get("report, step 2", "/signalements/nouveau/", place)
    post(
        "report, step 2 refused",
        "/signalements/nouveau/",
        place | {"description": "", "email": "pas-un-courriel", "idempotency_key": "k-hints"},
    )
    get("ask an agent", "/recherche/agent/", {"q": "carte d'identité"})
    post("ask an agent refused", "/recherche/agent/", {"question": "", "email": "x"})
    get("search with feedback", "/recherche/", {"q": "carte d'identité"})
    get("my data", "/mes-donnees/")
    post("my data refused", "/mes-donnees/", {"identity": "ni-courriel-ni-telephone"})
    get("my data code", "/mes-donnees/code/")
    get("group proposal", "/groupes/proposer/")
    post("group proposal refused", "/groupes/proposer/", {"name": "", "contact_email": "x"})
    get("street answer", f"/m/{question.code}/")
    post("street answer refused", f"/m/{question.code}/", {"choice": "99"})
    get("street code", "/m/")
    get("verifier", "/verifier/")
    get("verifier refused", "/verifier/", {"url": "pas une adresse", "q": "texte"})
    return pages


def test_every_described_by_id_on_every_form_page_exists() -> None:
    client = _csrf_client()
    pages = _form_pages(client)
    dangling = {name: refs for name, html in pages if (refs := _dangling(html))}
    assert dangling == {}
    # The crawl saw hints and errors, not pages without any (the check would pass vacuously).
    assert sum(_described(html) for _name, html in pages) >= 15


def test_the_report_forms_hints_are_read_with_their_fields() -> None:
    """The address and email hints are tied to their inputs, and so is a refused email."""
    client = _csrf_client()
    pages = dict(_form_pages(client))
    step1 = pages["report, step 1"]
    assert re.search(
        r'<input[^>]*aria-describedby="id_address_helptext"[^>]*id="id_address"', step1
    )
    assert 'id="id_address_helptext"' in step1
    refused = pages["report, step 2 refused"]
    assert re.search(
        r'<input[^>]*aria-describedby="id_email_helptext id_email_error"[^>]*id="id_email"',
        refused,
    )
    assert 'id="id_email_error"' in refused and 'aria-invalid="true"' in refused
