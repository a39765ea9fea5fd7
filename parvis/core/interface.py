"""The visitor's interface language, for links that must stay in it.

A public request under a language prefix (``/en/…``) is served "in the English interface":
everything it links to stays under ``/en/``, whether or not the content itself is translated
(see docs/architecture.md, "Languages"). The language is held in a context variable set by
``InterfaceLanguageMiddleware`` for public requests only: the back office activates its
editor's language too, and a page published there must keep its French address (it is the
signed one, the indexed one and the purged one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import translation

from parvis.core.expiring import Expiring


@dataclass
class Interface:
    """The interface language of the request being served, and what it looked up once."""

    language: str
    cache: dict[Any, Any] = field(default_factory=dict)


_interface: ContextVar[Interface | None] = ContextVar("parvis_interface", default=None)


def interface() -> Interface | None:
    """The interface of the public request being served when it is not in the default
    language, else None (French pages, the back office, the worker, the shell)."""
    return _interface.get()


def interface_language() -> str | None:
    """The non-default interface language of the public request being served, or None."""
    current = _interface.get()
    return current.language if current is not None else None


@contextmanager
def interface_in(language: str | None) -> Iterator[None]:
    """Serve in ``language``'s interface (None: the default one) inside the block; also the
    language Django translates to."""
    default = settings.LANGUAGE_CODE
    token = _interface.set(Interface(language) if language and language != default else None)
    try:
        with translation.override(language or default):
            yield
    finally:
        _interface.reset(token)


@contextmanager
def original_addresses() -> Iterator[None]:
    """Inside the block, pages give their own address (a canonical link, a signed path), not
    the one that keeps the visitor in the interface language."""
    token = _interface.set(None)
    try:
        yield
    finally:
        _interface.reset(token)


def localize_path(url: str) -> str:
    """``url`` as it is reached in the interface language: an address of the portal served in
    every language (``/signalements/``, a page's ``/demarches/…``) gets the language prefix;
    other sites' addresses, language-neutral ones (``/sitemap.xml``, the transparency log,
    files) and addresses already in the language are returned as they are."""
    language = interface_language()
    if not language or not url:
        return url
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return url
    if parts.path == f"/{language}" or parts.path.startswith(f"/{language}/"):
        return url
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(url, language)


class InterfaceLanguageMiddleware:
    """Marks a request under a non-default language prefix as served in that interface.

    After Django's LocaleMiddleware, which activates the language from the same prefix.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info)
        if not language or language == settings.LANGUAGE_CODE:
            return self.get_response(request)
        token = _interface.set(Interface(language))
        try:
            return self.get_response(request)
        finally:
            _interface.reset(token)


def _locale_languages() -> dict[int, str]:
    from wagtail.models import Locale

    return dict(Locale.objects.values_list("pk", "language_code"))


# Locales are added by an administrator, rarely: other processes see one within a minute.
_locales = Expiring(_locale_languages, ttl=60.0)


def content_language(obj: Any) -> str:
    """The language ``obj``'s own words are written in: a page's locale, else the default
    language (places, quartiers, groups, reports and the answer index are written in French)."""
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return settings.LANGUAGE_CODE
    return _locales.get().get(locale_id) or settings.LANGUAGE_CODE


def foreign_language(obj: Any) -> str | None:
    """The language ``obj``'s words are written in when it is not the one being served, else
    None (a quartier's name under /en/: "fr")."""
    language = content_language(obj)
    if language == (translation.get_language() or settings.LANGUAGE_CODE):
        return None
    return language


def lang_attribute(obj: Any) -> str:
    """`` lang="fr"`` when ``obj``'s words are not in the language being served, else ""."""
    language = foreign_language(obj)
    return f' lang="{language}"' if language else ""
