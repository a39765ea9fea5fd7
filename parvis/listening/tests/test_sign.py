"""The printable sign: a real PDF whose QR code, read back from its rendering, gives the address."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.test import Client

from parvis.listening.sign import SignContent, sign_layout, sign_pdf
from parvis.listening.tests import read_side
from parvis.reports.tests.factories import agent_for

LONGEST = (
    "Faut-il une piste cyclable séparée de la circulation sur le pont Anne-de-Bretagne, même "
    "si cela supprime une voie de voitures aux heures de pointe du matin et du soir ?"
)[:160]
SIX = ["Oui, tout à fait", "Plutôt oui", "Plutôt non", "Non", "Sans avis", "Autre idée"]


def _content(**kwargs: object) -> SignContent:
    values = {
        "question": "Faut-il plus d'arceaux vélo place Graslin ?",
        "code": "VELO12",
        "url": "https://parvis.example/m/VELO12/",
        "short_url": "parvis.example/m/VELO12",
        "sms_number": "06 44 63 12 12",
        "closes_at": dt.datetime(2027, 3, 12, 18, 0),
        "choices": ["Oui", "Non"],
    } | kwargs
    return SignContent(**values)


def _render(pdf: bytes, dpi: int = 100):  # noqa: ANN202 — a PIL image
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    return document[0].render(scale=dpi / 72).to_pil()


def _text(pdf: bytes) -> str:
    page = pdfium.PdfDocument(pdf)[0]
    return " ".join(page.get_textpage().get_text_range().split())


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_qr_code_decoded_from_the_rendered_sign_is_the_answer_address(paper):
    """The QR code read back (zxing-cpp) from the PDF rendered at 100 dpi is /m/<code>/."""
    pdf = sign_pdf(_content(question=LONGEST, choices=SIX), paper=paper)
    found = [barcode.text for barcode in zxingcpp.read_barcodes(_render(pdf))]
    assert found == ["https://parvis.example/m/VELO12/"]


def test_sign_text_has_the_question_code_number_date_and_privacy_notice():
    """The PDF's text layer carries the question, the code, the SMS number, the date, the notice."""
    text = _text(sign_pdf(_content()))
    assert "Faut-il plus d'arceaux vélo place Graslin ?" in text
    assert "VELO12" in text
    assert "06 44 63 12 12" in text
    assert "parvis.example/m/VELO12" in text
    assert "Répondez avant le 12 mars 2027." in text
    assert "votre numéro n'est jamais publié" in text


def test_paper_sizes_are_a4_and_a3_portrait():
    """A4 is 595 × 842 pt and A3 842 × 1191 pt."""
    for paper, size in (("a4", (595, 842)), ("a3", (842, 1191))):
        width, height = pdfium.PdfDocument(sign_pdf(_content(), paper=paper))[0].get_size()
        assert (round(width), round(height)) == size


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_longest_question_with_six_answers_fits_at_a_size_read_from_three_metres(paper):
    """160 characters and six answers: the question stays ≥ 40 pt on A4 (× √2 on A3) and ends
    above the answer block."""
    layout = sign_layout(_content(question=LONGEST, choices=SIX), paper=paper)
    scale = 2**0.5 if paper == "a3" else 1
    assert layout.question_pt >= 40 * scale - 0.01
    assert layout.question_bottom > layout.answer_top


def test_a_short_question_is_printed_larger():
    """A short question gets the largest size (60 pt on A4)."""
    assert sign_layout(_content(question="Plus d'arbres ici ?")).question_pt == 60


def test_without_sms_number_the_sign_offers_the_code_and_the_address():
    """No SMS number configured: the sign says to answer on the web address, and shows the code."""
    text = _text(sign_pdf(_content(sms_number="")))
    assert "SMS" not in text
    assert "VELO12" in text and "Répondez sur parvis.example/m/VELO12" in text


@pytest.mark.django_db
def test_agent_of_the_service_downloads_the_sign_others_get_404(settings):
    """/questions/<code>/affiche-a4.pdf: the question's agents get the PDF; anonymous, an agent
    of another service and an unknown paper get 404."""
    settings.PARVIS_SMS_NUMBER = "06 44 63 12 12"
    q = read_side.question(code="PONT7", status="draft")
    client = Client()
    url = f"/questions/{q.code}/affiche-a4.pdf"
    assert client.get(url).status_code == 404
    client.force_login(agent_for("education"))
    assert client.get(url).status_code == 404
    client.force_login(agent_for("etat-civil"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = _text(response.content)
    assert q.text in text and "06 44 63 12 12" in text
    found = [b.text for b in zxingcpp.read_barcodes(_render(response.content))]
    assert found == [f"{settings.BASE_URL}/m/PONT7/"]
    assert client.get(f"/questions/{q.code}/affiche-a3.pdf").status_code == 200
    assert client.get(f"/questions/{q.code}/affiche-a5.pdf").status_code == 404


@pytest.mark.django_db
def test_back_office_listing_offers_the_signs():
    """The questions' listing in the back office links each question's A4 and A3 signs."""
    from django.contrib.auth.models import User

    q = read_side.question(code="LISTE1")
    client = Client()
    client.force_login(User.objects.create_superuser("affiches", password="x-pass-42!"))
    page = client.get("/admin/snippets/listening/fieldquestion/").content.decode()
    assert f"/questions/{q.code}/affiche-a4.pdf" in page
    assert f"/questions/{q.code}/affiche-a3.pdf" in page
