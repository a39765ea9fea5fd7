"""Announce a news page to the fediverse when Wagtail publishes it."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page


def on_page_published(sender: type, instance: Page, **kwargs: Any) -> None:
    from parvis.content.models import ActualitePage
    from parvis.federation.services import publication_announce

    page = instance.specific
    if not isinstance(page, ActualitePage) or page.get_view_restrictions().exists():
        return
    # In the publishing transaction: the deliveries commit with the page, and the worker
    # sends them once it has committed.
    publication_announce(page=page)


def signals_connect() -> None:
    from wagtail.signals import page_published

    page_published.connect(on_page_published, dispatch_uid="federation-published")
