"""A page scheduled for later goes live, and is signed, when the worker's job runs."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from parvis.certification.selectors import page_entry_latest
from parvis.content.models import FicheIndexPage, FichePage
from parvis.core.tasks import publish_scheduled_task

pytestmark = pytest.mark.django_db


def test_scheduled_page_goes_live_and_is_certified_when_due():
    """Approved with a go-live time, the page waits; once due, the periodic job publishes it
    and the publication is signed into the transparency log."""
    page = FichePage(
        title="Collecte des sapins de Noël",
        slug="collecte-sapins-noel",
        short_answer="Déposez votre sapin au point de collecte de votre quartier.",
        live=False,
        go_live_at=timezone.now() + timedelta(hours=1),
    )
    FicheIndexPage.objects.first().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert page_entry_latest(page_id=page.pk) is None
    publish_scheduled_task.call()
    assert not FichePage.objects.get(pk=page.pk).live  # not yet due
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        publish_scheduled_task.call()
    page.refresh_from_db()
    assert page.live
    entry = page_entry_latest(page_id=page.pk)
    assert entry is not None and entry.title == "Collecte des sapins de Noël"
