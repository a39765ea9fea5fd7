"""Back office: "Tâches planifiées" shows each job's state to administrators only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from parvis.core.models import OutboxMessage, ScheduledJob
from parvis.core.roles import EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    client.force_login(User.objects.create_superuser("chef", "chef@example.test", "x"))
    return client


def test_administrator_sees_every_job_with_last_and_next_run_and_last_error(admin):
    """Each declared job is listed; a failed one shows its error and consecutive failures."""
    ScheduledJob.objects.create(
        name="parvis.certification.tasks.log_check_task",
        next_run_at=timezone.now() + timedelta(days=1),
        last_run_at=timezone.now(),
        last_outcome=ScheduledJob.Outcome.FAILED,
        last_error="LogInconsistentError: 1 problème(s) : Nœud (0, 3) différent du recalcul.",
        consecutive_failures=3,
    )
    page = admin.get("/admin/taches/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vérification du journal de transparence" in html
    assert "Envoi des courriels en attente" in html and "chaque minute" in html
    assert "Nœud (0, 3) différent du recalcul." in html
    assert "en échec" in html and "<td>3</td>" in html


def test_dead_letters_are_listed_and_announced_on_the_dashboard(admin):
    """An abandoned email appears on the jobs page and as a warning on the admin's home."""
    OutboxMessage.objects.create(
        recipient="a@example.test",
        subject="Votre signalement n° 12",
        body_text="…",
        topic="reports",
        status=OutboxMessage.Status.FAILED,
        attempts=8,
        last_error="Connection refused",
    )
    assert "Votre signalement n° 12" in admin.get("/admin/taches/").content.decode()
    home = admin.get("/admin/").content.decode()
    assert "Tâches de fond à surveiller" in home
    assert "1 courriel abandonné après sa dernière tentative." in home


def test_jobs_page_is_for_administrators_only(client):
    """An editor reaches the back office but not the jobs page, nor its menu entry."""
    editor = User.objects.create_user("claire", password="x-long-password-1")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    refused = client.get("/admin/taches/")  # Wagtail sends a refused user back home
    assert (refused.status_code, refused.url) == (302, "/admin/")
    assert "/admin/taches/" not in client.get("/admin/").content.decode()
