"""The declared schedule: each app's periodic jobs, claimed once, outcomes recorded."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from parvis.core import schedule
from parvis.core.models import ScheduledJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    """The worker drops stale connections between tasks, as requests do; inside a test's
    transaction that would close the test's own connection."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@task(backend="background")
def failing_job() -> None:
    raise RuntimeError("le serveur distant ne répond pas")


@pytest.fixture
def only_failing_job(monkeypatch):
    registry = {}
    monkeypatch.setattr(schedule, "_REGISTRY", registry)
    schedule.periodic(every=timedelta(hours=1), label="test")(failing_job)
    return schedule.schedule_jobs()[0]


def test_every_background_job_is_declared_in_the_schedule():
    """Outbox, purges, scheduled publishing, log check, embeddings and feeds have a schedule."""
    names = {job.name for job in schedule.schedule_jobs()}
    assert names == {
        "parvis.core.tasks.outbox_deliver_task",
        "parvis.core.tasks.unconfirmed_addresses_purge_task",
        "parvis.core.tasks.idempotency_purge_task",
        "parvis.core.tasks.ratelimit_purge_task",
        "parvis.core.tasks.publish_scheduled_task",
        "parvis.core.tasks.task_results_purge_task",
        "parvis.answers.tasks.answers_embed_task",
        "parvis.answers.tasks.query_logs_purge_task",
        "parvis.answers.tasks.phrasings_from_feedback_task",
        "parvis.conversation.tasks.conversations_purge_task",
        "parvis.certification.tasks.log_check_task",
        "parvis.listening.tasks.sms_contacts_expire_task",
        "parvis.networks.tasks.feeds_read_task",
        "parvis.networks.tasks.events_purge_task",
        "parvis.mydata.tasks.personal_data_purge_task",
        "parvis.audience.tasks.audience_rollup_task",
        "parvis.audience.tasks.audience_purge_task",
        "parvis.federation.tasks.federation_deliver_task",
        "parvis.federation.tasks.federation_deliveries_purge_task",
        "parvis.reports.tasks.reports_place_pending_task",
    }


def test_due_job_is_queued_once_even_by_two_workers():
    """The claim moves the next run forward in the same UPDATE: a second tick queues nothing."""
    now = timezone.now()
    first = schedule.schedule_tick(now=now)
    assert len(first) == len(schedule.schedule_jobs())
    assert schedule.schedule_tick(now=now) == []
    assert DBTaskResult.objects.count() == len(first)
    outbox = ScheduledJob.objects.get(name="parvis.core.tasks.outbox_deliver_task")
    assert outbox.next_run_at == now + timedelta(minutes=1)
    assert outbox.last_outcome == ScheduledJob.Outcome.RUNNING


def test_job_still_running_is_not_queued_again_when_due():
    """A run longer than its period does not overlap with the next one."""
    now = timezone.now()
    schedule.schedule_tick(now=now)
    later = schedule.schedule_tick(now=now + timedelta(minutes=2))
    assert "parvis.core.tasks.outbox_deliver_task" not in later


def test_worker_runs_due_jobs_and_records_success():
    """`parvis worker --once` queues what is due, runs it and records each outcome."""
    call_command("worker", once=True)
    jobs = ScheduledJob.objects.all()
    assert {job.last_outcome for job in jobs} == {ScheduledJob.Outcome.SUCCEEDED}
    assert all(job.last_finished_at and job.claimed_until is None for job in jobs)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        call_command("worker", once=True)
    outbox = ScheduledJob.objects.get(name="parvis.core.tasks.outbox_deliver_task")
    assert outbox.last_run_at > timezone.now() + timedelta(minutes=1)


def test_failing_job_records_its_error_and_counts_failures(only_failing_job):
    """A failure is recorded (error, consecutive failures) and the job runs again when due."""
    call_command("worker", once=True)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        call_command("worker", once=True)
    job = ScheduledJob.objects.get(name=only_failing_job.name)
    assert job.last_outcome == ScheduledJob.Outcome.FAILED
    assert job.consecutive_failures == 2
    assert "le serveur distant ne répond pas" in job.last_error
    assert job.claimed_until is None


def test_finished_task_runs_are_forgotten_after_a_week():
    """The queue table does not grow forever: finished runs older than a week are deleted."""
    from parvis.core.tasks import task_results_purge_task

    call_command("worker", once=True)
    finished = DBTaskResult.objects.count()
    assert finished and task_results_purge_task.call() == 0
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert task_results_purge_task.call() == finished
