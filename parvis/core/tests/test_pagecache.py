"""The anonymous page cache: what it serves, what it refuses, and when it forgets."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.middleware.csrf import get_token
from django.utils import timezone
from wagtail import hooks
from wagtail.models import PageViewRestriction

from parvis.content.hours import PARIS
from parvis.content.models import FichePage, LieuPage, Quartier, StandardPage

pytestmark = pytest.mark.django_db

HEADER = "X-Parvis-Cache"


def fetch_twice(client, url: str):  # noqa: ANN001, ANN201 — test helper
    return client.get(url), client.get(url)


def test_second_anonymous_request_is_served_from_the_cache_without_any_query(
    client, django_assert_num_queries
):
    fiche = FichePage.objects.live().first()
    first = client.get(fiche.url)
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(fiche.url)
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_hit_keeps_every_security_header_and_gets_its_own_request_id(client):
    first = client.get("/", HTTP_X_REQUEST_ID="first-request-0001")
    hit = client.get("/", HTTP_X_REQUEST_ID="second-request-002")
    assert hit[HEADER] == "hit"
    assert hit["X-Request-ID"] == "second-request-002"
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert hit[header] == first[header], header
    assert "Cookie" in hit["Vary"]
    assert not hit.cookies
    assert "max-age" not in hit.get("Cache-Control", "")  # browsers always ask again


def test_a_hit_over_https_carries_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    client.get("/", secure=True)
    hit = client.get("/", secure=True)
    assert hit[HEADER] == "hit"
    assert hit["Strict-Transport-Security"].startswith("max-age=31536000")


def test_hits_are_in_the_access_log(client, caplog):
    import logging

    client.get("/")
    with caplog.at_level(logging.INFO, logger="parvis.access"):
        client.get("/")
    # The last access record: at INFO, the first request's "miss" is captured as well.
    record = [r for r in caplog.records if r.name == "parvis.access"][-1]
    assert record.cache == "hit"
    assert record.status == 200


def test_publishing_a_change_shows_it_at_once(client):
    fiche = FichePage.objects.live().first()
    client.get(fiche.url)
    client.get("/")
    fiche.title = "Un titre tout neuf pour la démarche"
    fiche.save_revision().publish()
    after = client.get(fiche.url)
    assert after[HEADER] == "miss"
    assert "Un titre tout neuf" in after.content.decode()
    assert client.get("/")[HEADER] == "miss"  # lists and navigation show other pages too


def test_unpublishing_or_deleting_a_page_removes_it_at_once(client):
    fiches = FichePage.objects.live()
    gone, deleted = fiches[0], fiches[1]
    gone_url, deleted_url = gone.url, deleted.url
    fetch_twice(client, gone_url)
    fetch_twice(client, deleted_url)
    gone.unpublish()
    assert client.get(gone_url).status_code == 404
    deleted.delete()
    assert client.get(deleted_url).status_code == 404


def test_editing_a_snippet_shown_on_pages_shows_at_once(client):
    lieu = LieuPage.objects.live().filter(quartier__isnull=False).first()
    fetch_twice(client, lieu.url)
    Quartier.objects.filter(pk=lieu.quartier_id).update(name="Île Renommée")
    quartier = Quartier.objects.get(pk=lieu.quartier_id)
    quartier.save()  # as the back office does
    assert "Île Renommée" in client.get(lieu.url).content.decode()


def test_making_a_page_private_stops_serving_it_from_the_cache(client):
    fiche = FichePage.objects.live().first()
    fetch_twice(client, fiche.url)
    PageViewRestriction.objects.create(
        page=fiche, restriction_type=PageViewRestriction.PASSWORD, password="secret-pw"
    )
    first, second = fetch_twice(client, fiche.url)
    assert first[HEADER] == second[HEADER] == "skip"  # the password form holds a CSRF token
    assert fiche.short_answer[:30] not in second.content.decode()


def test_a_logged_in_editor_never_reads_nor_fills_the_cache(client, django_user_model):
    fiche = FichePage.objects.live().first()
    client.get(fiche.url)
    client.get(fiche.url)  # cached for residents
    editor = django_user_model.objects.create_user(username="ed", password="x-long-pass-1")
    client.force_login(editor)
    as_editor = client.get(fiche.url)
    assert HEADER not in as_editor
    client.logout()
    client.cookies.clear()

    other = FichePage.objects.live()[1]
    client.force_login(editor)
    client.get(other.url)
    client.logout()
    client.cookies.clear()
    assert client.get(other.url)[HEADER] == "miss"  # the editor's visit stored nothing


@pytest.mark.parametrize("cookie", [settings.SESSION_COOKIE_NAME, "messages"])
def test_a_visitor_with_a_session_or_messages_gets_a_fresh_page(client, cookie):
    client.get("/")
    client.cookies[cookie] = "anything"
    assert HEADER not in client.get("/")


def test_a_response_that_sets_a_cookie_is_not_cached(client):
    def wrap(serve):  # noqa: ANN001, ANN202
        def serve_with_cookie(page, request, args, kwargs):  # noqa: ANN001, ANN202
            response = serve(page, request, args, kwargs)
            response.set_cookie("tracker", "1")
            return response

        return serve_with_cookie

    with hooks.register_temporarily("on_serve_page", wrap):
        first, second = fetch_twice(client, "/")
    assert first[HEADER] == second[HEADER] == "skip"


def test_a_page_that_asks_for_a_csrf_token_is_not_cached(client):
    def wrap(serve):  # noqa: ANN001, ANN202
        def serve_with_form(page, request, args, kwargs):  # noqa: ANN001, ANN202
            get_token(request)
            return serve(page, request, args, kwargs)

        return serve_with_form

    with hooks.register_temporarily("on_serve_page", wrap):
        first, second = fetch_twice(client, "/")
    assert first[HEADER] == second[HEADER] == "skip"


def test_only_bare_urls_are_stored_and_tracking_tags_read_them(client):
    client.get("/lieux/")
    assert client.get("/lieux/?utm_source=flyer&fbclid=abc")[HEADER] == "hit"
    assert HEADER not in client.get("/lieux/?type=piscine")  # filters are rendered each time
    assert client.get("/actualites/?utm_campaign=x")[HEADER] == "skip"
    assert client.get("/actualites/")[HEADER] == "miss"  # the tagged request stored nothing


def test_each_language_has_its_own_copy(client):
    client.get("/")
    english = client.get("/en/")
    assert english[HEADER] == "miss"
    assert b'<html lang="en"' in english.content
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert french[HEADER] == "hit"
    assert b'<html lang="fr"' in french.content


def test_head_is_answered_from_the_copy_get_stored(client):
    client.get("/")
    head = client.head("/")
    assert head[HEADER] == "hit"
    assert head.status_code == 200


def test_the_cache_can_be_turned_off(client, settings):
    settings.PARVIS_PAGE_CACHE = False
    client.get("/")
    assert HEADER not in client.get("/")


def _lieu_and_a_quiet_moment() -> tuple[LieuPage, dt.datetime]:
    """A Lieu, and a moment (a weekday at 10:00 in Paris) when its status holds for an hour."""
    day = timezone.localdate() + dt.timedelta(days=7)
    day -= dt.timedelta(days=day.weekday())  # a Monday, well away from today's edge cases
    for lieu in LieuPage.objects.live().filter(opening_rules__isnull=False).distinct():
        at = dt.datetime.combine(day, dt.time(10), tzinfo=PARIS)
        status = lieu.opening_status(at)
        if status.next_change and status.next_change - at > dt.timedelta(hours=1):
            return lieu, at
    pytest.skip("no demo place keeps its status for an hour on a Monday at 10:00")


@pytest.fixture
def clock_driven_cache(settings, tmp_path):  # noqa: ANN001, ANN201
    """The page cache in files, whose expiry follows the (travelling) process clock; Redis
    expires keys on its own clock, which time-machine cannot move."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
        },
    }


