"""Open311 GeoReport v2 over real HTTP: the georeport client for GETs, raw requests for the rest."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import pytest
import requests
from georeport import GeoReport

DT_TYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


@pytest.fixture
def base(open311_server):
    return open311_server[0] + "/open311/v2"


@pytest.fixture
def key(open311_server):
    return open311_server[1]


def _post(base, key, fmt="json", headers=None, **fields):
    data = {"api_key": key, "service_code": "lampadaire", "lat": "47.2130", "long": "-1.5610"}
    data.update(fields)
    return requests.post(f"{base}/requests.{fmt}", data=data, headers=headers, timeout=10)


def test_discovery_lists_both_formats(base):
    """Discovery answers in JSON and XML with every field the specification requires."""
    doc = requests.get(f"{base}/discovery.json", timeout=10).json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= doc.keys()
    endpoint = doc["endpoints"][0]
    assert endpoint["type"] in ("production", "test")
    assert "application/json" in endpoint["formats"] and endpoint["specification"]
    xml = requests.get(f"{base}/discovery.xml", timeout=10)
    assert xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert ET.fromstring(xml.content).tag == "discovery"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_and_definitions(base, fmt):
    """The georeport client lists services and reads each definition, in JSON and XML."""
    client = GeoReport(base, output_format=fmt)
    services = client.get_service_list()
    assert len(services) >= 10
    for service in services:
        assert {"service_code", "service_name", "metadata", "type", "group"} <= service.keys()
        assert service["type"] in ("realtime", "batch", "blackbox")
    definition = client.get_service_definition(services[0]["service_code"])
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    orders = [int(a["order"]) for a in attributes]
    assert len(set(orders)) == len(orders) and min(orders) >= 1
    assert {a["datatype"] for a in attributes} <= DT_TYPES


def test_services_json_types(base):
    """metadata is a JSON boolean and service codes are strings; charset is utf-8."""
    response = requests.get(f"{base}/services.json", timeout=10)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    for service in response.json():
        assert isinstance(service["metadata"], bool)
        assert isinstance(service["service_code"], str)


def test_post_then_read_back_with_georeport(base, key):
    """A POST returns one id; the georeport client reads it back with its text intact."""
    text = f"Lampadaire éteint, œil de bœuf’ {uuid.uuid4()}"
    response = _post(base, key, description=text)
    assert response.status_code == 200
    (created,) = response.json()
    assert "token" not in created
    rid = created["service_request_id"]
    assert isinstance(rid, str)
    for fmt in ("json", "xml"):
        client = GeoReport(base, output_format=fmt)
        found = client.get_service_requests(service_request_id=rid)
        item = found if fmt == "json" else found  # parsed below
        if fmt == "json":
            (item,) = found
        else:
            item = found["service_requests"]["request"] if "service_requests" in found else found
        assert item["description"] == text
        assert item["status"] == "open"
        assert item["requested_datetime"][-6] in "+-" or item["requested_datetime"].endswith("Z")
    one = requests.get(f"{base}/requests/{rid}.json", timeout=10).json()
    assert len(one) == 1 and float(one[0]["lat"]) == pytest.approx(47.213)


def test_retried_post_with_idempotency_key_creates_one_request(base, key):
    """A retried POST with the same Idempotency-Key returns the first response."""
    headers = {"Idempotency-Key": f'"{uuid.uuid4()}"'}
    text = f"Retry {uuid.uuid4()}"
    first = _post(base, key, headers=headers, description=text)
    second = _post(base, key, headers=headers, description=text)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    other = _post(base, key, headers=headers, description=text + " changed")
    assert other.status_code == 422
    assert other.json()[0]["code"] == 422


def test_tokens_resolve_to_request_ids(base, key):
    """tokens/{token} answers 404 for an unknown token, with the error array."""
    response = requests.get(f"{base}/tokens/unknown-token.json", timeout=10)
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_dates_without_timezone_and_wide_windows_are_refused(base):
    """A datetime without a time zone, or a window over 90 days, is a 400 error array."""
    no_tz = requests.get(f"{base}/requests.json", params={"start_date": "2026-01-01T00:00:00"})
    assert no_tz.status_code == 400
    wide = requests.get(
        f"{base}/requests.json",
        params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    )
    assert wide.status_code == 400 and wide.json()[0]["description"]


def test_status_filter_and_empty_arguments(base, key):
    """status=open,closed is accepted; an empty argument behaves like an absent one."""
    _post(base, key, description=f"Filtre {uuid.uuid4()}")
    both = requests.get(f"{base}/requests.json?status=open,closed", timeout=10).json()
    empty = requests.get(f"{base}/requests.json?status=&service_code=", timeout=10).json()
    assert both and len(both) == len(empty)


def test_concurrent_retries_with_one_key_create_one_request(base, key):
    """20 POSTs with one key (10 at a time): one request; answers are 200 with one id or 409."""
    from concurrent.futures import ThreadPoolExecutor

    headers = {"Idempotency-Key": str(uuid.uuid4())}
    text = f"Concurrent {uuid.uuid4()}"
    with ThreadPoolExecutor(10) as pool:
        responses = list(
            pool.map(lambda _i: _post(base, key, headers=headers, description=text), range(20))
        )
    assert {r.status_code for r in responses} <= {200, 409}
    ids = {r.json()[0]["service_request_id"] for r in responses if r.status_code == 200}
    assert len(ids) == 1
    listed = requests.get(f"{base}/requests.json", params={"page_size": 1000}, timeout=10).json()
    assert sum(1 for item in listed if item["description"] == text) == 1
