"""The reports' block on quartier pages: what was done about what residents reported there
(see ``parvis.discovery.blocks``; discovery finds this module, it never imports reports)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from parvis.reports.models import Report
from parvis.reports.selectors import reports_public

SHOWN = 5


class OutcomesBlock:
    key = "reports.outcomes"
    order = 70

    def render(self, *, quartier: Any, request: HttpRequest) -> str:
        reports = reports_public(quartier=quartier.slug)
        done = list(reports.filter(status=Report.Status.RESOLU).order_by("-updated_at")[:SHOWN])
        open_count = reports_public(quartier=quartier.slug, status="open").count()
        if not done and not open_count:
            return ""
        return render_to_string(
            "reports/_quartier_outcomes.html",
            {"reports": done, "open_count": open_count, "quartier": quartier},
            request=request,
        )


BLOCKS = [OutcomesBlock()]
