"""A cache of anonymous Wagtail page responses, cleared whenever what pages show changes.

Why our own (about 150 lines) rather than a library: wagtail-cache, the usual choice, supports
Wagtail < 8 only, sends its cache lifetime to browsers as ``max-age`` (a published correction
would stay invisible in browsers), caches CSRF pages per cookie and purges with ``clear()``,
which on Redis would flush the rate-limit counters too. Django's cache middleware has the same
browser ``max-age`` and keys on ``Vary: Cookie``. This module uses Django's cache framework
(the ``pages`` cache alias: Redis when ``REDIS_URL`` is set, otherwise files in ``var/cache``
shared by every worker of the machine) and decides itself what may be cached:

- only ``GET``/``HEAD`` of ``wagtail.views.serve``, with no query string (tracking parameters
  such as ``utm_source`` are ignored when reading, never when storing), without a session or
  messages cookie (so never for a logged-in editor, an anonymous visitor with a session, or a
  preview, which is served by the back office), nor with a cookie of
  ``PARVIS_PAGE_CACHE_SKIP_COOKIES`` (a person's own discovery choices);
- only 200 responses that render a Wagtail page without view restrictions, set no cookie,
  did not ask for a CSRF token and did not write to the session.

A hit returns the stored body from inside the middleware stack (this middleware is the last
one), so the request ID, the access log, CSP, HSTS and every other security header are
computed for each request as for a page rendered afresh. Browsers get no ``max-age``.

Invalidation is a whole-site clear: navigation, lists and the home page show other pages, so
one page's change touches many. The key embeds a *generation*, a random token kept in the same
cache; publishing, unpublishing, moving or deleting a page, changing its privacy, editing a
snippet, an image, a document or a site draws a new one, at once and again after the
transaction commits (a page rendered from the old rows during the commit is stored under the
dead generation). Entries also expire: ``PARVIS_PAGE_CACHE_TTL`` seconds, and less for pages
that show something that changes with the clock (opening status), which call
:func:`page_cache_limit` while rendering.

A front cache (the nginx of ``deploy/nginx``) may keep the same responses in front of Python when
``PARVIS_FRONT_CACHE_URL`` names its purge address: a page this module stores, or serves from
its store, carries ``X-Accel-Expires`` (what is left of its lifetime, at most
``PARVIS_FRONT_CACHE_TTL``), which nginx obeys and never forwards; nothing else does, so nginx
caches exactly what this module caches. Publishing, unpublishing or moving a page purges that
page, its ancestors (the lists that show it) and their English addresses from the front cache:
the publication's transaction queues a job that the task worker (``parvis worker``) runs with
Wagtail's frontend-cache backends, so the editor never waits on nginx; other pages a change
touches (a snippet shown on many pages) follow within ``PARVIS_FRONT_CACHE_TTL``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
HEADER = "X-Parvis-Cache"
FRONT_HEADER = "X-Accel-Expires"
_GENERATION_KEY = "generation"
# Query parameters that never change a page (campaign and analytics tags): a request carrying
# only these may read the copy of the bare URL.
_TRACKING_PARAM = re.compile(r"^(utm_\w+|mtm_\w+|pk_\w+|fbclid|gclid|msclkid|_ga|xtor)$")
# Seconds allowed for the page being rendered (None: the default TTL); see page_cache_limit().
_limit: ContextVar[list[float] | None] = ContextVar("parvis_page_cache_limit", default=None)


def page_cache_enabled() -> bool:
    return bool(getattr(settings, "PARVIS_PAGE_CACHE", False))


def page_cache_limit(seconds: float) -> None:
    """Keep the page being rendered in the cache for at most ``seconds`` (0: do not cache it).

    Called by whatever renders something the clock changes, e.g. a place's opening status.
    Outside a cached page's rendering it does nothing.
    """
    holder = _limit.get()
    if holder is not None:
        holder.append(max(0.0, seconds))


@contextmanager
def page_cache_limits_collect() -> Iterator[list[float]]:
    """Collect the limits (:func:`page_cache_limit`) of what is rendered inside the block, and
    only them, into the list it yields; the caller passes on whatever the enclosing page needs
    (``core.published`` keeps a fragment no longer than its clock allows)."""
    holder: list[float] = []
    token = _limit.set(holder)
    try:
        yield holder
    finally:
        _limit.reset(token)


def page_cache_invalidate(**_signal_kwargs: Any) -> None:
    """Forget every cached page now, and again once the current transaction commits.

    Accepts and ignores signal arguments, so it can be connected to signals directly.
    """
    page_cache_forget()
    transaction.on_commit(page_cache_forget)


def page_cache_forget() -> None:
    """Forget every cached page now (a new generation), whatever transaction is open."""
    from parvis.core.published import generation_forget

    try:
        caches[CACHE_ALIAS].set(_GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # an unreachable cache must not fail a publication
        logger.exception("page cache: could not draw a new generation")
    generation_forget()


def page_cache_generation() -> str:
    """The current publication generation, shared by every process (see the module)."""
    cache = caches[CACHE_ALIAS]
    generation = cache.get(_GENERATION_KEY)
    if generation is None:  # evicted or first start: a fresh token never revives old entries
        cache.add(_GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(_GENERATION_KEY)
    return str(generation)


def cookies_allow_sharing(request: HttpRequest) -> bool:
    """False for a request whose page may be its own: a session (an editor, a visitor who wrote
    something), messages, credentials or a person's choices (the page cache and
    ``core.published``'s fragments are shared only with requests that have none)."""
    personal = getattr(settings, "PARVIS_PAGE_CACHE_SKIP_COOKIES", [])
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
        or any(name.strip() in request.COOKIES for name in personal)
    )


