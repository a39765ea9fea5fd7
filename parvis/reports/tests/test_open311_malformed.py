"""S7: a generated corpus of malformed Open311 requests gets 4xx error arrays, never a 5xx."""

from __future__ import annotations

import itertools
import json
import random
import xml.etree.ElementTree as ET

import requests

BAD_LATLONG = [
    ("91", "0"),
    ("-90.0001", "0"),
    ("0", "180.5"),
    ("0", "-181"),
    ("abc", "1"),
    ("1", "x"),
    ("nan", "nan"),
    ("inf", "0"),
    ("1e400", "0"),
    ("47.2", ""),
    ("", "-1.5"),
    ("47,2", "-1,5"),
]


def _corpus(key: str) -> list[tuple[str, str, str, dict | bytes, dict]]:
    """(method, path, fmt, data, headers) tuples, all invalid in some way."""
    rng = random.Random(311)  # noqa: S311 — a reproducible corpus, not security
    cases: list[tuple[str, str, str, dict | bytes, dict]] = []
    good = {"api_key": key, "service_code": "lampadaire", "lat": "47.2", "long": "-1.55"}
    for fmt in ("json", "xml"):
        for jid in ("evil.example", "x" * 300, "nantes.fr.evil", "%00", "0"):
            cases.append(("GET", "services", fmt, {"jurisdiction_id": jid}, {}))
            cases.append(("GET", "requests", fmt, {"jurisdiction_id": jid}, {}))
            cases.append(("POST", "requests", fmt, {**good, "jurisdiction_id": jid}, {}))
            cases.append(("GET", "services/lampadaire", fmt, {"jurisdiction_id": jid}, {}))
        for lat, lon in BAD_LATLONG:
            cases.append(("POST", "requests", fmt, {**good, "lat": lat, "long": lon}, {}))
        for code in ("", "inconnu", "0", "lampadaire'--", "../etc", "x" * 40, "ÉCLAIRAGE"):
            cases.append(("POST", "requests", fmt, {**good, "service_code": code}, {}))
            cases.append(("GET", f"services/{code or 'zz'}", fmt, {}, {}))
        for bad_key in ("", "nope", "pv311_" + "A" * 43, "x" * 500, key + "x", key[:-1]):
            cases.append(("POST", "requests", fmt, {**good, "api_key": bad_key}, {}))
        cases.append(
            ("POST", "requests", fmt, {k: v for k, v in good.items() if k != "api_key"}, {})
        )
        cases.append(("POST", "requests", fmt, {**good, "description": "x" * 100_000}, {}))
        cases.append(("POST", "requests", fmt, {**good, "description": "é" * 4001}, {}))
        cases.append(("POST", "requests", fmt, {**good, "email": "pas-un-courriel"}, {}))
        cases.append(("POST", "requests", fmt, {**good, "attribute[danger]": "peut-être"}, {}))
        cases.append(("POST", "requests", fmt, {**good, "lat": "", "long": ""}, {}))
        for raw in (b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80abc", b"\x00"):
            body = b"api_key=" + key.encode() + b"&service_code=lampadaire&lat=47.2&long=-1.5"
            body += b"&description=" + raw + b"&email=" + raw + b"%40x"
            cases.append(("RAW", "requests", fmt, body, {}))
            cases.append(("RAW", "requests", fmt, b"service_code=" + raw, {}))
            cases.append(("GETRAW", "requests", fmt, b"start_date=" + raw, {}))
        for header in ("not a key", '"unterminated', "a" * 300, '"é"'):
            cases.append(("POST", "requests", fmt, good, {"Idempotency-Key": header}))
        dates = ["2026-01-01", "2026-01-01T00:00:00", "yesterday", "2026-13-45T00:00:00Z", "0"]
        for start, end in itertools.product(dates, ["", "2026-02-01T00:00:00+25:00"]):
            cases.append(("GET", "requests", fmt, {"start_date": start, "end_date": end}, {}))
        wide = {"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}
        cases.append(("GET", "requests", fmt, wide, {}))
        for status in ("opened", "OPEN", "open;closed", "1"):
            cases.append(("GET", "requests", fmt, {"status": status}, {}))
        # Unicode digits: str.isdigit() says yes, int() refuses "²" and reads "٣" as 3.
        for ids in ("abc", "1,,x", "-1", "1.5", "9" * 30, "²", "1,٣", "١٢", "¹⁰"):
            cases.append(("GET", "requests", fmt, {"service_request_id": ids}, {}))
        for page, size in (
            ("0", ""),
            ("-1", ""),
            ("x", ""),
            ("1", "0"),
            ("1", "5000"),
            ("²", ""),
            ("٣", ""),
            ("1", "٣"),
            ("1", "¹⁰"),
        ):
            cases.append(("GET", "requests", fmt, {"page": page, "page_size": size}, {}))
        for path in ("requests/999999999", "tokens/nope", "tokens/" + "z" * 64, "nothing"):
            cases.append(("GET", path, fmt, {}, {}))
        for method in ("PUT", "DELETE", "PATCH"):
            cases.append((method, "requests", fmt, good, {}))
            cases.append((method, "services", fmt, {}, {}))
        cases.append(("POST", "services", fmt, good, {}))
        cases.append(("POST", "discovery", fmt, good, {}))
    # Random combinations of the above faults until the corpus is large enough.
    while len(cases) < 520:
        fmt = rng.choice(["json", "xml"])
        lat, lon = rng.choice(BAD_LATLONG)
        data = {
            "api_key": rng.choice(["", "bad", key]),
            "service_code": rng.choice(["", "inconnu", "lampadaire"]),
            "lat": lat,
            "long": lon,
            "description": rng.choice(["", "x" * rng.randint(4001, 20000), "ok"]),
            "jurisdiction_id": rng.choice(["", "evil.example"]),
        }
        cases.append(("POST", "requests", fmt, data, {}))
    return cases


def _send(session: requests.Session, base: str, case) -> requests.Response:
    method, path, fmt, data, headers = case
    url = f"{base}/{path}.{fmt}"
    if method == "RAW":
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        return session.post(url, data=data, headers=headers, timeout=20)
    if method == "GETRAW":
        return session.get(url + "?" + data.decode("latin-1"), timeout=20)
    if method == "GET":
        return session.get(url, params=data, headers=headers, timeout=20)
    return session.request(method, url, data=data, headers=headers, timeout=20)


def _is_error_array(response: requests.Response, fmt: str) -> bool:
    if fmt == "json":
        body = json.loads(response.content)
        return isinstance(body, list) and all({"code", "description"} <= e.keys() for e in body)
    if not response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
        return False
    root = ET.fromstring(response.content)
    errors = root.findall("error")
    return (
        root.tag == "errors"
        and bool(errors)
        and all(e.find("code") is not None and e.find("description") is not None for e in errors)
    )


def test_malformed_open311_corpus_gets_4xx_error_arrays(open311_server):
    """≥ 500 malformed requests: all 4xx, all in the spec's error format, in the asked format."""
    url, key = open311_server
    base = url + "/open311/v2"
    corpus = _corpus(key)
    assert len(corpus) >= 500
    session = requests.Session()
    statuses: dict[int, int] = {}
    wrong: list[tuple] = []
    for case in corpus:
        response = _send(session, base, case)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        fmt = case[2]
        try:
            well_formed = _is_error_array(response, fmt)
        except (ValueError, ET.ParseError):
            well_formed = False
        if not (400 <= response.status_code < 500) or not well_formed:
            wrong.append((case[0], case[1], fmt, str(case[3])[:80], response.status_code))
        ctype = response.headers["Content-Type"]
        if not ctype.startswith("application/json" if fmt == "json" else "text/xml"):
            wrong.append((case[0], case[1], fmt, str(case[3])[:80], ctype))
    print(  # noqa: T201 — the figures the issue asks for, shown with -s
        f"corpus={len(corpus)} statuses={dict(sorted(statuses.items()))}"
    )
    assert wrong == [], "\n".join(map(str, wrong))
    assert not any(code >= 500 for code in statuses)


def test_post_without_valid_key_is_403(open311_server):
    """A POST without a valid api_key gets 403, as in the specification's example."""
    url, _key = open311_server
    response = requests.post(
        f"{url}/open311/v2/requests.xml",
        data={"service_code": "lampadaire", "lat": "47.2", "long": "-1.5"},
        timeout=10,
    )
    assert response.status_code == 403
    assert ET.fromstring(response.content).find("error/code").text == "403"


# Every door but Open311: (method, path, query or JSON body, allowed statuses). Each of these
# once answered a 500 (or still may on a branch that has not fixed it); none may now.
DOORS: list[tuple[str, str, dict | list | str | None, range | tuple[int, ...]]] = [
    ("GET", "/signalements/", {"quartier": "a b"}, (200,)),
    ("GET", "/signalements/", {"quartier": "é/../x", "page": "²"}, (200,)),
    ("GET", "/signalements/", {"status": "٣", "category": "\u0000"}, (200,)),
    ("GET", "/signalements/suivi/%C2%B2/", None, (404,)),
    ("GET", "/signalements/quartier/a%20b/rss/", None, (404,)),
    ("GET", "/verifier/", {"url": "http://[::1"}, range(400, 500)),
    ("GET", "/assistant/inconnu/", {"t": "x"}, (404,)),
    ("GET", "/admin/reponses/sans-reponse/", {"jours": "²"}, (302,)),
    ("GET", "/api/v1/reports", {"page": "²"}, (400,)),
    ("GET", "/api/v1/reports", {"page": "null"}, (400,)),
    ("GET", "/api/v1/reports/null%2Cnull", None, (404,)),
    ("GET", "/api/v1/answers", {"q": ""}, (400,)),
    ("GET", "/api/v1/answers", {"q": "?!"}, (400,)),
    ("GET", "/api/v1/answers", {"q": "piscine", "limit": "٣"}, (400,)),
    ("GET", "/api/v1/conversations/inconnu", None, (404,)),
    ("POST", "/api/v1/conversations", [None, None], (400,)),
    ("POST", "/api/v1/conversations", "pas du JSON", (400,)),
    ("POST", "/api/v1/conversations/inconnu/messages", [None], (400, 404)),
    ("POST", "/api/v1/reports", {"category": "nid-de-poule", "description": "Trou"}, (400,)),
    (
        "POST",
        "/api/v1/reports",
        {"category": "nid-de-poule", "description": "Trou", "lat": 47.2},
        (400,),
    ),
    (
        "POST",
        "/api/v1/reports",
        {"category": "nid-de-poule", "description": " ", "address": "x"},
        (400,),
    ),
]


def test_malformed_requests_on_every_other_door_get_no_5xx(open311_server):
    """Web pages and the JSON API: each malformed case gets its expected 2xx/4xx, JSON for the
    API (``{"error": …}``), never a 5xx."""
    url, _key = open311_server
    wrong = []
    for method, path, data, allowed in DOORS:
        if method == "GET":
            response = requests.get(url + path, params=data, timeout=20, allow_redirects=False)
        elif isinstance(data, str):
            response = requests.post(
                url + path, data=data, headers={"Content-Type": "application/json"}, timeout=20
            )
        else:
            response = requests.post(url + path, json=data, timeout=20)
        if response.status_code not in allowed:
            wrong.append((method, path, data, response.status_code))
        elif path.startswith("/api/") and response.status_code >= 400:
            if not response.headers["Content-Type"].startswith("application/json"):
                wrong.append((method, path, data, response.headers["Content-Type"]))
            elif not response.json().get("error"):
                wrong.append((method, path, data, response.text[:80]))
    print(f"doors={len(DOORS)}")  # noqa: T201 — the corpus size the issue asks for, with -s
    assert wrong == [], "\n".join(map(str, wrong))
