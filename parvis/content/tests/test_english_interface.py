"""The English interface (issue 17): a visitor who starts at /en/ stays under /en/, French
content is marked as French, and labels are in English."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import escape

from parvis.core.interface import interface_in, localize_path

pytestmark = pytest.mark.django_db

CRAWL_LIMIT = 150


class _Links(HTMLParser):
    """The ``<a href>`` and ``<form action>`` of a page, with their ``hreflang``; the
    ``<html lang>``; whether some element is marked ``lang="fr"``."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.html_lang = ""
        self.french_marked = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = found.get("lang", "")
        elif found.get("lang") == "fr":
            self.french_marked = True
        if tag == "a" and "href" in found:
            self.links.append((found["href"], found.get("hreflang", "")))
        if tag == "form" and found.get("method", "get").lower() == "get" and "action" in found:
            self.links.append((found["action"], ""))


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _internal_path(base: str, href: str) -> str | None:
    """The path ``href`` leads to on this portal, or None for another site, a mail, a phone."""
    url = urljoin(base, urldefrag(href).url)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https"):
        return None
    if parts.netloc and parts.netloc not in ("testserver", urlsplit(settings.BASE_URL).netloc):
        return None
    return parts.path or "/"


def _french_interface(path: str) -> bool:
    """Whether ``path`` is an address of the French interface: served in every language (its
    English address differs) but written without the /en/ prefix."""
    if path == "/en" or path.startswith("/en/"):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, "en") != path


def _crawl(client, start: str = "/en/", limit: int = CRAWL_LIMIT):  # noqa: ANN001, ANN202
    """Fetch ``start`` and the English pages reachable from it, breadth first, up to ``limit``
    pages: (path, status, parsed page) for each HTML page fetched."""
    seen = {start}
    queue = deque([start])
    fetched = []
    while queue and len(fetched) < limit:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302):
            target = _internal_path(path, response["Location"])
            assert target is not None and target.startswith("/en/"), (path, response["Location"])
            if target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = _parse(response.content.decode())
        fetched.append((path, response.status_code, page))
        for href, _hreflang in page.links:
            target = _internal_path(path, href)
            if target and target.startswith("/en/") and target not in seen:
                seen.add(target)
                queue.append(target)
    return fetched


def test_every_link_from_the_english_home_stays_under_en(client):
    """Crawl /en/ and the English pages reachable from it: no internal link leads to the French
    interface, except the links marked ``hreflang="fr"`` (the language switcher and the French
    original of a page shown in French)."""
    pages = _crawl(client)
    assert len(pages) >= 40  # the crawl really went through the portal
    leaks = []
    for path, status, page in pages:
        assert status == 200, path
        assert page.html_lang == "en", path
        for href, hreflang in page.links:
            target = _internal_path(path, href)
            if target and hreflang != "fr" and _french_interface(target):
                leaks.append(f"{path} → {href}")
    assert leaks == []


def test_the_crawl_reaches_the_sections_apps_and_french_pages(client):
    """The crawl goes through the menu, the apps and untranslated French pages under /en/."""
    paths = {path for path, _status, _page in _crawl(client)}
    for expected in ("/en/demarches/", "/en/quartiers/", "/en/agenda/", "/en/mes-donnees/"):
        assert expected in paths
    assert any(p.startswith("/en/demarches/") and p != "/en/demarches/" for p in paths)


def test_a_french_page_under_en_is_marked_french_with_a_notice(client):
    """An untranslated Fiche under /en/: English interface, the content marked lang="fr", a
    one-line notice linking the French original."""
    html = client.get("/en/demarches/refaire-carte-identite/").content.decode()
    assert '<html lang="en">' in html
    assert "This page is in French." in html
    assert 'href="/demarches/refaire-carte-identite/" lang="fr" hreflang="fr"' in html
    assert '<h1 class="pv-title" lang="fr">' in html
    assert "Menu principal" not in html and '"Main menu"' in html


def test_a_translated_page_has_no_french_notice(client):
    """An English translation is not announced as French."""
    html = client.get("/en/moving-to-nantes/").content.decode()
    assert "This page is in French." not in html


def test_french_pages_have_no_notice_and_no_english_links(client):
    """The French interface is unchanged: no notice, no /en/ link but the switcher's."""
    html = client.get("/demarches/refaire-carte-identite/").content.decode()
    assert "This page is in French." not in html and "Cette page est en français" not in html
    page = _parse(html)
    english = [h for h, lang in page.links if h.startswith("/en/") and lang != "en"]
    assert english == []


def test_a_french_address_of_a_translated_page_goes_to_the_translation(client):
    """/en/je-m-installe/ (the French door's address under /en/) redirects to its English
    translation."""
    response = client.get("/en/je-m-installe/")
    assert response.status_code == 302 and response["Location"] == "/en/moving-to-nantes/"


def test_menu_sections_have_english_titles(client):
    """The main menu under /en/ shows no French section title."""
    html = client.get("/en/").content.decode()
    menu = html.split('class="pv-nav__list"', 1)[1].split("</ul>", 1)[0]
    for french in ("Démarches", "Lieux", "Récits", "Actualités", "Parcours"):
        assert f">{french}<" not in menu
    assert ">Your procedures<" in menu and ">Places and opening hours<" in menu
    # Every section's French title, whatever sections a site has (city projects came later).
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page
    for section in home.get_children().live().in_menu():
        assert f">{section.title}<" not in menu, section.title