def _query_kind(request: HttpRequest) -> str | None:
    """ "bare" (no query), "tracking" (only tracking tags) or None (anything else)."""
    if not request.META.get("QUERY_STRING"):
        return "bare"
    if request.GET and all(_TRACKING_PARAM.match(name) for name in request.GET):
        return "tracking"
    return None


def _key(request: HttpRequest, generation: str) -> str:
    identity = "|".join(
        [request.scheme, request.get_host(), request.path, translation.get_language() or ""]
    )
    return f"{generation}:{hashlib.sha256(identity.encode()).hexdigest()}"


def _storable_ttl(request: HttpRequest, response: HttpResponseBase, limits: list[float]) -> int:
    """Seconds to keep ``response`` for, or 0 when it must not be cached."""
    from wagtail.models import Page

    if response.status_code != 200 or response.streaming or response.cookies:
        return 0
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        return 0
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return 0
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return 0
    context = getattr(response, "context_data", None)
    page = context.get("page") if isinstance(context, dict) else None
    if not isinstance(page, Page) or page.get_view_restrictions().exists():
        return 0
    return int(min([settings.PARVIS_PAGE_CACHE_TTL, *limits]))


class PageCacheMiddleware:
    """Serves and stores anonymous Wagtail pages; must be the last middleware (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response = self.get_response(request)
            limits = _limit.get() or []
        finally:
            state = getattr(request, "_page_cache", None)
            if state is not None and state[2] is not None:
                _limit.reset(state[2])
        if state is None:
            return response
        outcome, key, _token = state
        if outcome == "miss":
            ttl = _storable_ttl(request, response, limits)
            if ttl > 0 and key is not None:
                self._store(key, response, ttl)
                _front_cache_allow(response, ttl)
            else:
                outcome = "skip"
        patch_vary_headers(response, ("Cookie",))  # an editor's cookie changes the page
        response[HEADER] = outcome
        request.page_cache = outcome  # type: ignore[attr-defined]  # for the access log
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        from wagtail.views import serve

        if not page_cache_enabled() or view_func is not serve:
            return None
        if request.method not in ("GET", "HEAD") or not cookies_allow_sharing(request):
            return None
        query = _query_kind(request)
        if query is None:
            return None
        try:
            key = _key(request, page_cache_generation())
            stored = caches[CACHE_ALIAS].get(key)
        except Exception:  # a cache outage degrades to rendering, never to an error page
            logger.exception("page cache: read failed")
            return None
        if stored is not None:
            request._page_cache = ("hit", None, None)  # type: ignore[attr-defined]
            response = self._rebuild(stored)
            if query == "bare" and "expires" in stored:
                _front_cache_allow(response, int(stored["expires"] - time.time()))
            return response
        token = _limit.set([])
        request._page_cache = (  # type: ignore[attr-defined]
            "miss",
            key if query == "bare" else None,
            token,
        )
        return None

    @staticmethod
    def _store(key: str, response: HttpResponseBase, ttl: int) -> None:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("vary", "set-cookie", HEADER.lower(), FRONT_HEADER.lower())
        ]
        stored = {"content": response.content, "headers": headers, "expires": time.time() + ttl}
        try:
            caches[CACHE_ALIAS].set(key, stored, timeout=ttl)
        except Exception:
            logger.exception("page cache: write failed")

    @staticmethod
    def _rebuild(stored: dict[str, Any]) -> HttpResponse:
        response = HttpResponse(stored["content"])
        for name, value in stored["headers"]:
            response[name] = value
        return response


def _front_cache_allow(response: HttpResponseBase, seconds: int) -> None:
    """Let the front cache keep ``response`` for ``seconds`` (bounded), when there is one."""
    if settings.PARVIS_FRONT_CACHE_URL and seconds > 0:
        response[FRONT_HEADER] = str(min(seconds, settings.PARVIS_FRONT_CACHE_TTL))


def front_cache_purge(*, urls: list[str]) -> None:
    """Purge ``urls`` and their English addresses from the front cache, by the task worker.

    The job is queued in the database queue inside the caller's transaction: it exists if and
    only if the publication committed, and the editor's request never waits on the front
    cache's HTTP answers (``parvis worker`` sends them, with Wagtail's frontend-cache backend).
    """
    if not settings.PARVIS_FRONT_CACHE_URL or not urls:
        return
    from urllib.parse import urlsplit, urlunsplit

    from parvis.core.tasks import front_cache_purge_task

    every = []
    for url in urls:
        parts = urlsplit(url)
        every += [url, urlunsplit(parts._replace(path="/en" + parts.path))]
    front_cache_purge_task.enqueue(urls=sorted(set(every)))


def front_cache_purge_now(urls: list[str]) -> None:
    """Send the purge requests (the task worker's side of ``front_cache_purge``)."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    purge_urls_from_cache(urls)


def _front_cache_purge_page(instance: Any = None, **_kwargs: Any) -> None:
    from wagtail.models import Page

    if not settings.PARVIS_FRONT_CACHE_URL or not isinstance(instance, Page):
        return
    pages = [instance, *instance.get_ancestors().filter(depth__gte=2)]
    front_cache_purge(urls=[url for page in pages if (url := page.get_full_url())])


def _shown_on_pages(model: type) -> bool:
    """Whether saving or deleting a ``model`` row can change what a page shows."""
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import BaseViewRestriction, Locale, Site
    from wagtail.snippets.models import get_snippet_models

    return (
        issubclass(model, (BaseViewRestriction, AbstractImage, AbstractDocument, Site, Locale))
        or model in get_snippet_models()
    )


_shown_cache: dict[type, bool] = {}


def _on_row_change(sender: type, **kwargs: Any) -> None:
    from wagtail.models import Page

    if kwargs.get("raw"):  # fixtures loading
        return
    shown = _shown_cache.get(sender)
    if shown is None:
        shown = _shown_cache[sender] = _shown_on_pages(sender)
    deleted_page = kwargs.get("signal") is post_delete and issubclass(sender, Page)
    if shown or deleted_page:
        page_cache_invalidate()


def page_cache_connect() -> None:
    """Connect the invalidation to Wagtail's page signals and to every row pages display.

    Pages are covered by publish, unpublish, move and delete (a draft save changes nothing
    public); snippets, images, documents, sites, locales and view restrictions by any save or
    delete. Apps whose own rows appear on pages connect them to ``page_cache_invalidate``.
    """
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(page_cache_invalidate, dispatch_uid="pagecache-published")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_front_cache_purge_page, dispatch_uid=f"frontcache-{id(signal)}")
    page_unpublished.connect(page_cache_invalidate, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(page_cache_invalidate, dispatch_uid="pagecache-moved")
    post_save.connect(_on_row_change, dispatch_uid="pagecache-row-saved")
    post_delete.connect(_on_row_change, dispatch_uid="pagecache-row-deleted")
