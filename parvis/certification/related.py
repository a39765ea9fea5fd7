"""Pages that display another object, and their re-certification when that object changes.

A page's ``certified_display`` declares what it shows of other objects (a Fiche shows its
service's phone, its places' hours…). When such an object is published, unpublished or deleted,
every live page whose statement contains it is signed again, with the reason
``RELATED_REASON``, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction
from wagtail.models import Page

from parvis.certification.models import LogEntry

RELATED_REASON = "mise à jour d'une information liée"


def _paths(model: type[models.Model], spec: Any, prefix: str) -> Iterator[tuple[str, type]]:
    """(lookup path, model at its end) for every relation in ``spec``, nested ones included."""
    for item in spec:
        if not isinstance(item, tuple):
            continue
        name, nested = item
        related = model._meta.get_field(name).related_model
        path = f"{prefix}__{name}" if prefix else name
        yield path, related
        yield from _paths(related, nested, path)


def displaying_pages(*, obj: models.Model) -> list[Page]:
    """Live pages whose signed statement includes ``obj`` (ordered by id, each page once)."""
    target = type(obj)
    pages: dict[int, Page] = {}
    for model in apps.get_models():
        spec = getattr(model, "certified_display", None)
        if not spec or not issubclass(model, Page):
            continue
        for path, related in _paths(model, spec, ""):
            if issubclass(target, related) or issubclass(related, target):
                for page in model.objects.live().filter(**{path: obj.pk}).distinct():
                    pages.setdefault(page.pk, page)
    return [pages[pk] for pk in sorted(pages)]


def related_recertify(
    *, obj: models.Model, pages: list[Page] | None = None, exclude: int | None = None
) -> list[LogEntry]:
    """Sign again every live page that displays ``obj`` (or the given ``pages``), and purge
    them from the front cache (after commit) since what they show changed."""
    from parvis.certification.services import page_certify
    from parvis.core.pagecache import front_cache_purge

    entries = []
    urls = []
    with transaction.atomic():
        for page in displaying_pages(obj=obj) if pages is None else pages:
            if page.pk == exclude:
                continue
            page.refresh_from_db()
            if not page.live:
                continue
            entries.append(
                page_certify(page=page, revision_id=page.live_revision_id, reason=RELATED_REASON)
            )
            if url := page.get_full_url():
                urls.append(url)
    front_cache_purge(urls=urls)
    return entries
