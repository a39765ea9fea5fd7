"""Addresses: geocoding, reverse geocoding and completion with addok, self-hosted on Redis.

addok is the national address base's own engine (the one the State's address API runs), with
its French plugins (addok-fr: phonetics and synonyms; addok-france: housenumbers, ordinals,
labels). It runs in this process against a Redis this install owns (``PARVIS_ADDOK_REDIS_*``:
the index in one database, the documents in the next). Nothing goes to the network beyond
that Redis. When Redis is unreachable every function here answers "nothing found" (an empty
list, None) and logs once: address fields stay free text, no page fails.

Addresses come from the Base Adresse Nationale's published CSV (``adresses-44.csv``, one
housenumber a line, ``;``-separated): :func:`addresses_import` groups its lines by street into
addok documents.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

BAN_COLUMNS = {"numero", "nom_voie", "code_postal", "code_insee", "nom_commune", "lon", "lat"}
MIN_QUERY = 3

_lock = threading.Lock()
_loaded_for: tuple[Any, ...] | None = None


class AddressImportError(ValueError):
    """The file is not a BAN CSV (message in French)."""


@dataclass(frozen=True)
class Address:
    label: str  # "12 Rue de Strasbourg 44000 Nantes"
    name: str  # "12 Rue de Strasbourg"
    street: str  # "Rue de Strasbourg"
    housenumber: str
    postcode: str
    city: str
    citycode: str  # INSEE code of the commune
    latitude: float
    longitude: float
    score: float = 0.0


def _redis_params() -> dict[str, Any]:
    return {
        "host": settings.PARVIS_ADDOK_REDIS_HOST,
        "port": settings.PARVIS_ADDOK_REDIS_PORT,
        "indexes": {"db": settings.PARVIS_ADDOK_REDIS_DB},
        "documents": {"db": settings.PARVIS_ADDOK_REDIS_DB + 1},
    }


# addok's configuration for French addresses, as the national address API sets it up.
ADDOK_CONFIG = {
    "QUERY_PROCESSORS_PYPATHS": [
        "addok.helpers.text.check_query_length",
        "addok_france.extract_address",
        "addok_france.clean_query",
        "addok_france.remove_leading_zeros",
    ],
    "SEARCH_RESULT_PROCESSORS_PYPATHS": [
        "addok.helpers.results.match_housenumber",
        "addok_france.make_labels",
        "addok.helpers.results.score_by_importance",
        "addok.helpers.results.score_by_autocomplete_distance",
        "addok.helpers.results.score_by_ngram_distance",
        "addok.helpers.results.score_by_geo_distance",
    ],
    "PROCESSORS_PYPATHS": [
        "addok.helpers.text.tokenize",
        "addok.helpers.text.normalize",
        "addok_france.glue_ordinal",
        "addok_france.fold_ordinal",
        "addok_france.flag_housenumber",
        "addok.helpers.text.synonymize",
        "addok_fr.phonemicize",
    ],
    "FILTERS": ["type", "postcode", "citycode"],
    "BATCH_WORKERS": 1,
    "ATTRIBUTION": "BAN",
    "LICENCE": "ETALAB-2.0",
}


def _addok() -> Any:
    """addok's configuration, loaded once per process for the configured Redis."""
    global _loaded_for
    from addok.config import config

    key = tuple(sorted(str(v) for v in _redis_params().items()))
    with _lock:
        if _loaded_for is None:
            for name, value in ADDOK_CONFIG.items():
                config[name] = list(value) if isinstance(value, list) else value
            config.REDIS = _redis_params()
            with contextlib.redirect_stdout(io.StringIO()):
                config.load()
            _loaded_for = key
        elif _loaded_for != key:  # the settings changed (tests): reconnect to the new databases
            from addok import db, ds

            config.REDIS = _redis_params()
            db.connect()
            ds.on_load()
            _loaded_for = key
    return config


