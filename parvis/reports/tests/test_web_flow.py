"""The resident's report flow without JavaScript: place, nearby reports, details, tracking."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from parvis.reports.models import Photo, Report
from parvis.reports.tests.factories import jpeg_bytes, jpeg_with_gps, make_report

pytestmark = pytest.mark.django_db


def _post(client, **extra):
    data = {
        "category": "nid-de-poule",
        "address": "3 rue Crébillon",
        "lat": "",
        "long": "",
        "quartier": "",
        "description": "Un nid-de-poule profond devant le n° 3.",
        "email": "",
        "site_web": "",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(extra)
    return client.post("/signalements/nouveau/", data)


def test_step_one_without_place_explains_what_is_missing(client):
    """Step 1 with a category but no place asks for an address, tied to the field."""
    response = client.get("/signalements/nouveau/", {"category": "nid-de-poule", "address": ""})
    body = response.content.decode()
    assert "Indiquez une adresse" in body
    assert 'id="id_address_error"' in body
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_address_error[^"]*"', body)


def test_the_error_summary_link_lands_on_the_first_category_radio(client):
    """Without a category, the summary's link points at the first radio of the list (the
    group of radios has no id of its own), and the choice made is kept checked."""
    response = client.get("/signalements/nouveau/", {"address": "3 rue Crébillon"})
    body = response.content.decode()
    anchor = re.search(r'<a href="#([^"]+)">Type de problème', body).group(1)
    radios = re.findall(r'<input type="radio" name="category"[^>]*>', body)
    assert radios and f'id="{anchor}"' in radios[0]
    assert all("required" in radio and "aria-invalid" in radio for radio in radios)
    chosen = client.get("/signalements/nouveau/", {"category": "tag", "lat": "47.2"})
    checked = re.findall(r'<input type="radio" name="category"[^>]*checked[^>]*>', chosen.text)
    assert len(checked) == 1 and 'value="tag"' in checked[0]


def test_step_two_shows_nearby_open_reports_to_support(client):
    """Step 2 lists open reports of the same category nearby with a support button."""
    other = make_report(latitude=47.2184, longitude=-1.5536)
    response = client.get(
        "/signalements/nouveau/",
        {"category": "nid-de-poule", "lat": "47.2185", "long": "-1.5537"},
    )
    body = response.content.decode()
    assert "Déjà signalé\u00a0? Soutenez-le" in body
    assert f"/signalements/{other.pk}/soutenir/" in body
    assert 'name="idempotency_key"' in body


def test_form_creates_report_and_redirects_to_tracking_link(client):
    """A valid submission creates a report and lands on its tracking page."""
    response = _post(client, email="suivi@example.test")
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_tracking_url()
    page = client.get(response["Location"]).content.decode()
    assert "est enregistré" in page and "suivi@example.test" not in page


def test_resubmitted_form_creates_one_report(client):
    """A form re-submitted after a timeout (same hidden key) creates one report."""
    key = str(uuid.uuid4())
    first = _post(client, idempotency_key=key)
    second = _post(client, idempotency_key=key)
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_honeypot_stores_nothing(client):
    """A filled honeypot gets a thank-you page and stores nothing."""
    response = _post(client, site_web="http://spam.test")
    assert response.status_code == 302
    assert Report.objects.count() == 0


@override_settings(PARVIS_RATELIMITS={"reports.create": [(2, 600)]})
def test_rate_limit_answers_429_and_ignores_spoofed_forwarded_for(client):
    """Past the limit a client gets 429 + Retry-After, even with a forged X-Forwarded-For."""
    assert _post(client).status_code == 302
    assert _post(client).status_code == 302
    response = _post(client, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Report.objects.count() == 2


def _post_photo(client, content: bytes, name: str = "p.jpg", ctype: str = "image/jpeg"):
    return _post(client, photo1=SimpleUploadedFile(name, content, content_type=ctype))


def test_served_photo_has_no_gps_exif(client):
    """A JPEG with GPS EXIF is served re-encoded, without the GPS tag (0x8825) or serial."""
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get(0x8825)
    assert _post_photo(client, jpeg_with_gps()).status_code == 302
    photo = Photo.objects.get()
    for size in ("grande", "vignette"):
        response = client.get(f"/signalements/photos/{photo.token}/{size}.jpg")
        data = b"".join(response.streaming_content)
        assert response["Content-Type"] == "image/jpeg"
        exif = Image.open(io.BytesIO(data)).getexif()
        assert 0x8825 not in exif and b"SERIAL-CANARY" not in data


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
        (b"<html><script>alert(1)</script></html>", "x.jpg"),
        (b"%PDF-1.4 /JS (app.alert(1))", "../../x.jpg"),
    ],
)
def test_dangerous_uploads_are_refused(client, content, name):
    """SVG, HTML renamed .jpg and PDF are refused with a form error; nothing is stored."""
    response = _post_photo(client, content, name)
    assert response.status_code == 400
    assert "photo accept" in response.content.decode()
    assert Report.objects.count() == 0


@override_settings(PARVIS_REPORTS_PHOTO_MAX_BYTES=1000)
def test_too_large_photo_gets_413_and_a_clear_error(client):
    """A photo over the size limit gets a 413 with a clear message."""
    response = _post_photo(client, jpeg_bytes(size=(400, 400)) + b"\0" * 2000)
    assert response.status_code == 413
    assert "dépasse" in response.content.decode()


def test_hidden_report_is_not_public(client):
    """A hidden report answers 404 publicly and is absent from the list."""
    report = make_report(description="Texte masqué XYZ")
    Report.objects.filter(pk=report.pk).update(hidden=True)
    assert client.get(f"/signalements/{report.pk}/").status_code == 404
    assert "Texte masqué XYZ" not in client.get("/signalements/").content.decode()


def test_support_button_counts_once_per_client(client):
    """The support button adds one support per client."""
    report = make_report()
    client.post(f"/signalements/{report.pk}/soutenir/")
    client.post(f"/signalements/{report.pk}/soutenir/")
    report.refresh_from_db()
    assert report.support_count == 1


def _image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def test_the_file_fields_accept_is_the_servers_list_of_formats(client):
    """What the browser offers (``accept``) is exactly what the server takes: each type the
    field lists goes through, a GIF included; a type it does not list (BMP) is refused."""
    page = client.get(
        "/signalements/nouveau/", {"category": "nid-de-poule", "lat": "47.2", "long": "-1.55"}
    ).content.decode()
    accepts = set(re.findall(r'<input[^>]*type="file"[^>]*accept="([^"]+)"', page))
    assert len(accepts) == 1  # the three photo fields say the same
    offered = accepts.pop().split(",")
    assert "image/gif" in offered
    for mime in offered:
        fmt = Image.registered_extensions()["." + mime.split("/")[1]]
        response = _post_photo(client, _image_bytes(fmt), f"p.{fmt.lower()}", mime)
        assert response.status_code == 302, mime
    assert Photo.objects.count() == len(offered)
    assert "image/bmp" not in offered
    assert _post_photo(client, _image_bytes("BMP"), "p.bmp", "image/bmp").status_code == 400
