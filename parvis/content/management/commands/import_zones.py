"""`parvis import_zones SET FILE`: the zones of an answer that depends on the address.

Two formats, by extension:

- ``.geojson`` / ``.json``: a FeatureCollection; each feature is a zone, its ``name`` property
  names it, its other properties are its values (``{"jaune": "le mardi matin"}``), its
  Polygon or MultiPolygon geometry is its outline;
- ``.csv`` (``;`` or ``,``): a street list, columns ``zone`` and ``rue``, any other column a
  value of the zone (the first line of a zone gives its values).

Existing zones of the set with the same name are updated; others are kept.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from parvis.content.geography import GeometryError, shape_read
from parvis.content.models import Zone


class Command(BaseCommand):
    help = "Importe les zones d'une réponse selon l'adresse (GeoJSON ou liste de rues en CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zone_set", help="nom de l'ensemble de zones (collecte)")
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Fichier illisible : {path} ({exc})") from None
        if path.suffix.lower() in (".geojson", ".json"):
            zones = _from_geojson(text)
        elif path.suffix.lower() == ".csv":
            zones = _from_streets(text)
        else:
            raise CommandError("Format inconnu : .geojson, .json ou .csv attendu.")
        with transaction.atomic():
            for name, fields in zones.items():
                Zone.objects.update_or_create(
                    zone_set=options["zone_set"], name=name, defaults=fields
                )
        self.stdout.write(f"{len(zones)} zone(s) importée(s) dans « {options['zone_set']} ».")


def _from_geojson(text: str) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"GeoJSON invalide ({exc.msg}, ligne {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise CommandError("Une FeatureCollection GeoJSON est attendue.")
    zones: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(data.get("features") or [], start=1):
        props = dict((feature or {}).get("properties") or {})
        name = str(props.pop("name", "") or props.pop("nom", "")).strip()
        if not name:
            raise CommandError(f"Zone {number} : propriété « name » manquante.")
        try:
            area = shape_read(feature.get("geometry"))
        except GeometryError as exc:
            raise CommandError(f"Zone « {name} » : {exc}") from None
        if area is None:
            raise CommandError(f"Zone « {name} » : géométrie Polygon ou MultiPolygon manquante.")
        zones[name[:120]] = {"outline": feature["geometry"], "values": props}
    return zones


def _from_streets(text: str) -> dict[str, dict[str, Any]]:
    dialect = ";" if text.split("\n", 1)[0].count(";") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=dialect)
    if not {"zone", "rue"} <= set(reader.fieldnames or []):
        raise CommandError("Colonnes « zone » et « rue » attendues.")
    zones: dict[str, dict[str, Any]] = {}
    streets: dict[str, list[str]] = {}
    for row in reader:
        name, street = (row.get("zone") or "").strip(), (row.get("rue") or "").strip()
        if not name or not street:
            continue
        values = {k: v for k, v in row.items() if k not in ("zone", "rue") and k and v}
        zones.setdefault(name[:120], {"values": values})
        streets.setdefault(name[:120], []).append(street)
    for name, fields in zones.items():
        fields["streets"] = "\n".join(streets[name])
    return zones
