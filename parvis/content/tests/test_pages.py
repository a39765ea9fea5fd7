"""Public pages render the demo content for residents, in French, without JavaScript."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.content.demo import demo_content_load
from parvis.content.models import (
    ActualitePage,
    FichePage,
    LieuPage,
    ParcoursPage,
    RecitPage,
    StandardPage,
)
from parvis.core.pagecache import page_cache_forget

pytestmark = pytest.mark.django_db


def test_demo_content_meets_the_promised_volume():
    """The Nantes demo ships the 11 quartiers and enough real content to browse."""
    from parvis.content.models import Quartier

    assert Quartier.objects.count() == 11
    assert FichePage.objects.live().count() >= 30
    assert LieuPage.objects.live().count() >= 25
    assert ParcoursPage.objects.live().count() >= 4
    assert RecitPage.objects.live().count() >= 6


def test_loading_the_demo_twice_creates_nothing_new():
    """Re-running the loader reuses every page: same counts, no new revision."""
    from wagtail.models import Page, Revision

    pages, revisions = Page.objects.count(), Revision.objects.count()
    report = demo_content_load()
    assert (
        report.created == {}
        or set(report.created) <= {"quartier", "audience", "theme", "service"}
        and not any(report.created.get(k) for k in ("quartier", "audience", "theme", "service"))
    )
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions


@pytest.mark.parametrize(
    "path",
    ["/", "/demarches/", "/parcours/", "/lieux/", "/decouvrir/", "/actualites/"],
)
def test_section_pages_answer_in_french(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'<html lang="fr"' in response.content
    assert b'href="#contenu"' in response.content


@pytest.mark.parametrize(
    "model", [FichePage, LieuPage, ParcoursPage, RecitPage, ActualitePage, StandardPage]
)
def test_every_page_type_renders(client, model):
    page = model.objects.live().first()
    response = client.get(page.url)
    assert response.status_code == 200
    assert page.title.encode() in response.content.replace(b"&#x27;", b"'").replace(b"&#39;", b"'")


def test_fiche_shows_the_short_answer_before_the_details(client):
    """The answer comes first: the short answer precedes steps and details in the page."""
    fiche = FichePage.objects.live().exclude(steps=[]).first()
    html = client.get(fiche.url).content.decode()
    short = html.find(fiche.short_answer[:40].replace("'", "&#x27;"))
    assert short != -1
    assert short < html.find(fiche.steps[0].value["title"][:20].replace("'", "&#x27;"))


def test_stale_fiche_says_it_is_being_reviewed(client):
    fiche = FichePage.objects.live().first()
    fiche.last_reviewed = timezone.localdate() - dt.timedelta(days=400)
    fiche.save_revision().publish()
    assert fiche.needs_review
    assert "en cours de relecture" in client.get(fiche.url).content.decode()


def test_lieu_page_shows_its_status_and_weekly_hours(client):
    lieu = LieuPage.objects.live().filter(opening_rules__isnull=False).first()
    html = client.get(lieu.url).content.decode()
    assert re.search(r"(Ouvert|Fermé)", html)
    assert "<table" in html and "lundi" in html.lower()


def test_lieu_index_filters_by_kind_and_ignores_unknown_values(client):
    only_pools = client.get("/lieux/?type=piscine").content.decode()
    assert "Piscine" in only_pools
    assert "Médiathèque Jacques" not in only_pools
    assert client.get("/lieux/?type=%3Cscript%3E&quartier=nope&page=abc").status_code == 200


def test_unknown_page_gets_the_french_not_found_page(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "introuvable" in response.content.decode().lower()


def test_english_interface_is_served_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert b'<html lang="en"' in response.content


def test_sitemap_lists_published_pages_only(client):
    draft = FichePage.objects.live().first()
    draft.unpublish()
    body = client.get("/sitemap.xml").content.decode()
    assert "/demarches/" in body
    assert draft.slug not in body


def test_dashboard_lists_fiches_to_review_for_editors(client):
    """Editors see, on their back-office home, the Fiches older than a year."""
    from django.contrib.auth.models import Group, User

    fiche = FichePage.objects.live().first()
    fiche.last_reviewed = timezone.localdate() - dt.timedelta(days=500)
    fiche.save_revision().publish()
    editor = User.objects.create_user(username="claire", password="x-long-password-1")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "Fiches à relire" in html
    assert fiche.title.replace("'", "&#x27;") in html


def test_every_link_on_a_fiche_leads_to_a_page(client):
    """Each link of a Fiche within the portal answers (the tags included): no `?=` left empty."""
    fiche = FichePage.objects.live().filter(audiences__isnull=False).first()
    html = client.get(fiche.url).content.decode()
    hrefs = set(re.findall(r'<a [^>]*href="([^"#][^"]*)"', html))
    assert not [href for href in hrefs if "?=" in href or href.startswith("http://127.0.0.1")]
    internal = [h for h in hrefs if h.startswith("/") and not h.startswith(("/static/", "/media/"))]
    for href in internal:
        status = client.get(href.replace("&amp;", "&")).status_code
        assert status in (200, 301, 302), href


def test_a_fiche_names_its_service_once(client):
    """The service heading reads "Qui s'en occupe : Service État civil", never "Service Service"."""
    fiche = FichePage.objects.live().filter(service__name__startswith="Service ").first()
    html = client.get(fiche.url).content.decode()
    assert f"Qui s'en occupe\u00a0: {fiche.service.name}" in html
    assert "Service : Service" not in html and "Service\u00a0: Service" not in html


def test_french_punctuation_is_bound_to_its_word_but_typed_text_is_not(client):
    """Content gets a no-break space before "?", a form's textarea keeps what was typed."""
    from parvis.core.typography import french_spacing

    fiche = FichePage.objects.live().filter(title__endswith=" ?").first()
    html = client.get(fiche.url).content.decode()
    assert " ?</h1>" not in html and "\u00a0?</h1>" in html
    raw = '<p>Où ? « Ici » !</p><textarea>quoi ?</textarea><a title="a : b">x</a>'
    assert french_spacing(raw) == (
        '<p>Où\u00a0? «\u00a0Ici\u00a0»\u00a0!</p><textarea>quoi ?</textarea><a title="a : b">x</a>'
    )


