"""The one protocol by which an app adds a block to the quartier pages.

A quartier page (``/quartiers/<slug>/``) is assembled from blocks that apps declare, in a module
``<app>/quartier_blocks.py``, as a list ``BLOCKS`` of objects following :class:`QuartierBlock`.
They are discovered at start (like ``answer_sources``); ``discovery`` never imports the app
that declares a block, and an app that is not installed simply adds nothing. Blocks are shown
by ``order`` (then key); a block with nothing to say for a quartier returns an empty string
and the page shows no empty heading.

Example::

    # parvis/networks/quartier_blocks.py
    class GroupsBlock:
        key = "networks.groups"
        order = 60

        def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
            groups = groups_in(quartier=quartier)[:6]
            if not groups:
                return ""
            return render_to_string("networks/_quartier_groups.html", {...}, request=request)

    BLOCKS = [GroupsBlock()]

A block renders a whole ``<section>`` with its own ``<h2>``; it may call
``parvis.core.pagecache.page_cache_limit`` when what it shows changes with the clock.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

MODULE = "quartier_blocks"


@runtime_checkable
class QuartierBlock(Protocol):
    """Something a quartier page shows: places, news, groups, open questions…"""

    key: str  # unique: "<app>.<name>"
    order: int  # position on the page, small first

    def render(self, *, quartier: Any, request: HttpRequest) -> str:
        """The block's HTML for ``quartier`` (a ``content.Quartier``), or "" for nothing."""
        ...


@cache
def blocks() -> tuple[QuartierBlock, ...]:
    """The blocks of every installed app, by order then key."""
    found: dict[str, QuartierBlock] = {}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.{MODULE}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{MODULE}":
                raise
            continue
        for block in getattr(module, "BLOCKS", []):
            if not isinstance(block, QuartierBlock):
                raise TypeError(f"{config.name}.{MODULE}: {block!r} is not a QuartierBlock")
            if block.key in found:
                raise ValueError(f"two quartier blocks declare the key {block.key!r}")
            found[block.key] = block
    return tuple(sorted(found.values(), key=lambda b: (b.order, b.key)))


def blocks_render(*, quartier: Any, request: HttpRequest) -> list[SafeString]:
    """The non-empty blocks of ``quartier``, in page order."""
    rendered = (block.render(quartier=quartier, request=request) for block in blocks())
    # Blocks render through Django templates, which escape what they insert.
    return [mark_safe(html) for html in rendered if html and html.strip()]  # noqa: S308
