"""Serving an open-data file of the city as its certified daily snapshot, with its proof."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from parvis.certification.models import ExportSnapshot
from parvis.certification.services import export_snapshot


def certified_file_response(
    request: HttpRequest,
    *,
    route: str,
    name: str,
    content_type: str,
    produce: Callable[[], bytes],
) -> HttpResponse:
    """Today's certified snapshot of the file served at ``route`` (or a past day's:
    ``?periode=AAAA-MM-JJ``), produced at most once per UTC day, its SHA-256 signed in the
    transparency log; the response links the proof (``Link: …; rel="describedby"``)."""
    with translation.override(settings.LANGUAGE_CODE):  # one file whatever the page language
        url = f"{settings.BASE_URL}{reverse(route)}"
        period = request.GET.get("periode", "")
        if period:
            snapshot = ExportSnapshot.objects.filter(url=url, period=period[:20]).first()
            if snapshot is None:
                raise Http404
        else:
            snapshot = export_snapshot(
                url=url, name=name, content_type=content_type, produce=produce
            )
    response = HttpResponse(
        bytes(snapshot.content), content_type=f"{snapshot.content_type}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{snapshot.name}"'
    proof = reverse("certification_bundle", args=[snapshot.entry_index])
    response["Link"] = f'<{proof}>; rel="describedby"; type="application/json"'
    return response
