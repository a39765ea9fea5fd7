"""Template tags for the public portal: navigation, breadcrumbs, opening status, pagination.

Every tag degrades quietly: a missing site, section or legal page renders nothing rather than
raising, because a navigation helper must never turn a page into an error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Site

from parvis.content.hours import format_hour
from parvis.core.interface import content_language, original_addresses
from parvis.core.published import published_memo
from parvis.core.typography import french_spacing

register = template.Library()

# Legal pages live under the site root with these slugs; template keys cannot hold hyphens.
LEGAL_SLUGS = {
    "accessibilite": "accessibilite",
    "mentions_legales": "mentions-legales",
    "donnees_personnelles": "donnees-personnelles",
}


def _site_root(request: HttpRequest | None) -> Page | None:
    """The site's root page in the active language, looked up once per request (the menu,
    the footer and the section links all ask for it)."""
    if request is None:
        return None
    language = get_language()
    cached = getattr(request, "_parvis_site_root", None)
    if cached is not None and cached[0] == language:
        return cached[1]
    site = Site.find_for_request(request)
    root = site.root_page.localized if site is not None else None
    request._parvis_site_root = (language, root)
    return root


def _default_root(request: HttpRequest | None) -> Page | None:
    """The site's root page in the default language (translations are partial: the sections
    and legal pages are found there, then shown in the reader's language when translated)."""
    if request is None:
        return None
    site = Site.find_for_request(request)
    return site.root_page if site is not None else None


# Sections served by the capabilities' own views, after the page sections (by URL name; an app
# that is not installed is left out).
APP_SECTIONS = (
    ("discovery:quartiers", gettext_lazy("Quartiers")),
    ("networks:agenda", gettext_lazy("Agenda")),
)


def _menu_sections(site: Site, request: HttpRequest) -> list[tuple[str, str, str]]:
    """(url, title, tree path) of the site root's live, public, in-menu sections, once per
    publication, site and language."""

    def build() -> list[tuple[str, str, str]]:
        # The sections of the default language, each in the reader's language when translated
        # (the active locale looked up once, not once per section as ``Page.localized`` does).
        active = Locale.get_active()
        sections = []
        for section in site.root_page.get_children().live().public().in_menu():
            child = section
            if section.locale_id != active.pk:
                child = section.get_translation_or_none(active) or section
            # The specific class links in the reader's interface (DefaultSiteUrlMixin); an
            # untranslated section is named by its translated label, not its French title.
            specific = child.specific_deferred
            title = child.title
            if child.locale_id != active.pk:
                title = getattr(specific, "section_label", None) or title
            sections.append((specific.get_url(request), str(title), child.path))
        return sections

    return published_memo(("menu", site.pk, get_language()), build)


@register.inclusion_tag("components/_main_nav.html", takes_context=True)
def portal_nav(context: template.Context) -> dict[str, Any]:
    """The site root's live, public, in-menu children, the current section marked."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    current = context.get("page")
    current_path = current.path if isinstance(current, Page) else None
    items = [
        {
            "url": url,
            "title": title,
            "current": current_path is not None and current_path.startswith(tree_path),
        }
        for url, title, tree_path in (_menu_sections(site, request) if site is not None else [])
    ]
    path = getattr(request, "path", "")
    for name, title in APP_SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the app is not installed
        items.append({"url": url, "title": title, "current": path.startswith(url)})
    return {"items": items, "request": request}


@register.simple_tag(takes_context=True)
def legal_pages(context: template.Context) -> dict[str, Page]:
    """The accessibility, legal notice and personal data pages found by slug under the root."""
    root = _default_root(context.get("request"))
    if root is None:
        return {}

    def build() -> dict[str, Page]:
        found = {
            p.slug: p for p in root.get_children().live().filter(slug__in=LEGAL_SLUGS.values())
        }
        # Each in the reader's language when it is translated.
        return {
            key: found[slug].localized.specific_deferred
            for key, slug in LEGAL_SLUGS.items()
            if slug in found
        }

    return published_memo(("legal-pages", root.pk, get_language()), build)


@register.simple_tag(takes_context=True)
def section_page(context: template.Context, model_name: str) -> Page | None:
    """The first live page of type ``model_name`` (e.g. "ficheindexpage") under the site root."""
    root = _default_root(context.get("request"))
    if root is None:
        return None

    def build() -> Page | None:
        found = root.get_children().live().filter(content_type__model=model_name.lower()).first()
        return found.localized.specific_deferred if found is not None else None

    return published_memo(("section-page", root.pk, model_name.lower(), get_language()), build)


@register.simple_tag
def breadcrumb_items(page: Page | None, request: HttpRequest | None) -> list[Page]:
    """Pages from the site root down to ``page`` included; just the root when there is no page."""
    root = _site_root(request)
    if root is None:
        return []
    if not isinstance(page, Page):
        return [root.specific_deferred]
    if not page.path.startswith(root.path):  # an untranslated page shown under /en/
        root = _default_root(request) or root
    if not page.pk:  # a new page's preview
        return [page]

    def ancestors() -> list[Page]:
        found = page.get_ancestors().filter(depth__gte=root.depth)
        # Specific classes, so that each crumb links in the reader's interface.
        return [a.specific_deferred for a in found.filter(path__startswith=root.path)]

    # The page itself as served (a preview shows its draft title), its ancestors as published.
    kept = published_memo(("breadcrumb", page.pk, root.pk), ancestors)
    return [*kept, page] if page.path.startswith(root.path) else [page]


@register.simple_tag
def opening_status(lieu: Any) -> Any:
    """``lieu.opening_status()`` now: ``.is_open`` and a French ``.label``."""
    return lieu.opening_status()


@register.simple_tag
def url_with_page(request: HttpRequest, number: int) -> str:
    """The current query string with ``page`` set to ``number``, other parameters kept."""
    query = request.GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def hour(value: dt.time | None) -> str:
    """French typography for a time of day: "9 h", "19 h 30"."""
    return "" if value is None else format_hour(value)


@register.filter
def tel_uri(phone: str) -> str:
    """A phone number as written by an editor ("02 40 41 90 00") → "tel:+33240419000"."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if digits.startswith("0") and len(digits) == 10:
        digits = "+33" + digits[1:]
    return f"tel:{digits}"


