"""Page views, searches and votes are counted on the server with nothing personal stored."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from parvis.audience.models import PageDayCount, SearchDayCount, UsefulDayCount
from parvis.audience.services import (
    audience_purge,
    audience_rollup,
    page_view_count,
    page_views_flush,
)

pytestmark = pytest.mark.django_db

CANARY_IP = "203.0.113.77"
CANARY_UA = "Mozilla/5.0 (X11; Linux x86_64) CanaryBrowser/7f3a"
CANARY_COOKIE = "cookie-canary-7f3a"
CANARY_EMAIL = "canary.email+7f3a@example.test"
CANARIES = ("203.0.113", "7f3a", "canarybrowser", "mozilla", CANARY_COOKIE, "example.test")


def _browser() -> Client:
    client = Client(HTTP_USER_AGENT=CANARY_UA, REMOTE_ADDR=CANARY_IP)
    client.cookies["tracking"] = CANARY_COOKIE
    return client


def _live_page_paths(limit: int = 3) -> list[str]:
    pages = Page.objects.live().public().filter(depth__gte=3).order_by("path").specific()[:limit]
    return [p.url for p in pages if p.url]


def _every_row_text() -> list[str]:
    """Every value of every row of every audience table and of the session table."""
    texts = []
    models = [*apps.get_app_config("audience").get_models(), Session]
    for model in models:
        for row in model.objects.values():
            texts.append(" ".join(str(v) for v in row.values()).lower())
    return texts


def test_views_searches_and_votes_are_counted_with_nothing_personal():
    """Real requests (pages, a search carrying an email, a vote) leave counts per day and page,
    and no row of the audience tables or the session table holds the IP, the user agent, the
    cookie, the email or any identifier."""
    browser = _browser()
    paths = ["/", *_live_page_paths()]
    pages = [browser.get(path) for path in paths]
    assert [r.status_code for r in pages] == [200] * len(paths)
    assert browser.get("/", {"utm_source": CANARY_EMAIL}).status_code == 200
    search = browser.get("/recherche/", {"q": f"carte d'identité {CANARY_EMAIL}"})
    assert search.status_code == 200
    vote = browser.post(
        "/recherche/avis/", {"q": "carte d'identité", "id": "fiche:canary-doc", "helpful": "non"}
    )
    assert vote.status_code == 303
    audience_rollup()

    today = timezone.localdate()
    views = dict(PageDayCount.objects.filter(day=today).values_list("path", "views"))
    assert views["/"] == 2  # the tracking parameter is not part of the page
    for path in paths[1:]:
        assert views[path] == 1
    assert views["/recherche/"] == 1
    assert SearchDayCount.objects.get(day=today, normalised__contains="carte").count == 1
    vote_row = UsefulDayCount.objects.get(day=today, document_key="fiche:canary-doc")
    assert (vote_row.helpful, vote_row.not_helpful) == (0, 1)

    rows = _every_row_text()
    assert rows, "the test must inspect rows"
    for text in rows:
        for canary in CANARIES:
            assert canary not in text, (canary, text)
    assert not Session.objects.exists()
    for response in pages:
        assert not response.cookies, "a content page, counted, sets no cookie"


def test_columns_of_the_audience_tables_can_hold_nothing_but_counts():
    """The tables have only a day, a page/question/answer and counts: no column for an address,
    a user agent, a session or a visitor."""
    for model in apps.get_app_config("audience").get_models():
        names = {f.name for f in model._meta.get_fields()}
        assert names <= {
            "id",
            "day",
            "path",
            "views",
            "normalised",
            "count",
            "answered",
            "document_key",
            "helpful",
            "not_helpful",
        }, names


def test_robots_agents_back_office_and_errors_are_not_counted(admin_client):
    """Robots (by a simple rule on the user agent, read and forgotten), prefetches, HEAD,
    logged-in agents, the back office and error pages add nothing."""
    Client(HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)").get("/")
    Client().get("/")  # no user agent at all
    Client(HTTP_USER_AGENT=CANARY_UA, HTTP_SEC_PURPOSE="prefetch").get("/")
    Client(HTTP_USER_AGENT=CANARY_UA).head("/")
    admin_client.get("/", HTTP_USER_AGENT=CANARY_UA)
    _browser().get("/admin/login/")
    assert _browser().get("/cette-page-n-existe-pas/").status_code == 404
    assert not PageDayCount.objects.exists()


def test_an_address_carrying_a_token_is_counted_under_its_route():
    """A view whose address carries a token or an id is counted under its pattern, never the
    token itself."""
    token = "secret-token-7f3a-canary"
    _browser().get(f"/confirmer-adresse/{token}/")
    paths = list(PageDayCount.objects.values_list("path", flat=True))
    assert all(token not in p for p in paths), paths
    assert paths == [] or paths == ["/confirmer-adresse/<str:token>/"]


def test_a_page_from_the_page_cache_is_counted(settings):
    """A page the page cache serves (a hit) counts as a view, like a freshly rendered one."""
    settings.PARVIS_PAGE_CACHE = True
    from parvis.content.models import RecitPage

    browser = _browser()
    path = RecitPage.objects.live().order_by("pk").first().url  # a story: nothing live on it
    first, second = browser.get(path), browser.get(path)
    assert second["X-Parvis-Cache"] == "hit", (first["X-Parvis-Cache"], second["X-Parvis-Cache"])
    assert PageDayCount.objects.get(path=path).views == 2


def test_a_database_error_never_costs_the_page(caplog):
    """When the count cannot be written the page is served all the same and the error logged."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE audience_pagedaycount")
    with caplog.at_level(logging.ERROR, logger="parvis.audience.middleware"):
        response = _browser().get("/")
    assert response.status_code == 200
    assert "could not be counted" in caplog.text


