"""Machine-readable public outputs: GeoJSON for the map, RSS/Atom per quartier, open data."""

from __future__ import annotations

import csv
import io
import json

from django.contrib.syndication.views import Feed
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from parvis.certification.open_data import certified_file_response
from parvis.content.models import Quartier
from parvis.core.text import xml_safe
from parvis.reports.models import Report
from parvis.reports.privacy import public_text
from parvis.reports.selectors import reports_counts, reports_public

MAP_LIMIT = 1000


def report_public_dict(report: Report) -> dict[str, object]:
    """The public fields of a report (never the email, never internal notes)."""
    return {
        "id": report.pk,
        "category": report.category.code,
        "category_name": report.category.name,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "status_reason": public_text(report.status_reason),
        "description": public_text(report.description),
        "address": public_text(report.address),
        "quartier": report.quartier.slug if report.quartier else None,
        "lat": report.latitude,
        "long": report.longitude,
        "support_count": report.support_count,
        "created_at": report.created_at.isoformat(),
        "updated_at": report.updated_at.isoformat(),
        "url": report.get_absolute_url(),
    }


def reports_geojson(request: HttpRequest) -> JsonResponse:
    """Open public reports with a position, as GeoJSON for the map."""
    filters = {k: request.GET.get(k, "")[:60] for k in ("quartier", "category", "status")}
    qs = reports_public(**filters).filter(latitude__isnull=False)[:MAP_LIMIT]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                k: v for k, v in report_public_dict(r).items() if k not in ("lat", "long")
            },
        }
        for r in qs
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _counts_json() -> bytes:
    return json.dumps(reports_counts(), cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def _counts_csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=["category", "category_name", "quartier", "status", "count"]
    )
    writer.writeheader()
    writer.writerows(reports_counts())
    return out.getvalue().encode()


def _geojson_all() -> bytes:
    qs = reports_public().filter(latitude__isnull=False)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                k: v for k, v in report_public_dict(r).items() if k not in ("lat", "long")
            },
        }
        for r in qs
    ]
    data = {"type": "FeatureCollection", "features": features}
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


_OPEN_DATA = {
    "reports:opendata_json": ("signalements-comptes.json", "application/json", _counts_json),
    "reports:opendata_csv": ("signalements-comptes.csv", "text/csv", _counts_csv),
    "reports:opendata_geojson": ("signalements.geojson", "application/geo+json", _geojson_all),
}


def _open_data(request: HttpRequest, route: str) -> HttpResponse:
    """Today's certified snapshot of an open-data file (or a past day's: ``?periode=…``).

    Each file is produced at most once per UTC day, stored, and its SHA-256 signed in the
    transparency log; the response links the proof (``Link: …; rel="describedby"``).
    """
    name, content_type, produce = _OPEN_DATA[route]
    return certified_file_response(
        request, route=route, name=name, content_type=content_type, produce=produce
    )


def opendata_json(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "reports:opendata_json")


def opendata_csv(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "reports:opendata_csv")


def opendata_geojson(request: HttpRequest) -> HttpResponse:
    """Every public report with a position (the map's ``carte.geojson`` stays live)."""
    return _open_data(request, "reports:opendata_geojson")


class QuartierFeed(Feed):
    """The latest public reports of a quartier (RSS 2.0; see QuartierAtomFeed).

    Every text is passed through ``xml_safe``: a control character a resident typed in a
    description (the forms keep them) would otherwise make the feed fail to render.
    """

    def get_object(self, request: HttpRequest, slug: str) -> Quartier:
        return get_object_or_404(Quartier, slug=slug)

    def title(self, obj: Quartier) -> str:
        return xml_safe(_("Signalements — %(name)s") % {"name": obj.name})

    def link(self, obj: Quartier) -> str:
        return reverse("reports:list") + f"?quartier={obj.slug}"

    def description(self, obj: Quartier) -> str:
        text = _("Les derniers signalements publics du quartier %(name)s.") % {"name": obj.name}
        return xml_safe(text)

    def items(self, obj: Quartier) -> list[Report]:
        return list(reports_public(quartier=obj.slug)[:50])

    def item_title(self, item: Report) -> str:
        return xml_safe(f"n° {item.pk} — {item.category.name} ({item.get_status_display()})")

    def item_description(self, item: Report) -> str:
        return xml_safe(public_text(item.description))

    def item_pubdate(self, item: Report):  # noqa: ANN201 — Django's Feed protocol
        return item.created_at

    def item_updateddate(self, item: Report):  # noqa: ANN201
        return item.updated_at


class QuartierAtomFeed(QuartierFeed):
    feed_type = Atom1Feed
    subtitle = QuartierFeed.description


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404