@register.filter
def model_name(obj: Any) -> str:
    """The lower-case model name of ``obj`` ("fichepage"), to pick a result's card."""
    meta = getattr(obj, "_meta", None)
    return meta.model_name if meta else ""


@register.filter
def verbose_name(obj: Any) -> str:
    """The translated verbose name of ``obj``'s model ("lieu", "récit") for result labels."""
    meta = getattr(obj, "_meta", None)
    return str(meta.verbose_name) if meta else ""


def _translation_url(page: Page, code: str, request: HttpRequest) -> str | None:
    """The address of ``page``'s live translation into ``code``, once per publication."""

    def build() -> str | None:
        locale = Locale.objects.filter(language_code=code).first()
        translation = page.get_translation_or_none(locale) if locale else None
        if translation is not None and translation.pk != page.pk and translation.live:
            with original_addresses():  # the translation's own address, not the interface's
                return translation.get_url(request)
        return None

    return published_memo(("translation-url", page.pk, code, request.get_host()), build)


@register.simple_tag(takes_context=True)
def language_links(context: template.Context, request: HttpRequest) -> list[dict[str, Any]]:
    """This page in each interface language: [{code, name, url, current}, …].

    A page translated into a language links to its translation (its own address there);
    any other address is the same path with the language's prefix.
    """
    current = get_language()
    page = context.get("page")
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code)
        if isinstance(page, Page) and page.pk:
            url = _translation_url(page, code, request) or url
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.inclusion_tag("components/_language_notice.html", takes_context=True)
def language_notice(context: template.Context) -> dict[str, Any]:
    """The one-line notice above a page shown in the default language (French) to a visitor
    of another interface (``/en/…``), with its French address."""
    page = context.get("page")
    if not isinstance(page, Page) or content_language(page) == get_language():
        return {}
    with original_addresses():
        url = page.get_url(context.get("request"))
    return {"original_url": url}


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    """The page's own full address for ``rel="canonical"``: a French page shown under ``/en/``
    is the French page (the English interface around it adds no content of its own)."""
    page = context.get("page")
    if not isinstance(page, Page):
        return ""
    with original_addresses():
        return page.get_full_url(context.get("request")) or ""


@register.filter(is_safe=True)
def nbsp_fr(value: str) -> str:
    """French punctuation kept with its word: no-break spaces before ; : ! ? » and after «.

    Applied to whole rendered blocks (``{% filter nbsp_fr %}``): the HTML stays as it is
    outside the text between tags.
    """
    result = french_spacing(str(value))
    return mark_safe(result) if isinstance(value, SafeString) else result  # noqa: S308 — input was safe


META_DESCRIPTION_CHARS = 300


@register.simple_tag(takes_context=True)
def meta_description(context: template.Context) -> str:
    """The page's description for search engines and link previews: its own (the editors'
    search description, a Fiche's short answer…), else its introduction or the start of its
    text, else a description of the portal for pages that are not Wagtail pages."""
    from parvis.core.text import html_to_text

    page = context.get("page")
    own = getattr(page, "get_meta_description", None)
    text = (own() if callable(own) else "") or getattr(page, "search_description", "")
    text = text or getattr(page, "intro", "") or html_to_text(getattr(page, "body", "") or "")
    if not text:
        text = _(
            "%(site)s : vos démarches, les lieux et leurs horaires, l'actualité, et des "
            "réponses à vos questions."
        ) % {"site": settings.WAGTAIL_SITE_NAME}
    text = " ".join(str(text).split())
    if len(text) > META_DESCRIPTION_CHARS:
        text = text[:META_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"
    return text
