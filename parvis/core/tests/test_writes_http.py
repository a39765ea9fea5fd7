"""The public-write policy over real HTTP, through gunicorn: what the test client cannot show
(a chunked body, a Content-Length the client never sends in full)."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import requests


def _raw_post(portal_url: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """Send a request by hand and read the answer until the server closes the connection."""
    host, port = urlsplit(portal_url).hostname, urlsplit(portal_url).port
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection((host, port)) as sock:
        sock.settimeout(120)  # a guard against a hang, not a measured deadline
        sock.sendall(head.encode() + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_announced_200_mb_body_is_refused_before_it_is_sent(portal_url):
    """The client announces 200 MB and sends 1 KB: the server answers 413 without waiting
    for (reading) the rest."""
    answer = _raw_post(
        portal_url,
        "/api/v1/reports",
        {"Content-Type": "application/json", "Content-Length": str(200 * 1024 * 1024)},
        b"{" + b" " * 1023,
    )
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 413 " in status_line
    assert "trop volumineuse" in json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"]


def test_chunked_report_upload_is_refused(portal_url):
    """A report form posted chunked (no Content-Length) gets 413, in HTML."""
    answer = _raw_post(
        portal_url,
        "/signalements/nouveau/",
        {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"},
        b"5\r\na=b&c\r\n0\r\n\r\n",
    )
    assert b" 413 " in answer.partition(b"\r\n")[0]
    assert b"Content-Length" in answer


def test_cross_site_text_plain_post_files_nothing(portal_url):
    """What a cross-site <form enctype="text/plain"> can send: 415, and no report."""
    body = json.dumps({"category": "nid-de-poule", "description": "CSRF-CANARY", "address": "1"})
    response = requests.post(
        f"{portal_url}/api/v1/reports",
        data=body,
        headers={"Content-Type": "text/plain"},
        timeout=30,
    )
    assert response.status_code == 415
    listed = requests.get(f"{portal_url}/api/v1/reports", timeout=30).text
    assert "CSRF-CANARY" not in listed
