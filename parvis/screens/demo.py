"""Demo urban screens for `parvis demo`: a town-hall lobby (whole city) and a street screen."""

from __future__ import annotations

from parvis.content.models import Quartier
from parvis.screens.models import Screen

DEMO_SCREENS = [
    {"slug": "hotel-de-ville", "name": "Hall de l'hôtel de ville", "quartier": None},
    {
        "slug": "malakoff-tram",
        "name": "Arrêt de tram Malakoff",
        "quartier": "malakoff-saint-donatien",
    },
]


def screens_demo_load() -> int:
    """Create the demo screens that do not exist yet; the number created."""
    created = 0
    for spec in DEMO_SCREENS:
        quartier = (
            Quartier.objects.filter(slug=spec["quartier"]).first() if spec["quartier"] else None
        )
        _, made = Screen.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "quartier": quartier}
        )
        created += made
    return created
