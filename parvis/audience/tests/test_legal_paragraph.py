"""The legal page says exactly what the audience measure does."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.utils import translation

from parvis.audience.legal import audience_legal_text
from parvis.content.models import StandardPage

pytestmark = pytest.mark.django_db


def test_the_demo_legal_page_carries_the_paragraph_the_code_renders():
    """The "Données personnelles" page of the demo holds, word for word, the paragraph rendered
    from the settings the measure uses (retention, open-data threshold)."""
    with translation.override("fr"):
        expected = audience_legal_text()
    page = StandardPage.objects.get(slug="donnees-personnelles")
    assert expected in html.unescape(str(page.body))
    served = Client().get(page.url)
    assert expected in " ".join(html.unescape(served.content.decode()).split())


def test_the_paragraph_states_the_figures_of_the_settings(settings):
    """Retention and threshold in the text follow the settings."""
    settings.PARVIS_AUDIENCE_OPEN_DATA_MIN = 7
    with translation.override("fr"):
        text = audience_legal_text()
    assert "moins de 7 est retirée" in text
    assert f"après {settings.PARVIS_AUDIENCE_RETENTION_DAYS} jours" in text
    assert "aucun cookie" in text and "adresse IP" in text
