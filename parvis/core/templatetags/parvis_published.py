"""``{% published_fragment "name" [value …] %}…{% endpublished_fragment %}``: a part of a page
template rendered once per publication, then reused for the next visitors of the same address.

``base.html`` wraps the site's chrome in two fragments: the header with the language switcher
and the menu; then the footer and the assistant's panel. The head, the breadcrumb, the messages
and the page's own content render at every request (keeping those too would be a page cache by
another name: ``core.pagecache`` is that, and can be switched off). A fragment may hold only what
is the same for every visitor of the address:

- never a variable set inside and used after the fragment;
- what changes with the clock (an opening status, the day's discovery list) only when it says
  so with ``page_cache_limit``: the fragment is then rendered again at that moment;
- what is a visitor's own is refused by the tag itself: no fragment is kept from a request that
  has handed out a CSRF token or a CSP nonce, nor one whose rendering read the session (a
  template edit that puts a form inside a fragment stays correct, only slower).

A fragment is keyed by the template being rendered, its name, the values given after the name,
the address (scheme, host, path), the language and the page. It is reused only when serving a
published page (not a preview) to a GET without a query string, session, messages,
credentials or personal cookie (the page cache's rule: the discovery choices live in such a
cookie), and otherwise rendered as if the tag were not there. See ``core.published`` for when
a kept fragment is forgotten (a publication, the page cache's TTL, its clock).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.template.base import FilterExpression, Parser, Token
from django.utils.translation import get_language
from wagtail.models import Page

from parvis.core.pagecache import cookies_allow_sharing
from parvis.core.published import published_fragment as keep_fragment

register = template.Library()


def fragment_shareable(request: Any, page: Any) -> bool:
    """Whether this request is served the same fragments as any other visitor of its address."""
    return (
        isinstance(request, HttpRequest)
        and isinstance(page, Page)
        and bool(page.pk)
        and page.live
        and not getattr(request, "is_preview", False)
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and cookies_allow_sharing(request)
    )


def _session_read(request: HttpRequest) -> bool:
    return bool(getattr(getattr(request, "session", None), "accessed", False))


class PublishedFragmentNode(template.Node):
    child_nodelists = ("nodelist",)  # blocks inside stay visible to {% extends %}

    def __init__(self, nodelist: template.NodeList, name: str, vary: list[FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        page = context.get("page")
        if not fragment_shareable(request, page):
            return self.nodelist.render(context)
        top = context.template.name if context.template is not None else ""
        key = (
            "fragment",
            top,
            self.origin.name if getattr(self, "origin", None) else "",
            self.name,
            request.scheme,
            request.get_host(),
            request.path,
            get_language(),
            page.pk,
            *(str(value.resolve(context)) for value in self.vary),
        )

        def render() -> tuple[str, bool]:
            session_read = _session_read(request)
            html = self.nodelist.render(context)
            token_or_nonce = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (
                getattr(request, "_csp_nonce", None) is not None
            )
            return html, not token_or_nonce and _session_read(request) == session_read

        return keep_fragment(key, render)


@register.tag("published_fragment")
def published_fragment_tag(parser: Parser, token: Token) -> PublishedFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(
            f'{bits[0]} needs a quoted name: {{% published_fragment "header" %}}'
        )
    nodelist = parser.parse(("endpublished_fragment",))
    parser.delete_first_token()
    return PublishedFragmentNode(
        nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]]
    )