def test_footer_states_no_conformity_without_an_audit(client, settings):
    """The RGAA mention is "non conforme" until the city declares an audited level."""
    html = client.get("/").content.decode()
    assert "partiellement conforme" not in html
    assert "Accessibilité\u00a0: non conforme" in html
    settings.PARVIS_ACCESSIBILITY_CONFORMITY = "partielle"
    page_cache_forget()  # the home page was cached by the first request
    assert "Accessibilité\u00a0: partiellement conforme" in client.get("/").content.decode()


def test_legal_pages_describe_what_the_code_does(client, settings):
    """No audience measurement nor IP anonymisation is claimed; the retention periods stated
    are generated from the apps' declarations, so they are the ones the purge applies."""
    from datetime import timedelta

    from parvis.core.personal_data import duration_text

    privacy = StandardPage.objects.live().get(slug="donnees-personnelles")
    text = client.get(privacy.url).content.decode().replace("\u00a0", " ")
    assert "pages vues" not in text and "anonymisées et les journaux" not in text
    assert duration_text(timedelta(days=settings.PARVIS_ANSWERS_LOG_DAYS)) in text
    conversations = duration_text(timedelta(days=settings.PARVIS_CONVERSATION_RETENTION_DAYS))
    assert f"{conversations} — sans activité" in text
    access = StandardPage.objects.live().get(slug="accessibilite")
    text = client.get(access.url).content.decode()
    assert "partiellement conforme" not in text and "audit complet" not in text


@pytest.mark.parametrize(
    "path",
    ["/", "/demarches/", "/lieux/", "/parcours/", "/decouvrir/", "/actualites/", "/recherche/"],
)
def test_every_page_has_a_meta_description(client, path):
    """Section pages and views describe themselves to search engines, not only Fiches."""
    html = client.get(path).content.decode()
    found = re.search(r'<meta name="description" content="([^"]*)"', html)
    assert found and len(found.group(1)) > 20


def test_the_fiches_are_grouped_by_theme(client):
    """/demarches/ lists every Fiche under a heading for each of its themes."""
    from parvis.content.models import Theme

    html = client.get("/demarches/").content.decode()
    headings = re.findall(r'<h2 class="pv-section__title" id="theme-\d+">([^<]+)</h2>', html)
    themes = set(Theme.objects.filter(fichepage__live=True).values_list("name", flat=True))
    assert set(headings) == {t.replace("'", "&#x27;") for t in themes}
    assert headings == sorted(headings, key=str.casefold)
    for fiche in FichePage.objects.live():
        assert f'href="{fiche.url}"' in html
