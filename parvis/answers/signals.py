"""Keep the index in step with publication (decoupled index invalidation).

Indexing a page is a few milliseconds of lexical work; it runs in a savepoint so that an
indexing failure is logged and never blocks an editor's publish, unpublish or delete.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

logger = logging.getLogger(__name__)


def _safely(action: Any, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            action(**kwargs)
    except (DatabaseError, ValueError, AttributeError, LookupError):
        logger.exception("answers: index update failed", extra={"page": kwargs})


def on_published(sender: Any, instance: Page, **kwargs: Any) -> None:
    from parvis.answers.services import page_index

    _safely(page_index, page=instance)


def on_unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    from parvis.answers.services import page_unindex

    _safely(page_unindex, page_id=instance.pk)


def on_page_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page) and instance.pk:
        on_unpublished(sender, instance)


def on_lexicon_change(sender: Any, **kwargs: Any) -> None:
    from parvis.answers.query import lexicon_invalidate

    lexicon_invalidate()


def on_audience_change(sender: Any, **kwargs: Any) -> None:
    from parvis.answers.query import audiences_invalidate

    audiences_invalidate()


def on_commune_change(sender: Any, **kwargs: Any) -> None:
    from parvis.answers.query import communes_invalidate

    communes_invalidate()


def on_place_kinds_change(sender: Any, **kwargs: Any) -> None:
    from parvis.answers.query import place_kinds_invalidate

    place_kinds_invalidate()


def connect() -> None:
    from parvis.answers.models import LexiconEntry, PlaceKindWords, SearchDocument
    from parvis.content.models import Audience, Commune
    from parvis.core.pagecache import page_cache_invalidate

    page_published.connect(on_published, dispatch_uid="answers-published")
    page_unpublished.connect(on_unpublished, dispatch_uid="answers-unpublished")
    pre_delete.connect(on_page_delete, dispatch_uid="answers-page-delete")
    post_save.connect(on_lexicon_change, sender=LexiconEntry, dispatch_uid="answers-lexicon")
    post_delete.connect(on_lexicon_change, sender=LexiconEntry, dispatch_uid="answers-lexicon-d")
    post_save.connect(on_audience_change, sender=Audience, dispatch_uid="answers-audience")
    post_delete.connect(on_audience_change, sender=Audience, dispatch_uid="answers-audience-d")
    post_save.connect(on_commune_change, sender=Commune, dispatch_uid="answers-commune")
    post_delete.connect(on_commune_change, sender=Commune, dispatch_uid="answers-commune-d")
    post_save.connect(on_place_kinds_change, sender=PlaceKindWords, dispatch_uid="answers-kinds")
    post_delete.connect(
        on_place_kinds_change, sender=PlaceKindWords, dispatch_uid="answers-kinds-d"
    )
    # Pages show the index (the discovery lists are drawn from it): any indexed object another
    # app publishes (a group, an event…) draws a new page generation, as a page does.
    for signal in (post_save, post_delete):
        signal.connect(
            page_cache_invalidate, sender=SearchDocument, dispatch_uid=f"answers-pages-{id(signal)}"
        )
