"""schema.org JSON-LD for search engines: FAQPage on Fiches, Place with hours on Lieux,
GovernmentOrganization (with a SearchAction) on the home page, BreadcrumbList everywhere."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from wagtail.models import Page

from parvis.core.published import published_memo
from parvis.core.text import html_to_text

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def breadcrumb(page: Page, request: HttpRequest | None) -> dict[str, Any]:
    def ancestors() -> list[tuple[str, str | None]]:
        found = page.get_ancestors().filter(depth__gte=2).specific()
        return [(item.title, item.get_full_url(request)) for item in found]

    # The ancestors' titles and addresses change only with a publication (core.published).
    host = request.get_host() if request is not None else ""
    trail = [
        *published_memo(("jsonld-ancestors", page.pk, host), ancestors),
        (page.title, page.get_full_url(request)),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": title, "item": url}
            for i, (title, url) in enumerate(trail, start=1)
        ],
    }


def fiche(page: Any, request: HttpRequest | None) -> dict[str, Any]:
    answer = page.short_answer
    if page.body:
        answer = f"{answer} {html_to_text(page.body)}"[:1000]
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": page.get_full_url(request),
        "mainEntity": [
            {
                "@type": "Question",
                "name": page.title,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
        ],
    }


def lieu(page: Any, request: HttpRequest | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": page.title,
        "url": page.get_full_url(request),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": page.street,
            "postalCode": page.postcode,
            "addressLocality": page.city,
            "addressCountry": "FR",
        },
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{DAYS[rule.weekday]}",
                "opens": rule.opens.strftime("%H:%M"),
                "closes": rule.closes.strftime("%H:%M"),
            }
            for rule in page.opening_rules.all()
        ],
    }
    if page.phone:
        data["telephone"] = page.phone
    if page.latitude is not None and page.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(page.latitude),
            "longitude": float(page.longitude),
        }
    return data


def home(page: Any, request: HttpRequest | None) -> dict[str, Any]:
    url = page.get_full_url(request)
    search = request.build_absolute_uri(reverse("search")) if request else reverse("search")
    return {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": settings.WAGTAIL_SITE_NAME,
        "url": url,
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }


def page_graph(page: Page, request: HttpRequest | None) -> list[dict[str, Any]]:
    kind = type(page).__name__
    items = []
    if kind == "HomePage":
        return [home(page, request)]
    if kind == "FichePage":
        items.append(fiche(page, request))
    elif kind == "LieuPage":
        items.append(lieu(page, request))
    items.append(breadcrumb(page, request))
    return items


_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def dumps(data: Any) -> str:
    """JSON safe inside a <script> element (no "</script>" can close it early)."""
    return json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
