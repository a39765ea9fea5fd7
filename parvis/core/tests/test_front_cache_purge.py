"""Publishing purges the front cache through the task worker, never in the editor's request."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from parvis.content.models import FichePage
from parvis.core.tests.loopback_http import LoopbackServer

pytestmark = pytest.mark.django_db

PURGE_TASK = "parvis.core.tasks.front_cache_purge_task"


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):  # noqa: ANN001, ANN202 — fixture
    """The worker drops stale connections between tasks; inside a test's transaction that
    would close the test's own connection."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture
def purge_listener(settings):  # noqa: ANN001, ANN201 — fixture
    """A loopback HTTP server standing for nginx's purge listener."""
    server = LoopbackServer().start()
    location = server.url("")
    settings.PARVIS_FRONT_CACHE_URL = location
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": location,
        }
    }
    settings.WAGTAILFRONTENDCACHE_LANGUAGES = []
    yield server
    server.stop()


def test_publishing_queues_the_purge_and_the_worker_sends_it(purge_listener):
    fiche = FichePage.objects.live().order_by("pk").first()
    path = urlsplit(fiche.get_full_url()).path
    parent_path = urlsplit(fiche.get_parent().get_full_url()).path
    fiche.title = "Un titre corrigé pour le cache de façade"
    fiche.save_revision().publish()

    assert purge_listener.requests == []  # the editor's request sent nothing to nginx
    queued = DBTaskResult.objects.filter(task_path=PURGE_TASK)
    assert queued.count() == 1
    assert queued.get().queue_name == "default"

    call_command("worker", once=True, no_schedule=True)

    purged = {request_path for request_path, _headers in purge_listener.requests}
    assert {path, "/en" + path, parent_path, "/en" + parent_path} <= purged
    assert DBTaskResult.objects.get(task_path=PURGE_TASK).status == "SUCCESSFUL"


def test_a_rolled_back_publication_queues_no_purge(purge_listener):
    from django.db import transaction

    fiche = FichePage.objects.live().order_by("pk").first()
    with pytest.raises(RuntimeError), transaction.atomic():
        fiche.title = "Jamais publié"
        fiche.save_revision().publish()
        raise RuntimeError("the editor's save failed")
    assert not DBTaskResult.objects.filter(task_path=PURGE_TASK).exists()


def test_without_a_front_cache_nothing_is_queued(settings):
    settings.PARVIS_FRONT_CACHE_URL = ""
    fiche = FichePage.objects.live().order_by("pk").first()
    fiche.save_revision().publish()
    assert not DBTaskResult.objects.filter(task_path=PURGE_TASK).exists()
