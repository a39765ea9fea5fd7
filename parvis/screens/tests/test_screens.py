"""Urban screens: what they show (only public, moderated content), rotation, no cookies."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from parvis.content.models import Quartier, Theme
from parvis.listening.tests import read_side
from parvis.screens.models import Screen

pytestmark = pytest.mark.django_db
CSS = Path(__file__).resolve().parents[1] / "static" / "screens" / "screen.css"


def _text(body: bytes) -> str:
    return html.unescape(body.decode()).replace("\u202f", " ").replace("\xa0", " ")


def _screen(**kwargs: object) -> Screen:
    kwargs.setdefault("quartier", Quartier.objects.get(slug="centre-ville"))
    # Questions and remarks only, unless a test asks for more (demo pages are many).
    values = {"show_stories": False, "show_news": False} | kwargs
    return Screen.objects.create(name="Place Royale", slug="place-royale", **values)


def _all_slides(client: Client, screen: Screen) -> list[str]:
    first = _text(client.get(f"/ecran/{screen.slug}/").content)
    total = int(re.search(r'data-total="(\d+)"', first).group(1))
    return [
        _text(client.get(f"/ecran/{screen.slug}/?slide={n}&fragment=1").content)
        for n in range(max(total, 1))
    ]


@pytest.fixture
def street() -> None:
    q = read_side.question(code="ECRAN1", text="Un marché le dimanche ?", quartier="centre-ville")
    read_side.answer(q, remark_public="Oui, avec des producteurs locaux.", remark_status="approved")
    read_side.answer(q, remark=read_side.CANARY_REMARK, remark_status="pending")
    read_side.answer(q, remark="Refusé canari-refus", remark_status="rejected")
    read_side.followup(q, body="Le marché ouvre le 4 avril.")
    read_side.followup(q, body="Brouillon canari-brouillon", published=False)
    read_side.question(code="DRAFT9", text="Brouillon canari-question ?", status="draft")


def test_screen_shows_open_question_with_sms_code_and_qr(street, settings):
    """The question slide: the text, the SMS number and code, a QR code of /m/<code>/."""
    settings.PARVIS_SMS_NUMBER = "06 44 63 12 12"
    slides = _all_slides(Client(), _screen())
    question = next(s for s in slides if "Un marché le dimanche ?" in s)
    assert "06 44 63 12 12" in question and "ECRAN1" in question
    assert '<svg viewBox="0 0' in question and 'class="pv-screen__qr-code"' in question
    assert f"<title>Code QR : {settings.BASE_URL}/m/ECRAN1/</title>" in question


def test_screen_never_shows_anything_unmoderated(street):
    """Pending and rejected remarks, draft follow-ups and draft questions never reach a screen;
    the approved remark and the published follow-up do."""
    joined = "\n".join(_all_slides(Client(), _screen()))
    assert "Oui, avec des producteurs locaux." in joined
    assert "Le marché ouvre le 4 avril." in joined
    for secret in ("canari", "06 00 00 71 30", read_side.CANARY_PHONE):
        assert secret not in joined


def test_rotation_without_javascript_refreshes_to_the_next_slide(street):
    """A <noscript> meta refresh after rotation_seconds to ?slide=N+1, wrapping at the end."""
    screen = _screen(rotation_seconds=12)
    client = Client()
    page = _text(client.get("/ecran/place-royale/").content)
    total = int(re.search(r'data-total="(\d+)"', page).group(1))
    assert total == 3  # question, remark, follow-up
    assert '<noscript><meta http-equiv="refresh" content="12;url=?slide=1"></noscript>' in page
    last = _text(client.get(f"/ecran/{screen.slug}/?slide={total - 1}").content)
    assert 'content="12;url=?slide=0"' in last
    assert client.get("/ecran/place-royale/?slide=abc").status_code == 200
    assert client.get("/ecran/place-royale/?slide=-7").status_code == 200


def test_no_cookie_and_no_cache_and_check_in_recorded(street):
    """No Set-Cookie (no session, no CSRF cookie), not cacheable, and the check-in is stored."""
    screen = _screen()
    assert screen.last_seen_at is None
    for url in ("/ecran/place-royale/", "/ecran/place-royale/?slide=1&fragment=1"):
        response = Client().get(url)
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response.headers
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    screen.refresh_from_db()
    assert screen.last_seen_at is not None


def test_stories_and_news_of_the_screen_quartier_or_themes():
    """With stories and news on, a screen shows live Récits/Actualités of its quartier or themes;
    a screen of another quartier with no theme does not show them."""
    from parvis.content.models import ActualitePage

    news = ActualitePage.objects.live().filter(quartiers__isnull=False).first()
    assert news is not None, "the demo content has news tagged with a quartier"
    area = news.quartiers.first()
    screen = Screen.objects.create(name="Hall", slug="hall", quartier=area)
    assert any(news.title in s for s in _all_slides(Client(), screen))
    elsewhere = Quartier.objects.exclude(pk=area.pk).exclude(actualitepage=news).first()
    other = Screen.objects.create(name="Autre", slug="autre", quartier=elsewhere)
    if not news.themes.exists():
        assert not any(news.title in s for s in _all_slides(Client(), other))
    theme = Theme.objects.first()
    other.themes.add(theme)
    themed = ActualitePage.objects.live().filter(themes=theme).first()
    if themed is not None:
        assert any(themed.title in s for s in _all_slides(Client(), other))


def test_an_empty_screen_welcomes_and_an_inactive_or_unknown_one_is_404():
    """Nothing to show: a welcome slide; inactive or unknown screens: 404."""
    screen = _screen(show_questions=False, show_remarks=False, show_followups=False)
    page = _text(Client().get(f"/ecran/{screen.slug}/").content)
    assert "Bienvenue" in page and 'data-total="0"' in page
    Screen.objects.filter(pk=screen.pk).update(active=False)
    assert Client().get(f"/ecran/{screen.slug}/").status_code == 404
    assert Client().get("/ecran/nulle-part/").status_code == 404


def test_screen_type_is_never_smaller_than_three_and_a_half_percent_of_the_height():
    """Every font size in screen.css is in vh and ≥ 3.5vh (read at 3 m; see the file's note)."""
    sizes = re.findall(r"font(?:-size)?:\s*(?:\d+\s+)?([\d.]+)(\w+)", CSS.read_text())
    assert sizes
    for value, unit in sizes:
        assert unit == "vh" and float(value) >= 3.5, (value, unit)


def test_back_office_lists_screens_with_their_last_check_in(street):
    """The screens' list in the back office shows each screen's last contact."""
    screen = _screen()
    Client().get(f"/ecran/{screen.slug}/")
    admin = User.objects.create_superuser("ecrans", password="x-pass-42!")
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/snippets/screens/screen/")
    assert response.status_code == 200
    page = _text(response.content)
    assert "Place Royale" in page and "Dernier contact" in page


def test_demo_screens_are_created_once():
    """`parvis demo` creates its two screens, and only once."""
    from parvis.screens.demo import screens_demo_load

    assert screens_demo_load() == 2
    assert screens_demo_load() == 0
    assert Client().get("/ecran/hotel-de-ville/").status_code == 200


def test_the_screens_prefix_is_a_page_listing_the_screens_in_service(client) -> None:
    """/ecran/ explains the screens and links each one in service; /en/ecran/ says it in
    English, the French-only displays linked as French."""
    _screen()
    Screen.objects.create(name="Mairie de Doulon", slug="mairie-doulon", active=False)
    response = client.get("/ecran/")
    assert response.status_code == 200
    page = _text(response.content)
    assert '<h1 class="pv-title">Les écrans de la Ville</h1>' in page
    assert '<a href="/ecran/place-royale/" hreflang="fr">Place Royale</a>' in page
    assert "/ecran/mairie-doulon/" not in page  # out of service
    english = _text(client.get("/en/ecran/").content)
    assert '<html lang="en">' in english and "The city’s screens" in english
    assert '<a href="/ecran/place-royale/" hreflang="fr" lang="fr">Place Royale</a>' in english
    assert 'href="/en/questions/"' in english


def test_the_screens_page_says_when_none_is_in_service(client) -> None:
    page = _text(client.get("/ecran/").content)
    assert "Aucun écran n'est en service pour le moment." in page
