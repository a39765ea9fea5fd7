"""What the reports app reads for pages, feeds, APIs and the agents' inbox."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from parvis.content.selectors import agent_services
from parvis.reports.errors import ReportNotFound
from parvis.reports.models import Category, Flag, Photo, Report


def categories_active() -> QuerySet[Category]:
    """Categories offered to residents, in display order."""
    return Category.objects.filter(active=True).select_related("service")


def categories_grouped() -> list[tuple[str, list[Category]]]:
    """Active categories as (group label, categories) pairs, for grouped radios."""
    groups: dict[str, list[Category]] = {}
    for category in categories_active():
        groups.setdefault(str(category.get_group_display()), []).append(category)
    return list(groups.items())


def reports_public(
    *,
    quartier: str = "",
    category: str = "",
    status: str = "",
) -> QuerySet[Report]:
    """Reports anyone may see (never the hidden ones), newest first, with optional filters."""
    # Filters come from query strings; PostgreSQL refuses to compare text holding a NUL.
    quartier, category, status = (v.replace("\x00", "") for v in (quartier, category, status))
    qs = Report.objects.filter(hidden=False).select_related(
        "category", "category__service", "quartier", "service"
    )
    if quartier:
        qs = qs.filter(quartier__slug=quartier)
    if category:
        qs = qs.filter(category__code=category)
    if status == "open":
        qs = qs.filter(status__in=Report.OPEN_STATUSES)
    elif status == "closed":
        qs = qs.exclude(status__in=Report.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs


def report_get_public(*, pk: int) -> Report:
    """A public report, or ReportNotFound (hidden reports do not exist for the public)."""
    report = reports_public().filter(pk=pk).first()
    if report is None:
        raise ReportNotFound("Signalement introuvable.", code="not_found")
    return report


def report_get_by_reference(*, reference: str) -> Report:
    """The report a tracking link points to (even hidden: its author may follow it)."""
    report = Report.objects.select_related("category").filter(reference=reference).first()
    if report is None:
        raise ReportNotFound("Signalement introuvable.", code="not_found")
    return report


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def reports_near(
    *,
    category: Category,
    latitude: float | None,
    longitude: float | None,
    address: str = "",
    radius_m: float = 300,
    limit: int = 5,
) -> list[Report]:
    """Open public reports of the same category near a point (or at the same address)."""
    qs = reports_public(category=category.code, status="open").filter(merged_into=None)
    if latitude is not None and longitude is not None:
        dlat = radius_m / 111_000
        dlon = radius_m / (111_000 * max(0.1, math.cos(math.radians(latitude))))
        box = qs.filter(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
        found = [
            r
            for r in box[:200]
            if _distance_m(latitude, longitude, r.latitude, r.longitude) <= radius_m
        ]
        return found[:limit]
    if address.strip():
        return list(qs.filter(address__iexact=address.strip())[:limit])
    return []


def report_get_for(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Report:
    """A report the agent ``user`` may act on (any visibility), or ReportNotFound."""
    report = reports_inbox(user=user).filter(pk=pk).first()
    if report is None:
        raise ReportNotFound("Signalement introuvable.", code="not_found")
    return report


def reports_inbox(
    *,
    user: AbstractBaseUser | AnonymousUser,
    status: str = "",
    category: str = "",
    assigned: str = "",
    hidden: str = "",
    q: str = "",
    flagged: str = "",
    photos: str = "",
) -> QuerySet[Report]:
    """The agent's work queue: reports of their services, hidden ones included, each with
    ``open_flags`` (abuse flags no moderator has reviewed yet) and ``photos_held`` (photos
    waiting for approval); ``flagged="1"``: the moderation queue, most flagged first;
    ``photos="1"``: the reports whose photos wait for approval."""
    qs = (
        Report.objects.filter(served_by(agent_services(user=user)))
        .select_related("category", "category__service", "assigned_to", "quartier")
        .annotate(
            open_flags=Count("flags", filter=Q(flags__reviewed_at__isnull=True)),
            photos_held=Exists(Photo.objects.filter(report=OuterRef("pk"), held=True)),
        )
    )
    if photos == "1":
        qs = qs.filter(photos_held=True)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code=category)
    if assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif assigned == "none":
        qs = qs.filter(assigned_to=None)
    if hidden == "1":
        qs = qs.filter(Q(hidden=True))
    if q:
        qs = qs.filter(Q(description__icontains=q) | Q(address__icontains=q))
    if flagged == "1":
        return qs.filter(open_flags__gt=0).order_by("-open_flags", "-created_at", "-pk")
    return qs.order_by("-created_at", "-pk")


def served_by(services: Any) -> Q:
    """The reports routed to one of ``services`` (older reports: by their category's)."""
    return Q(service__in=services) | Q(service=None, category__service__in=services)


def reports_photos_held_count(*, user: AbstractBaseUser | AnonymousUser) -> int:
    """How many of the agent's reports have photos waiting for approval."""
    held = Photo.objects.filter(held=True).values("report_id")
    return Report.objects.filter(served_by(agent_services(user=user)), pk__in=held).count()


def reports_moderation_count(*, user: AbstractBaseUser | AnonymousUser) -> int:
    """How many of the agent's reports have abuse flags waiting for a moderator."""
    flagged = Flag.objects.filter(reviewed_at__isnull=True).values("report_id")
    return Report.objects.filter(served_by(agent_services(user=user)), pk__in=flagged).count()


def reports_counts() -> list[dict[str, object]]:
    """Open-data counts of public reports by category, quartier and status."""
    counter: Counter[tuple[str, str, str, str]] = Counter()
    rows = reports_public().values_list(
        "category__code", "category__name", "quartier__slug", "status"
    )
    for code, name, quartier, status in rows:
        counter[(code, name, quartier or "", status)] += 1
    return [
        {"category": c, "category_name": n, "quartier": q, "status": s, "count": count}
        for (c, n, q, s), count in sorted(counter.items())
    ]


def reports_response_times(
    *, since: datetime
) -> list[tuple[int, datetime, datetime | None, datetime | None]]:
    """For each public report filed since ``since`` (not hidden, not merged): its service, when
    it was filed, its first public status change by an agent, and when it was marked resolved
    (None when not yet). What the commitments page measures; no personal data."""
    from django.db.models import Min

    first_change = Min(
        "updates__created_at",
        filter=Q(updates__public=True, updates__agent__isnull=False)
        & ~Q(updates__status__in=["", Report.Status.NOUVEAU]),
    )
    resolved = Min("updates__created_at", filter=Q(updates__status=Report.Status.RESOLU))
    rows = (
        Report.objects.filter(created_at__gte=since, hidden=False, merged_into__isnull=True)
        .annotate(first_change=first_change, resolved=resolved)
        .values_list("category__service_id", "created_at", "first_change", "resolved")
        .order_by("created_at", "pk")
    )
    return list(rows)
