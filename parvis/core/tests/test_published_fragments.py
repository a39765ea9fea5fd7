"""Parts of page templates kept once per publication (``{% published_fragment %}``): reused for
the next visitor of the same address, rendered afresh after a publication or when what they
show changes with the clock, and never shared with a request that may see a page of its own;
and Wagtail's site and view-restriction lookups, kept the same way."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import engines
from django.test import RequestFactory
from django.utils.html import escape
from wagtail.models import PageViewRestriction, Site

from parvis.content.models import FichePage, LieuPage
from parvis.core.pagecache import page_cache_limit, page_cache_limits_collect

pytestmark = pytest.mark.django_db

FRAGMENT = (
    "{% load parvis_published %}"
    '{% published_fragment "test" %}[{{ value }}]{% endpublished_fragment %} {{ value }}'
)
WITH_STATUS = (
    "{% load parvis_published parvis_tags %}"
    '{% published_fragment "status" %}{% opening_status lieu as status %}[{{ value }}]'
    "{% endpublished_fragment %}"
)


def render(source: str, request, page, value: str, **context) -> str:  # noqa: ANN001
    template = engines["django"].from_string(source)
    return template.render({"page": page, "value": value, **context}, request)


def fiche() -> FichePage:
    return FichePage.objects.live().first()


def test_a_fragment_is_rendered_once_then_reused_for_the_same_address() -> None:
    page = fiche()
    request = RequestFactory().get(page.url)
    assert render(FRAGMENT, request, page, "a") == "[a] a"
    assert render(FRAGMENT, RequestFactory().get(page.url), page, "b") == "[a] b"
    other = RequestFactory().get(page.url + "autre/")  # another address: its own fragment
    assert render(FRAGMENT, other, page, "c") == "[c] c"


def test_a_publication_renders_every_fragment_afresh() -> None:
    page = fiche()
    assert render(FRAGMENT, RequestFactory().get(page.url), page, "a") == "[a] a"
    LieuPage.objects.live().first().save_revision().publish()
    assert render(FRAGMENT, RequestFactory().get(page.url), page, "b") == "[b] b"


@pytest.mark.parametrize(
    "variant", ["query string", "session", "personal choices", "preview", "post", "not a page"]
)
def test_a_request_that_may_see_its_own_page_renders_everything(variant: str) -> None:
    page = fiche()
    factory = RequestFactory()
    render(FRAGMENT, factory.get(page.url), page, "kept")  # what other visitors share
    request = factory.post(page.url) if variant == "post" else factory.get(page.url)
    if variant == "query string":
        request = factory.get(page.url, {"q": "x"})
    elif variant == "session":
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    elif variant == "personal choices":
        request.COOKIES[settings.PARVIS_PAGE_CACHE_SKIP_COOKIES[0]] = "q=1"
    elif variant == "preview":
        request.is_preview = True
    shown = None if variant == "not a page" else page
    assert render(FRAGMENT, request, shown, "own") == "[own] own"


@pytest.mark.parametrize(
    "own", ["{% csrf_token %}", "{{ request.csp_nonce }}", "{{ request.session.x }}"]
)
def test_a_fragment_holding_something_of_the_visitors_own_is_not_kept(own: str) -> None:
    page = fiche()
    source = (
        "{% load parvis_published %}"
        f'{{% published_fragment "own" %}}{own}[{{{{ value }}}}]{{% endpublished_fragment %}}'
    )

    def request():  # noqa: ANN202 — what the middleware gives a view
        from django.contrib.sessions.backends.db import SessionStore
        from django.utils.functional import SimpleLazyObject

        made = RequestFactory().get(page.url)
        made.session = SessionStore()
        made.csp_nonce = SimpleLazyObject(lambda: setattr(made, "_csp_nonce", "n0nce") or "n0nce")
        return made

    assert render(source, request(), page, "a").endswith("[a]")
    assert render(source, request(), page, "b").endswith("[b]")


def test_a_fragment_showing_the_clock_lives_no_longer_than_it_allows(settings) -> None:  # noqa: ANN001
    lieu = LieuPage.objects.live().filter(opening_rules__isnull=False).first()
    url = RequestFactory().get(lieu.url)
    # An opening status allows at most PARVIS_PAGE_CACHE_LIVE_TTL seconds.
    settings.PARVIS_PAGE_CACHE_LIVE_TTL = 0
    assert render(WITH_STATUS, url, lieu, "a", lieu=lieu) == "[a]"
    assert render(WITH_STATUS, url, lieu, "b", lieu=lieu) == "[b]"
    settings.PARVIS_PAGE_CACHE_LIVE_TTL = 60
    assert render(WITH_STATUS, url, lieu, "c", lieu=lieu) == "[c]"
    # Kept, and the enclosing page still learns how long it may be cached, rendered or reused.
    with page_cache_limits_collect() as limits:
        assert render(WITH_STATUS, url, lieu, "d", lieu=lieu) == "[c]"
    assert limits and 0 < min(limits) <= 60


def test_no_fragment_outlives_the_page_caches_lifetime(settings) -> None:  # noqa: ANN001
    settings.PARVIS_PAGE_CACHE_TTL = 0
    page = fiche()
    assert render(FRAGMENT, RequestFactory().get(page.url), page, "a") == "[a] a"
    assert render(FRAGMENT, RequestFactory().get(page.url), page, "b") == "[b] b"


def test_the_clock_limits_of_a_rendered_fragment_reach_the_page() -> None:
    page = fiche()
    source = (
        "{% load parvis_published %}"
        '{% published_fragment "limited" %}{{ limit }}{% endpublished_fragment %}'
    )
    with page_cache_limits_collect() as limits:
        render(source, RequestFactory().get(page.url), page, "", limit=Limit(30))
    assert limits == [30]


class Limit:
    """A value whose rendering changes with the clock within ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __str__(self) -> str:
        page_cache_limit(self.seconds)
        return "limited"


