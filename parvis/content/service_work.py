"""A service's open work in the other apps, so that deleting the service never orphans it.

``content`` cannot know the apps above it; each app that gives services work (conversations
handed off to them, report categories routed to them) registers how to count it and how to move
it to another service. Deleting a service with open work is refused in the back office until
the work is moved (``service_work_move``) to a service chosen by the person deleting it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise

from parvis.content.models import Service


@dataclass(frozen=True)
class WorkKind:
    label: str | Promise  # "conversations en cours", shown with its count
    count: Callable[[Service], int]
    move: Callable[[Service, Service], int]


_KINDS: dict[str, WorkKind] = {}


def service_work_register(
    *,
    key: str,
    label: str | Promise,
    count: Callable[[Service], int],
    move: Callable[[Service, Service], int],
) -> None:
    """Declare a kind of work services have (idempotent by ``key``; called from ``ready``)."""
    _KINDS[key] = WorkKind(label=label, count=count, move=move)


def service_work_open(*, service: Service) -> list[tuple[str, int]]:
    """(label, count) of each kind of open work the service still has; empty when none."""
    counts = [(str(kind.label), kind.count(service)) for kind in _KINDS.values()]
    return [(label, n) for label, n in counts if n]


@transaction.atomic
def service_work_move(*, source: Service, target: Service) -> int:
    """Move all of ``source``'s open work to ``target`` in one transaction; returns how much."""
    if source.pk == target.pk:
        raise ValueError("source and target are the same service")
    # Lock the source row: no new hand-off reaches it while its work is moved.
    Service.objects.select_for_update().get(pk=source.pk)
    return sum(kind.move(source, target) for kind in _KINDS.values())
