"""Page URLs when one install serves several sites (the métropole's and each commune's)."""

from __future__ import annotations

from typing import Any

from wagtail.models import Site

from parvis.core.expiring import Expiring


def _default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first()


# Sites change when an administrator adds a commune: other processes see it within a minute.
_default = Expiring(_default_site, ttl=60.0)


class DefaultSiteUrlMixin:
    """Without a request, link a page as seen from the default (metropolitan) site.

    With one site Wagtail's ``page.url`` is the path; with several it becomes absolute for every
    page (``http://127.0.0.1:8000/demarches/…``), which breaks links and index entries as soon as
    a commune has its site. A page of the default site keeps its path; a commune's page its full
    URL. With a request, Wagtail's own rule (relative to the request's site) applies.
    """

    def get_url(self, request: Any = None, current_site: Any = None) -> str | None:
        if request is None and current_site is None:
            current_site = _default.get()
        return super().get_url(request=request, current_site=current_site)  # type: ignore[misc]

    # Wagtail binds ``url`` to its own get_url: bind it to this one.
    url = property(get_url)
