"""Page URLs when one install serves several sites (the métropole's and each commune's), and
in the visitor's interface language."""

from __future__ import annotations

from typing import Any

from wagtail.models import Locale, Page, Site

from parvis.core.expiring import Expiring
from parvis.core.interface import interface, localize_path


def _default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first()


# Sites change when an administrator adds a commune: other processes see it within a minute.
_default = Expiring(_default_site, ttl=60.0)


def translation_for_interface(page: Page) -> Page | None:
    """``page``'s live translation in the interface language of the request being served
    (the locale's live pages are read once per request), or None: no translation, or no such
    interface."""
    current = interface()
    if current is None:
        return None
    cache = current.cache
    if "locale" not in cache:
        cache["locale"] = Locale.objects.filter(language_code=current.language).first()
    locale = cache["locale"]
    if locale is None or page.locale_id == locale.pk:
        return None
    if "translations" not in cache:
        # Every live page of the locale in one query (translations are the pages an editor
        # chose to translate), rather than one query per link on the page.
        live = Page.objects.live().filter(locale=locale).only("translation_key", "url_path")
        cache["translations"] = {p.translation_key: p for p in live}
    return cache["translations"].get(page.translation_key)


class DefaultSiteUrlMixin:
    """Without a request, link a page as seen from the default (metropolitan) site; in the
    English interface, link it where the visitor stays in English.

    With one site Wagtail's ``page.url`` is the path; with several it becomes absolute for every
    page (``http://127.0.0.1:8000/demarches/…``), which breaks links and index entries as soon as
    a commune has its site. A page of the default site keeps its path; a commune's page its full
    URL. With a request, Wagtail's own rule (relative to the request's site) applies.

    Served under ``/en/`` (``parvis.core.interface``), a page links to its English translation
    when it has a live one, else to its own address under ``/en/`` (``/en/demarches/…``), where
    ``LocaleFallbackMixin`` serves the French page with the English interface. Outside a public
    English request (back office, worker, signing, indexing) nothing changes.
    """

    def get_url(self, request: Any = None, current_site: Any = None) -> str | None:
        if request is None and current_site is None:
            current_site = _default.get()
        return super().get_url(request=request, current_site=current_site)  # type: ignore[misc]

    # Wagtail binds ``url`` to its own get_url: bind it to this one.
    url = property(get_url)

    def get_url_parts(self, request: Any = None) -> Any:
        if interface() is None:
            return super().get_url_parts(request)  # type: ignore[misc]
        translation = translation_for_interface(self)  # type: ignore[arg-type]
        if translation is not None:
            return translation.get_url_parts(request)
        parts = super().get_url_parts(request)  # type: ignore[misc]
        if not parts or parts[2] is None:
            return parts
        site_id, root_url, path = parts
        return site_id, root_url, localize_path(path)
