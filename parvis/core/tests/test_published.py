"""What pages keep once per publication (core.published): kept, and forgotten at once when
anything they show is published, in this process or in another one."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.db import transaction

from parvis.answers.models import SearchDocument
from parvis.content.models import FichePage, LieuPage
from parvis.core.pagecache import page_cache_generation
from parvis.core.published import published_memo

pytestmark = pytest.mark.django_db


@pytest.fixture
def uncached(settings):  # noqa: ANN001, ANN201 — pytest-django's settings
    """Pages rendered for each request (the page cache off), as the benchmark measures them."""
    settings.PARVIS_PAGE_CACHE = False
    return settings


def new_request(client) -> None:  # noqa: ANN001
    """A request, which reads the generation afresh (the test client's, over the middleware)."""
    assert client.get("/healthz").status_code == 200


def frequent_questions(client) -> str:  # noqa: ANN001
    """The home page's "Questions fréquentes" section (other sections link to Fiches too)."""
    html = client.get("/").content.decode()
    return html.split('id="pv-faq"', 1)[1].split("</section>", 1)[0]


def test_a_value_is_built_once_until_the_next_publication(client) -> None:  # noqa: ANN001
    built = []

    def build() -> int:
        built.append(1)
        return len(built)

    new_request(client)
    assert published_memo(("test-value",), build) == 1
    new_request(client)
    assert published_memo(("test-value",), build) == 1
    FichePage.objects.live().first().save_revision().publish()
    new_request(client)
    assert published_memo(("test-value",), build) == 2


def test_a_publication_in_another_process_is_seen_at_the_next_request(client) -> None:  # noqa: ANN001
    built = []
    new_request(client)
    published_memo(("test-other-process",), lambda: built.append(1))
    before = page_cache_generation()
    # Another worker of the same machine publishes: it draws a new generation in the shared store.
    code = (
        "import django; django.setup(); "
        "from parvis.core.pagecache import page_cache_forget, page_cache_generation; "
        "page_cache_forget(); print(page_cache_generation())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    published_memo(("test-other-process",), lambda: built.append(1))
    assert len(built) == 1  # within the same request, the generation read at its start holds
    new_request(client)
    assert page_cache_generation() == other != before
    published_memo(("test-other-process",), lambda: built.append(1))
    assert len(built) == 2


def test_nothing_is_kept_inside_a_transaction_that_could_roll_back(client) -> None:  # noqa: ANN001
    built = []
    new_request(client)
    with transaction.atomic():
        published_memo(("test-atomic",), lambda: built.append(1))
        published_memo(("test-atomic",), lambda: built.append(1))
    assert len(built) == 2


def test_an_indexed_object_saved_draws_a_new_generation() -> None:
    before = page_cache_generation()
    document = SearchDocument.objects.exclude(url="").first()
    document.title = "Un titre retouché"
    document.save()
    assert page_cache_generation() != before


def test_a_fiche_newly_featured_appears_on_the_uncached_home_page(client, uncached) -> None:  # noqa: ANN001
    fiche = FichePage.objects.live().filter(featured=False).first()
    link = f'href="{fiche.url}"'
    assert link not in frequent_questions(client)
    fiche.featured = True
    fiche.title = "A la une en premier"  # first by title: the home page shows eight
    fiche.save_revision().publish()
    assert link in frequent_questions(client)


def test_a_renamed_section_is_renamed_in_the_menu_at_once(client, uncached) -> None:  # noqa: ANN001
    section = FichePage.objects.live().first().get_parent().specific
    client.get("/")
    section.title = "Toutes les démarches pas à pas"
    section.save_revision().publish()
    assert "Toutes les démarches pas à pas" in client.get("/").content.decode()


def test_an_unpublished_page_is_no_longer_served_nor_listed(client, uncached) -> None:  # noqa: ANN001
    fiche = FichePage.objects.live().filter(featured=True).order_by("title").first()
    url = fiche.url
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in frequent_questions(client)
    fiche.unpublish()
    assert client.get(url).status_code == 404
    assert f'href="{url}"' not in frequent_questions(client)


def test_new_opening_hours_show_at_once(client, uncached) -> None:  # noqa: ANN001
    lieu = LieuPage.objects.live().filter(opening_rules__isnull=False).distinct().first()
    assert "7 h 05" not in client.get(lieu.url).content.decode()
    rule = lieu.opening_rules.first()
    rule.opens = dt.time(7, 5)
    rule.save()
    lieu.save_revision().publish()
    assert "7 h 05" in client.get(lieu.url).content.decode()


@pytest.mark.parametrize(
    ("name", "most"),
    [("home", 6), ("fiche", 10), ("lieu", 7)],
)
def test_an_uncached_page_renders_with_few_queries(
    client,  # noqa: ANN001
    uncached,  # noqa: ANN001
    django_assert_max_num_queries,  # noqa: ANN001
    name: str,
    most: int,
) -> None:
    """A regression guard: the published lists, menu, routes and discovery catalogue are not
    read again for each visitor (43, 40 and 34 queries before)."""
    url = {
        "home": "/",
        "fiche": FichePage.objects.live().filter(places__isnull=False).first().url,
        "lieu": LieuPage.objects.live().filter(opening_rules__isnull=False).first().url,
    }[name]
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
