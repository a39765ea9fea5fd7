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


def on_page_unpublished(sender: type, instance: Page, **kwargs: Any) -> None:
    from parvis.federation.services import publication_withdraw

    publication_withdraw(page_id=instance.pk)


def on_page_deleted(sender: type, instance: Page, **kwargs: Any) -> None:
    from parvis.federation.services import publication_withdraw

    publication_withdraw(page_id=instance.pk)


def signals_connect() -> None:
    from django.db.models.signals import post_delete
    from wagtail.signals import page_published, page_unpublished

    page_published.connect(on_page_published, dispatch_uid="federation-published")
    # A page withdrawn from the portal is withdrawn from followers' timelines too.
    page_unpublished.connect(on_page_unpublished, dispatch_uid="federation-unpublished")
    post_delete.connect(
        on_page_deleted, sender="content.ActualitePage", dispatch_uid="federation-deleted"
    )