def test_views_of_one_day_add_up_on_one_row():
    """Each view is one increment of the row (day, page): no row per visit."""
    day = dt.date(2026, 3, 2)
    for _ in range(7):
        page_view_count(path="/x/", day=day)
    assert PageDayCount.objects.filter(path="/x/").count() == 1
    assert PageDayCount.objects.get(path="/x/").views == 7


def test_counts_are_deleted_after_25_months():
    """The daily purge deletes counts older than the CNIL's 25 months, and keeps the rest."""
    today = dt.date(2026, 12, 1)
    page_view_count(path="/old/", day=today - dt.timedelta(days=761))
    page_view_count(path="/recent/", day=today - dt.timedelta(days=759))
    assert audience_purge(today=today) == 1
    assert list(PageDayCount.objects.values_list("path", flat=True)) == ["/recent/"]


def test_buffered_views_are_written_together(settings):
    """With a flush period, views wait in memory (counts only) and are written in one go."""
    settings.PARVIS_AUDIENCE_FLUSH_SECONDS = 3600
    page_views_flush()
    browser = _browser()
    for _ in range(4):
        assert browser.get("/").status_code == 200
    assert not PageDayCount.objects.filter(path="/").exists()
    assert page_views_flush() == 4
    assert PageDayCount.objects.get(path="/").views == 4


def test_search_counts_outlive_the_purge_of_the_logs(settings):
    """Once the answers' logs of a day are purged, the day's counts stay as they were."""
    from parvis.answers.models import QueryLog
    from parvis.answers.services import query_log_record, query_logs_purge

    settings.PARVIS_ANSWERS_LOG_DAYS = 30
    today = timezone.localdate()
    old = timezone.now() - dt.timedelta(days=29)
    for _ in range(3):
        log = query_log_record(query="horaires piscine", result_count=0, confidence=0.0)
        QueryLog.objects.filter(pk=log.pk).update(created_at=old)
    audience_rollup(today=today)
    day = timezone.localtime(old).date()
    assert SearchDayCount.objects.get(day=day, normalised="horaires piscine").count == 3
    settings.PARVIS_ANSWERS_LOG_DAYS = 10
    query_logs_purge(older_than_days=10)
    audience_rollup(today=today)
    assert SearchDayCount.objects.get(day=day, normalised="horaires piscine").count == 3
