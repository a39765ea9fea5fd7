""" "Mes données": who the open page is for, and what to show them."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.http import HttpRequest
from django.utils import timezone

from parvis.core.access_log import access_records_for
from parvis.core.models import AccessRecord
from parvis.core.personal_data import DataCategory, HeldItem, Identity, categories, held_items
from parvis.mydata.models import AccessRequest
from parvis.mydata.services import access_identity, link_lifetime

SESSION_KEY = "mydata_access"


def session_identity(request: HttpRequest) -> Identity | None:
    """The identity whose page this browser opened, while it stays open (the link's lifetime
    again, counted from its use); None otherwise."""
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    access = AccessRequest.objects.filter(pk=pk, used_at__isnull=False).first()
    if access is None or access.used_at + link_lifetime() <= timezone.now():
        return None
    return access_identity(access)


@dataclass
class Section:
    category: DataCategory
    items: list[HeldItem]


def held_sections(identity: Identity) -> list[Section]:
    """What is held for ``identity``, by declared category, in the register's order."""
    order = {category.key: n for n, category in enumerate(categories())}
    by_key = {category.key: category for category in categories()}
    items = sorted(held_items(identity), key=lambda item: order.get(item.category, 999))
    return [
        Section(category=by_key[key], items=list(group))
        for key, group in groupby(items, key=lambda item: item.category)
        if key in by_key
    ]


def accesses(identity: Identity) -> list[AccessRecord]:
    return list(access_records_for(identity)[:200])