def test_localize_path_keeps_other_addresses():
    """Only addresses of the interface get the prefix: other sites, language-neutral addresses
    and addresses already in English are left as they are."""
    with interface_in("en"):
        assert localize_path("/demarches/x/?a=1#b") == "/en/demarches/x/?a=1#b"
        assert localize_path("/signalements/") == "/en/signalements/"
        assert localize_path("/en/signalements/") == "/en/signalements/"
        assert localize_path("/sitemap.xml") == "/sitemap.xml"
        assert localize_path("/transparence/checkpoint") == "/transparence/checkpoint"
        assert localize_path("/verifier/") == "/en/verifier/"  # a page residents read
        assert localize_path("https://www.service-public.fr/") == "https://www.service-public.fr/"
        assert localize_path("mailto:a@b.fr") == "mailto:a@b.fr"
    assert localize_path("/demarches/x/") == "/demarches/x/"  # French interface: unchanged


def test_discovery_reasons_mark_the_french_term_they_quote(client):
    """ "Same theme: État civil": the English words around, the term's French name marked; the
    French interface marks nothing."""
    english = client.get("/en/demarches/refaire-carte-identite/").content.decode()
    reasons = re.findall(r'class="pv-discovery__reason">(.*?)</p>', english)
    quoting = [r for r in reasons if ":" in r]
    assert quoting and all('<span lang="fr">' in r for r in quoting)
    french = client.get("/demarches/refaire-carte-identite/").content.decode()
    reasons = re.findall(r'class="pv-discovery__reason">(.*?)</p>', french)
    assert reasons and not any("<span" in r for r in reasons)


def test_mark_term_escapes_and_marks_only_in_another_interface():
    """The reason is escaped; the term is wrapped only when French is not the interface."""
    from parvis.core.templatetags.parvis_interface import mark_term

    with interface_in("en"):
        assert mark_term("Theme: <b>", "<b>") == 'Theme: <span lang="fr">&lt;b&gt;</span>'
        assert mark_term("New", "") == "New"
    assert mark_term("Thème : État civil", "État civil") == "Thème : État civil"


def _french_names_marked(html: str, names: list[str], tag: str) -> list[str]:
    """The ``<tag …>name`` elements of ``html`` showing one of ``names``, each as its opening
    tag; used to check that every one is marked ``lang="fr"``."""
    found = []
    for name in names:
        pattern = rf"<{tag}\b[^>]*>(?:<input[^>]*>\s*)?{re.escape(escape(name))}</{tag}>"
        found += [m.group(0).split(">", 1)[0] for m in re.finditer(pattern, html)]
    return found


def test_french_data_names_are_marked_french_in_the_english_interface(client):
    """Under /en/, the city's data shown in the English interface is marked French: quartier
    options and checkboxes, service names on /engagements/, question texts on /questions/,
    and the <title> of a page named by them. The French interface marks none of them."""
    from django.utils import timezone

    from parvis.content.models import Quartier, Service
    from parvis.listening.models import FieldQuestion

    Service.objects.create(
        name="Service des essais", slug="essais-en", commitment_report_ack_days=2
    )
    now = timezone.now()
    question = FieldQuestion.objects.create(
        code="LANG1",
        text="Une piste cyclable rue de Strasbourg",
        kind=FieldQuestion.Kind.YES_NO,
        service=Service.objects.get(slug="deplacements"),
        lead_name="Léa",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=10),
        status=FieldQuestion.Status.PUBLISHED,
    )
    quartiers = list(Quartier.objects.filter(live=True).values_list("name", flat=True))
    quartier = Quartier.objects.filter(live=True).first()
    unmarked = {}
    for path, tag in (
        ("/signalements/nouveau/", "option"),
        ("/lieux/", "option"),
        ("/questions/", "option"),
        ("/decouverte/mes-choix/", "option"),
        ("/groupes/proposer/", "label"),
    ):
        english = client.get("/en" + path).content.decode()
        tags = _french_names_marked(english, quartiers, tag)
        assert tags, path  # the page shows quartier names
        unmarked[path] = [t for t in tags if 'lang="fr"' not in t]
        french = client.get(path).content.decode()
        assert not any('lang="fr"' in t for t in _french_names_marked(french, quartiers, tag))
    assert all(not found for found in unmarked.values()), unmarked

    engagements = client.get("/en/engagements/").content.decode()
    assert re.search(r'<h2 id="svc-\d+" lang="fr">Service des essais</h2>', engagements)
    text = escape(question.text)
    listing = client.get("/en/questions/").content.decode()
    assert re.search(
        rf'<h2 class="pv-card__title" lang="fr"><a [^>]*>{re.escape(text)}</a>', listing
    )
    detail = client.get(f"/en/questions/{question.code}/").content.decode()
    assert f'<title lang="fr">{text} — ' in detail
    assert f'<h1 class="pv-title" lang="fr">{text}</h1>' in detail
    page = client.get(f"/en/quartiers/{quartier.slug}/").content.decode()
    assert f'<title lang="fr">{escape(quartier.name)} — ' in page
    # Pages named in the interface's own words keep an unmarked title.
    assert "<title>" in engagements and "<title>" in listing
    french = client.get(f"/questions/{question.code}/").content.decode()
    assert f"<title>{text} — " in french and f'<h1 class="pv-title">{text}</h1>' in french
