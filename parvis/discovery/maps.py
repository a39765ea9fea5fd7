"""Maps drawn on the server as SVG from the data: quartier outlines and place markers.

No tile server, no script, no third-party request: a quartier's GeoJSON outline and its places'
coordinates become an inline ``<svg>`` whose markers link to the places' pages. Longitude is
scaled by the cosine of the latitude (an equirectangular projection: over a city, the
distortion is far below what a reader can see).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 600.0
MARGIN = 24.0

Point = tuple[float, float]  # (longitude, latitude)


def outline_rings(outline: Any) -> list[list[Point]]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon; [] for anything else or invalid."""
    if not isinstance(outline, dict):
        return []
    coordinates = outline.get("coordinates")
    if outline.get("type") == "Polygon":
        polygons = [coordinates]
    elif outline.get("type") == "MultiPolygon":
        polygons = coordinates if isinstance(coordinates, list) else []
    else:
        return []
    rings: list[list[Point]] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not isinstance(polygon[0], list):
            continue
        ring = [_point(p) for p in polygon[0]]
        ring = [p for p in ring if p is not None]
        if len(ring) >= 3:
            rings.append(ring)  # type: ignore[arg-type]
    return rings


def _point(value: Any) -> Point | None:
    try:
        lon, lat = float(value[0]), float(value[1])
    except (TypeError, ValueError, IndexError):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon + lat):
        return None
    return (lon, lat)


def point_in_rings(point: Point, rings: Sequence[Sequence[Point]]) -> bool:
    """Whether ``point`` lies inside one of ``rings`` (ray casting)."""
    x, y = point
    for ring in rings:
        inside = False
        for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
        if inside:
            return True
    return False


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude → SVG coordinates for a bounding box, ``WIDTH`` wide."""

    west: float
    north: float
    scale: float
    k: float
    height: float

    @classmethod
    def fit(cls, points: Iterable[Point]) -> Projection | None:
        points = list(points)
        if not points:
            return None
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        k = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = max((max(lons) - min(lons)) * k, 1e-4)
        span_y = max(max(lats) - min(lats), 1e-4)
        scale = (WIDTH - 2 * MARGIN) / span_x
        height = min(span_y * scale + 2 * MARGIN, WIDTH * 1.2)
        scale = min(scale, (height - 2 * MARGIN) / span_y)
        return cls(min(lons), max(lats), scale, k, height)

    def xy(self, point: Point) -> tuple[float, float]:
        lon, lat = point
        return (
            round(MARGIN + (lon - self.west) * self.k * self.scale, 1),
            round(MARGIN + (self.north - lat) * self.scale, 1),
        )

    def path(self, ring: Sequence[Point]) -> str:
        return " ".join(f"{x},{y}" for x, y in (self.xy(p) for p in ring))


@dataclass(frozen=True)
class Shape:
    points: str
    label: str = ""
    url: str = ""
    label_x: float = 0.0
    label_y: float = 0.0
    current: bool = False


@dataclass(frozen=True)
class Marker:
    """A place (a numbered blue disc) or a city project (a lettered dark diamond): told apart
    by shape and symbol, not by colour alone."""

    number: int
    x: float
    y: float
    title: str
    url: str
    kind: str = "place"  # place | project

    @property
    def symbol(self) -> str:
        """What the marker shows: a place's number, a project's letter (A, B…)."""
        if self.kind == "project" and self.number <= 26:
            return chr(ord("A") + self.number - 1)
        return str(self.number)

    @property
    def diamond(self) -> str:
        """The points of a project's diamond around (x, y)."""
        x, y, r = self.x, self.y, 13
        corners = ((x, y - r), (x + r, y), (x, y + r), (x - r, y))
        return " ".join(f"{round(cx, 1)},{round(cy, 1)}" for cx, cy in corners)


@dataclass(frozen=True)
class SvgMap:
    width: float
    height: float
    shapes: list[Shape]
    markers: list[Marker]

    @property
    def projects(self) -> list[Marker]:
        """The city projects' markers, for the map's legend."""
        return [m for m in self.markers if m.kind == "project"]


def _centroid(ring: Sequence[Point]) -> Point:
    return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


def map_quartier(
    *,
    outline: Any,
    places: Sequence[tuple[str, str, Point]],
    projects: Sequence[tuple[str, str, Point]] = (),
) -> SvgMap | None:
    """A quartier's outline, numbered markers for ``places`` and lettered ones for the city's
    ``projects`` (title, url, point each). A project whose point lies outside the outline is
    left off: it is drawn on the map of the quartier where it is."""
    rings = outline_rings(outline)
    if rings:
        projects = [p for p in projects if point_in_rings(p[2], rings)]
    projection = Projection.fit(
        [p for ring in rings for p in ring] + [p[2] for p in (*places, *projects)]
    )
    if projection is None:
        return None
    shapes = [Shape(points=projection.path(ring), current=True) for ring in rings]
    markers = [
        Marker(number, *projection.xy(point), title=title, url=url)
        for number, (title, url, point) in enumerate(places, start=1)
    ]
    markers += [
        Marker(number, *projection.xy(point), title=title, url=url, kind="project")
        for number, (title, url, point) in enumerate(projects, start=1)
    ]
    return SvgMap(WIDTH, round(projection.height, 1), shapes, markers)


def map_city(*, quartiers: Sequence[tuple[str, str, Any]]) -> SvgMap | None:
    """Every quartier's outline (name, url, outline), each linked to its page."""
    outlined = [(name, url, outline_rings(outline)) for name, url, outline in quartiers]
    outlined = [item for item in outlined if item[2]]
    projection = Projection.fit(p for _, _, rings in outlined for ring in rings for p in ring)
    if projection is None:
        return None
    shapes = []
    for name, url, rings in outlined:
        for ring in rings:
            x, y = projection.xy(_centroid(ring))
            shapes.append(
                Shape(points=projection.path(ring), label=name, url=url, label_x=x, label_y=y)
            )
    return SvgMap(WIDTH, round(projection.height, 1), shapes, [])
