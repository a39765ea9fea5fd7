"""Template tags of the audience app: the legal paragraph, the agents' commitments panel."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("audience/_legal.html")
def audience_legal_paragraph() -> dict[str, object]:
    """The "Mesure d'audience" paragraph of the legal page, with the figures the code uses."""
    return {
        "retention_days": settings.PARVIS_AUDIENCE_RETENTION_DAYS,
        "minimum": settings.PARVIS_AUDIENCE_OPEN_DATA_MIN,
    }


@register.inclusion_tag("audience/_commitments_panel.html", takes_context=True)
def commitments_panel(context: template.Context) -> dict[str, object]:
    """The agent's services' measured delays of this month and the last, beside their
    commitments (the same figures as the public /engagements/ page)."""
    from parvis.audience.commitments import commitments_measure
    from parvis.audience.views import MEASURE_LABELS
    from parvis.content.selectors import agent_services

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"rows": []}
    rows = []
    for service in agent_services(user=user).filter(live=True).order_by("name")[:10]:
        for row in commitments_measure(months=2, service_id=service.pk):
            for measure, fig in row.measures.items():
                rows.append((row.service_name, row.month, MEASURE_LABELS[measure], fig))
    return {"rows": rows}