def test_a_cached_opening_status_lives_at_most_the_live_ttl(client, clock_driven_cache):
    lieu, at = _lieu_and_a_quiet_moment()
    ttl = settings.PARVIS_PAGE_CACHE_LIVE_TTL
    with time_machine.travel(at, tick=False) as clock:
        assert client.get(lieu.url)[HEADER] == "miss"
        clock.shift(ttl - 5)
        assert client.get(lieu.url)[HEADER] == "hit"
        clock.shift(10)
        assert client.get(lieu.url)[HEADER] == "miss"
        # a page without any opening status keeps the longer default lifetime
        standard = StandardPage.objects.live().first()
        assert client.get(standard.url)[HEADER] == "miss"
        clock.shift(ttl + 5)
        assert client.get(standard.url)[HEADER] == "hit"


def test_a_cached_opening_status_expires_when_the_place_opens_or_closes(client, clock_driven_cache):
    lieu, at = _lieu_and_a_quiet_moment()
    change = lieu.opening_status(at).next_change
    before = change - dt.timedelta(seconds=10)
    with time_machine.travel(before, tick=False) as clock:
        was = client.get(lieu.url).content.decode()
        clock.move_to(change + dt.timedelta(seconds=1))
        now = client.get(lieu.url)
    assert now[HEADER] == "miss"
    label_before = lieu.opening_status(before).label
    label_after = lieu.opening_status(change + dt.timedelta(seconds=1)).label
    assert label_before != label_after
    assert label_before in was.replace("&#x27;", "'")
    assert label_after in now.content.decode().replace("&#x27;", "'")
