"""The quartier page's blocks drawn from the content app: first steps, story, places and map,
procedures nearby, digital help, news, city projects (see ``parvis.discovery.blocks`` for the
protocol)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from parvis.content.models import (
    ActualitePage,
    CityProjectIndexPage,
    CityProjectPage,
    FichePage,
    LieuKind,
    LieuPage,
    Quartier,
    RecitPage,
)
from parvis.content.models.projects import STATUS_ORDER
from parvis.discovery.maps import map_quartier

PLACES_SHOWN = 12
NEWS_SHOWN = 4
PROJECTS_SHOWN = 6


def quartier_places(quartier: Quartier) -> list[LieuPage]:
    """The quartier's live places, by title, with what their opening status needs."""
    return list(
        LieuPage.objects.live()
        .public()
        .filter(quartier=quartier)
        .order_by("title")
        .prefetch_related("opening_rules", "opening_exceptions")
    )


def _render(template: str, request: HttpRequest, **context: Any) -> str:
    return render_to_string(template, context, request=request)


class FirstStepsBlock:
    key = "discovery.first_steps"
    order = 10

    def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
        steps = [line.strip() for line in quartier.first_steps.splitlines() if line.strip()]
        if not steps:
            return ""
        return _render("discovery/blocks/_first_steps.html", request, steps=steps)


class StoriesBlock:
    key = "discovery.stories"
    order = 20

    def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
        recits = RecitPage.objects.live().public().filter(quartiers=quartier)
        recits = list(recits.order_by("-first_published_at")[:4])
        if not recits:
            return ""
        return _render("discovery/blocks/_stories.html", request, recits=recits)


class PlacesBlock:
    key = "discovery.places"
    order = 30

    def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
        places = quartier_places(quartier)
        located = [p for p in places if p.latitude is not None and p.longitude is not None]
        projects = (
            CityProjectPage.objects.live()
            .public()
            .filter(quartiers=quartier, latitude__isnull=False, longitude__isnull=False)
            .order_by("title")
        )
        svg = map_quartier(
            outline=quartier.outline,
            places=[(p.title, p.url, (float(p.longitude), float(p.latitude))) for p in located],
            projects=[(p.title, p.url, (float(p.longitude), float(p.latitude))) for p in projects],
        )
        numbers = {p.pk: n for n, p in enumerate(located, start=1)}
        rows = [(numbers.get(p.pk), p) for p in places[:PLACES_SHOWN]]
        if not places and not quartier.outline:
            return ""
        return _render(
            "discovery/blocks/_places.html",
            request,
            quartier=quartier,
            svg=svg,
            rows=rows,
            more=len(places) > PLACES_SHOWN,
        )


class NearbyProceduresBlock:
    """Fiches whose procedure is done at a place of the quartier, or tagged with it."""

    key = "discovery.procedures"
    order = 40

    def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
        fiches = (
            FichePage.objects.live()
            .public()
            .filter(Q(places__lieu__quartier=quartier) | Q(quartiers=quartier))
            .distinct()
            .order_by("-featured", "title")
        )
        fiches = list(fiches[:8])
        if not fiches:
            return ""
        return _render("discovery/blocks/_procedures.html", request, fiches=fiches)


class DigitalHelpBlock:
    key = "discovery.digital_help"
    order = 45

    def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
        places = [p for p in quartier_places(quartier) if p.kind == LieuKind.MEDIATION]
        if not places:
            return ""
        return _render("discovery/blocks/_digital_help.html", request, places=places)


class NewsBlock:
    key = "discovery.news"
    order = 50

    def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
        live = ActualitePage.objects.live().public().order_by("-date")
        local = list(live.filter(quartiers=quartier)[:NEWS_SHOWN])
        citywide = list(
            live.filter(quartiers=None, date__lte=timezone.localdate())[
                : max(0, NEWS_SHOWN - len(local))
            ]
        )
        if not local and not citywide:
            return ""
        return _render("discovery/blocks/_news.html", request, local=local, citywide=citywide)


class ProjectsBlock:
    """The city's projects in the quartier: under way first, then coming, then done."""

    key = "discovery.projects"
    order = 75

    def render(self, *, quartier: Quartier, request: HttpRequest) -> str:
        projects = list(
            CityProjectPage.objects.live().public().filter(quartiers=quartier).order_by("title")
        )
        if not projects:
            return ""
        projects.sort(key=lambda p: (STATUS_ORDER.get(p.status, 9), p.start_date or dt.date.max))
        index = CityProjectIndexPage.objects.live().public().first()
        return _render(
            "discovery/blocks/_projects.html",
            request,
            projects=projects[:PROJECTS_SHOWN],
            index=index,
            more=len(projects) > PROJECTS_SHOWN,
        )


BLOCKS = [
    FirstStepsBlock(),
    StoriesBlock(),
    PlacesBlock(),
    NearbyProceduresBlock(),
    DigitalHelpBlock(),
    NewsBlock(),
    ProjectsBlock(),
]