def test_a_republished_fiche_shows_its_new_answer_at_once(client, settings) -> None:  # noqa: ANN001
    settings.PARVIS_PAGE_CACHE = False
    page = fiche()
    client.get(page.url)
    client.get(page.url)
    page.short_answer = "Une réponse courte toute neuve."
    page.save_revision().publish()
    assert "Une réponse courte toute neuve." in client.get(page.url).content.decode()


def test_the_english_interface_is_not_served_the_french_fragments(client, settings) -> None:  # noqa: ANN001
    settings.PARVIS_PAGE_CACHE = False
    page = fiche()
    french = client.get(page.url).content.decode()
    english = client.get("/en" + page.url).content.decode()
    assert 'aria-label="Menu principal"' in french
    assert 'aria-label="Menu principal"' not in english


def test_a_page_made_private_stops_being_served_at_once(client, settings) -> None:  # noqa: ANN001
    settings.PARVIS_PAGE_CACHE = False
    page = fiche()
    assert page.short_answer[:30] in client.get(page.url).content.decode()
    restriction = PageViewRestriction.objects.create(
        page=page.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password="pw-1"
    )
    assert page.short_answer[:30] not in client.get(page.url).content.decode()
    restriction.delete()
    assert page.short_answer[:30] in client.get(page.url).content.decode()


def test_a_site_moved_to_another_root_is_seen_at_the_next_request(client, settings) -> None:  # noqa: ANN001
    settings.PARVIS_PAGE_CACHE = False
    site = Site.objects.get(hostname="reze.localhost")
    host = {"HTTP_HOST": f"{site.hostname}:{site.port}"}
    before = client.get("/", **host).content.decode()
    other = Site.objects.get(hostname="orvault.localhost").root_page
    assert escape(other.title) not in before
    site.root_page = other
    site.save()
    assert escape(other.title) in client.get("/", **host).content.decode()
