"""Wagtail's publish hooks → signed log entries, inside the publishing transaction."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from parvis.certification.services import page_certify, page_uncertify


def on_page_published(sender: type, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    if not instance.live:  # scheduled for later: signed when `publish_scheduled` makes it live
        return
    page_certify(page=instance, revision_id=getattr(revision, "pk", None))


def on_page_unpublished(sender: type, instance: Page, **kwargs: Any) -> None:
    reason = "expiration" if getattr(instance, "expired", False) else "dépublication"
    page_uncertify(page=instance, reason=reason)
