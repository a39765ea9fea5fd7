"""Wagtail's publish hooks → signed log entries, inside the publishing transaction."""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.models import DraftStateMixin, Page

from parvis.certification.related import displaying_pages, related_recertify
from parvis.certification.services import page_certify, page_uncertify


def on_page_published(sender: type, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    if not instance.live:  # scheduled for later: signed when `publish_scheduled` makes it live
        return
    page_certify(page=instance, revision_id=getattr(revision, "pk", None))
    related_recertify(obj=instance.specific, exclude=instance.pk)


def on_page_unpublished(sender: type, instance: Page, **kwargs: Any) -> None:
    reason = "expiration" if getattr(instance, "expired", False) else "dépublication"
    page_uncertify(page=instance, reason=reason)
    related_recertify(obj=instance.specific, exclude=instance.pk)


def on_object_published(sender: type, instance: models.Model, **kwargs: Any) -> None:
    """A snippet (service, theme…) was published or unpublished: pages showing it are re-signed."""
    if not isinstance(instance, Page):  # pages have their own hooks above
        related_recertify(obj=instance)


def on_object_deleting(sender: type, instance: models.Model, **kwargs: Any) -> None:
    """Remember which pages display an object about to be deleted (its links go with it)."""
    if isinstance(instance, DraftStateMixin) and not isinstance(instance, Page):
        instance._certified_pages = displaying_pages(obj=instance)


def on_object_deleted(sender: type, instance: models.Model, **kwargs: Any) -> None:
    pages = getattr(instance, "_certified_pages", None)
    if pages:
        related_recertify(obj=instance, pages=pages)
