"""The editors' dashboard and the open-data aggregates of the audience measure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parvis.audience.models import SearchDayCount
from parvis.audience.selectors import audience_open_data, audience_weeks
from parvis.audience.services import page_view_count
from parvis.audience.tasks import audience_rollup_task
from parvis.core.roles import AGENTS, EDITORS

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def _staff(group: str) -> Client:
    user = User.objects.create_user(f"u-{group}", password="x-pass-42!")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(settings) -> Client:  # noqa: ANN001
    settings.PARVIS_REQUIRE_2FA = False
    return _staff(EDITORS)


def test_dashboard_counts_the_page_views_residents_made(editor):
    """Views made by real requests appear in the editors' dashboard, with top questions without
    an answer and the votes per answer."""
    resident = Client(HTTP_USER_AGENT=BROWSER)
    for _ in range(3):
        resident.get("/")
    resident.get("/recherche/", {"q": "xylophone municipal introuvable"})
    for helpful in ("oui", "oui", "oui", "oui", "non"):
        vote = {"q": "piscine", "id": "fiche:x", "helpful": helpful}
        assert resident.post("/recherche/avis/", vote).status_code == 303
    # Searches and votes are counted by the worker's scheduled job, not by the dashboard.
    assert "xylophone" not in editor.get("/admin/frequentation/").content.decode()
    audience_rollup_task.call()
    response = editor.get("/admin/frequentation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>/</td><td>3</td>" in html
    assert "xylophone municipal introuvable" in html
    assert "80 %" in html
    assert "no-store" in response["Cache-Control"]


def test_the_dashboard_writes_nothing(editor):
    """A GET of the dashboard only reads: no row of the audience tables is written."""
    Client(HTTP_USER_AGENT=BROWSER).get("/recherche/", {"q": "kiosque introuvable"})
    with CaptureQueriesContext(connection) as queries:
        assert editor.get("/admin/frequentation/", {"jours": "7"}).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "audience_" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not SearchDayCount.objects.exists()


def test_dashboard_is_for_editors_not_agents(settings):
    """Agents do not see the audience (it is the editors' tool)."""
    settings.PARVIS_REQUIRE_2FA = False
    assert _staff(AGENTS).get("/admin/frequentation/").status_code in (302, 403)


def test_weeks_sum_the_days_monday_first():
    """The weekly trend sums the days of each week, from Monday."""
    today = dt.date(2026, 3, 18)  # a Wednesday
    page_view_count(path="/a/", day=dt.date(2026, 3, 16))
    page_view_count(path="/b/", day=dt.date(2026, 3, 18))
    page_view_count(path="/a/", day=dt.date(2026, 3, 15))  # Sunday: the week before
    weeks = audience_weeks(weeks=2, today=today)
    assert [(w.monday, w.views) for w in weeks] == [
        (dt.date(2026, 3, 9), 1),
        (dt.date(2026, 3, 16), 2),
    ]


def test_open_data_hides_rows_below_the_threshold(settings):
    """A question searched fewer than 5 times in a month is not published; one searched 5 times
    over two days of the month is, as a monthly total."""
    settings.PARVIS_AUDIENCE_OPEN_DATA_MIN = 5
    nov2, nov3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
    SearchDayCount.objects.create(day=nov2, normalised="rare nom propre", count=4, answered=0)
    SearchDayCount.objects.create(day=nov2, normalised="piscine dimanche", count=3, answered=3)
    SearchDayCount.objects.create(day=nov3, normalised="piscine dimanche", count=2, answered=1)
    for _ in range(4):
        page_view_count(path="/rare/", day=nov2)
    for _ in range(5):
        page_view_count(path="/courant/", day=nov3)
    data = audience_open_data(today=dt.date(2026, 12, 1))
    assert data["searches"] == [
        {"month": "2026-11", "normalised": "piscine dimanche", "count": 5, "answered": 4}
    ]
    assert data["pages"] == [{"month": "2026-11", "path": "/courant/", "views": 5}]


def test_open_data_files_are_public_and_certified():
    """The CSV and JSON files answer at public addresses, with their proof linked."""
    for url in ("/frequentation/donnees.json", "/frequentation/donnees.csv"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert 'rel="describedby"' in response["Link"]
    for page in ("/frequentation/", "/en/frequentation/", "/engagements/", "/en/engagements/"):
        assert Client().get(page).status_code == 200, page
    home = Client().get("/").content.decode()
    assert 'href="/engagements/"' in home and 'href="/frequentation/"' in home
