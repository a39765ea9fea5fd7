"""Points in areas: which commune, quartier or zone a position falls in, from GeoJSON outlines.

Outlines are data (a GeoJSON Polygon or MultiPolygon in longitude/latitude, WGS 84) kept on
the Commune, Quartier and Zone rows and edited in the back-office; shapely does the geometry.
A position on an outline's edge counts as inside it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

AREA_TYPES = {"Polygon", "MultiPolygon"}

T = TypeVar("T")


class GeometryError(ValueError):
    """The value is not a usable GeoJSON outline (message in French, for the editor)."""


def shape_read(value: Any) -> BaseGeometry | None:
    """The area of a GeoJSON value (a geometry, a Feature, or its text); None when empty."""
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise GeometryError(_("Le contour n'est pas du JSON valide.")) from None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") not in AREA_TYPES:
        raise GeometryError(_("Le contour doit être un objet GeoJSON Polygon ou MultiPolygon."))
    try:
        area = shape(value)
    except (ValueError, TypeError, IndexError, AttributeError):
        raise GeometryError(_("Les coordonnées du contour sont illisibles.")) from None
    if area.is_empty or not area.is_valid:
        raise GeometryError(_("Le contour est vide ou se recoupe lui-même."))
    return area


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float

    def point(self) -> Point:
        return Point(self.longitude, self.latitude)


def containing(position: Position, rows: Iterable[T], attribute: str = "outline") -> T | None:
    """The first row whose outline holds the position (rows without one are skipped)."""
    point = position.point()
    for row in rows:
        try:
            area = shape_read(getattr(row, attribute))
        except GeometryError:
            continue
        if area is not None and area.covers(point):
            return row
    return None


def commune_at(position: Position) -> Any:
    """The commune whose outline holds the position, or None."""
    from parvis.content.models import Commune

    return containing(position, Commune.objects.exclude(outline=None).order_by("name"))


def quartier_at(position: Position) -> Any:
    """The quartier whose outline holds the position, or None."""
    from parvis.content.models import Quartier

    return containing(position, Quartier.objects.exclude(outline=None).order_by("name"))


def _street_key(text: str) -> str:
    """A street name as compared: no accents, case, apostrophes or hyphens."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return " ".join(bare.replace("'", " ").replace("’", " ").replace("-", " ").split())


def zone_for(*, zone_set: str, street: str = "", position: Position | None = None) -> Any:
    """The zone of ``zone_set`` for an address: by its street when a zone lists it, else by
    the position in an outline; None when neither places it."""
    from parvis.content.models import Zone

    zones = list(Zone.objects.filter(zone_set=zone_set).order_by("name"))
    if street:
        wanted = _street_key(street)
        for zone in zones:
            if any(_street_key(name) == wanted for name in zone.street_names()):
                return zone
    if position is not None:
        return containing(position, zones)
    return None
