"""Quartier pages and the person's discovery preferences: thin views over selectors."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from parvis.content.models import Quartier
from parvis.core.writes import public_write
from parvis.discovery import selectors
from parvis.discovery.blocks import blocks_render
from parvis.discovery.forms import PreferencesForm
from parvis.discovery.maps import map_city
from parvis.discovery.preferences import (
    preferences_erase,
    preferences_read,
    preferences_write,
)


def _preferences(request: HttpRequest):  # noqa: ANN202 — About | None
    vocab = selectors.vocabulary()
    return preferences_read(
        request,
        quartiers=set(vocab.quartiers),
        themes=set(vocab.themes) - set(vocab.sensitive),
    )


def quartier_index(request: HttpRequest) -> HttpResponse:
    quartiers = list(Quartier.objects.order_by("name"))
    city = map_city(
        quartiers=[
            (q.name, reverse("discovery:quartier", args=[q.slug]), q.outline) for q in quartiers
        ]
    )
    return render(
        request, "discovery/quartier_index.html", {"quartiers": quartiers, "city_map": city}
    )


def quartier_detail(request: HttpRequest, slug: str) -> HttpResponse:
    quartier = Quartier.objects.filter(slug=slug).first()
    if quartier is None:
        raise Http404
    return render(
        request,
        "discovery/quartier_detail.html",
        {
            "quartier": quartier,
            "blocks": blocks_render(quartier=quartier, request=request),
            "about": selectors.about_quartier(quartier),
        },
    )


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("discovery:preferences")


@require_http_methods(["GET", "POST"])
@public_write("discovery.preferences", style="html")
def preferences(request: HttpRequest) -> HttpResponse:
    """Show, set or erase the person's chosen quartier and interests (a cookie, on request)."""
    current = _preferences(request)
    if request.method == "POST" and "erase" in request.POST:
        response = HttpResponseRedirect(_safe_next(request, request.POST.get("next", "")))
        preferences_erase(response)
        return response
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
            preferences_write(
                response,
                quartier=form.cleaned_data["quartier"],
                interests=form.cleaned_data["interests"],
            )
            return response
        status = 400
    else:
        initial = {"next": request.GET.get("next", "")}
        if current is not None:
            initial["quartier"] = next(iter(current.quartiers), "")
            initial["interests"] = sorted(current.themes)
        form = PreferencesForm(initial=initial)
        status = 200
    vocab = selectors.vocabulary()
    context = {
        "form": form,
        "current": current,
        "current_quartiers": sorted(vocab.quartiers[s] for s in current.quartiers)
        if current
        else [],
        "current_themes": sorted(vocab.themes[s] for s in current.themes) if current else [],
    }
    return render(request, "discovery/preferences.html", context, status=status)
