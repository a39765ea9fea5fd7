"""The demo's groups: published, in their quartiers, with upcoming events, findable."""

from __future__ import annotations

import pytest

from parvis.answers.selectors import answer_query
from parvis.answers.sources import source_refresh
from parvis.networks.demo import networks_demo_load
from parvis.networks.models import Event, Group

pytestmark = pytest.mark.django_db


def test_the_demo_groups_load_once_with_their_events(client) -> None:
    assert networks_demo_load() == 7
    assert networks_demo_load() == 0
    assert Group.objects.filter(status=Group.Status.APPROVED).count() == 7
    training = Event.objects.filter(title="Entraînement des 6-15 ans")
    assert training.count() == 8 and training.first().lieu.title == "Maison de quartier de Doulon"
    page = client.get("/agenda/quartier/doulon-bottiere/").content.decode()
    assert "Entraînement des 6-15 ans" in page
    source_refresh("groupe")
    assert answer_query(query="club de foot Doulon").results[0].title.startswith("Étoile")
    assert answer_query(query="jardin partagé Bellevue").results[0].title.startswith("Jardin")