def available() -> bool:
    """True when addok's Redis answers (checked with a short timeout, never raising)."""
    if not settings.PARVIS_ADDOK_ENABLED:
        return False
    try:
        client = redis.Redis(
            host=settings.PARVIS_ADDOK_REDIS_HOST,
            port=settings.PARVIS_ADDOK_REDIS_PORT,
            db=settings.PARVIS_ADDOK_REDIS_DB,
            socket_connect_timeout=0.5,
            socket_timeout=1,
        )
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def _address(result: Any) -> Address | None:
    try:
        data = result.format()
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    props = data.get("properties", {})
    lon, lat = data.get("geometry", {}).get("coordinates", (None, None))
    if lat is None or lon is None:
        return None
    return Address(
        label=str(props.get("label", "")),
        name=str(props.get("name", "")),
        street=str(props.get("street") or props.get("name", "")),
        housenumber=str(props.get("housenumber", "")),
        postcode=str(props.get("postcode", "")),
        city=str(props.get("city", "")),
        citycode=str(props.get("citycode", "")),
        latitude=float(lat),
        longitude=float(lon),
        score=float(props.get("score", 0.0)),
    )


def geocode(query: str, *, limit: int = 5, autocomplete: bool = True) -> list[Address]:
    """Addresses matching ``query`` ("12 rue de strasbourg nantes"), best first; [] when
    nothing matches or the address engine is unreachable."""
    text = " ".join(str(query).split())[:200]
    if len(text) < MIN_QUERY or not available():
        return []
    try:
        _addok()
        from addok.core import search

        results = search(text, limit=limit, autocomplete=autocomplete)
    except (redis.RedisError, OSError, ValueError) as exc:
        logger.warning("geocoding: address engine unavailable (%s)", type(exc).__name__)
        return []
    found = (_address(r) for r in results)
    return [a for a in found if a is not None]


def reverse(*, latitude: float, longitude: float) -> Address | None:
    """The nearest known address to a position ("utiliser ma position"), or None."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or not available():
        return None
    try:
        _addok()
        from addok.core import reverse as addok_reverse

        results = addok_reverse(lat=latitude, lon=longitude, limit=1)
    except (redis.RedisError, OSError, ValueError) as exc:
        logger.warning("geocoding: address engine unavailable (%s)", type(exc).__name__)
        return None
    for result in results:
        address = _address(result)
        if address is not None:
            return address
    return None


def ban_rows(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """The lines of a Base Adresse Nationale CSV file as dicts (raises AddressImportError)."""
    reader = csv.DictReader(lines, delimiter=";")
    missing = BAN_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise AddressImportError(
            "Ce n'est pas un fichier de la Base Adresse Nationale : colonnes manquantes "
            + ", ".join(sorted(missing))
        )
    yield from reader


def street_documents(rows: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    """addok documents, one per street (its housenumbers with their positions)."""
    streets: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (TypeError, ValueError):
            continue
        name = (row.get("nom_voie") or "").strip()
        citycode = (row.get("code_insee") or "").strip()
        if not name or not citycode:
            continue
        key = (citycode, name.casefold())
        street = streets.setdefault(
            key,
            {
                "id": (row.get("id_fantoir") or f"{citycode}_{name}").strip(),
                "type": "street",
                "name": name,
                "postcode": (row.get("code_postal") or "").strip(),
                "citycode": citycode,
                "city": (row.get("nom_commune") or "").strip(),
                "importance": 0.5,
                "housenumbers": {},
                "_points": [],
            },
        )
        number = f"{row.get('numero', '').strip()}{(row.get('rep') or '').strip()}"
        if number:
            street["housenumbers"][number] = {"lat": lat, "lon": lon, "id": row.get("id", "")}
        street["_points"].append((lat, lon))
    documents = []
    for street in streets.values():
        points = street.pop("_points")
        street["lat"] = sum(p[0] for p in points) / len(points)
        street["lon"] = sum(p[1] for p in points) / len(points)
        documents.append(street)
    return documents


def addresses_import(path: Path) -> int:
    """Index a BAN CSV file in addok; the number of streets indexed.

    Raises AddressImportError for a file that is not a BAN CSV, ConnectionError when the
    address engine's Redis cannot be reached.
    """
    if not available():
        raise ConnectionError("Redis du moteur d'adresses injoignable")
    with path.open(encoding="utf-8", newline="") as handle:
        documents = street_documents(ban_rows(handle))
    _addok()
    from addok.batch import process_documents

    process_documents(*(json.dumps(doc) for doc in documents))
    return len(documents)


def addresses_reset() -> None:
    """Forget every indexed address (both of addok's Redis databases)."""
    if not available():
        return
    _addok()
    from addok import db, ds

    db.DB.flushdb()
    ds._DB.flushdb()
