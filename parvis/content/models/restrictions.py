"""Which view restrictions apply to a page, looked up once per publication."""

from __future__ import annotations

from typing import Any

from wagtail.models import PageViewRestriction

from parvis.core.published import published_memo


class PublishedViewRestrictionsMixin:
    """Wagtail checks, before serving a page, the view restrictions of the page and of each of
    its ancestors: two queries on every request, for pages that nearly never have one. Which
    restrictions apply (their IDs) is kept once per publication (``core.published``): saving or
    deleting a restriction, and moving or deleting a page, draw a new publication generation.
    The restrictions themselves are read afresh when there are some (their groups and password
    as they are now); without any, no query at all.
    """

    def get_view_restrictions(self) -> Any:
        if not self.pk:  # type: ignore[attr-defined]
            return super().get_view_restrictions()  # type: ignore[misc]

        def applying() -> tuple[int, ...]:
            found = super(PublishedViewRestrictionsMixin, self).get_view_restrictions()  # type: ignore[misc]
            return tuple(found.values_list("pk", flat=True))

        ids = published_memo(("view-restrictions", self.pk), applying)  # type: ignore[attr-defined]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)
