"""Report services against the database: creation, idempotency, agents' actions, access."""

from __future__ import annotations

import pytest

from parvis.core.models import OutboxMessage
from parvis.reports.errors import ReportAccessDenied, ReportInvalid
from parvis.reports.models import Report
from parvis.reports.services import (
    report_create,
    report_flag,
    report_hide,
    report_merge,
    report_note_add,
    report_redact,
    report_support,
    report_update_publish,
)
from parvis.reports.tests.factories import agent_for, category, make_report

pytestmark = pytest.mark.django_db


def test_report_create_queues_acknowledgement_in_outbox():
    """A report with an email queues its acknowledgement in the outbox, in the same commit:
    held until the address is confirmed, beside the confirmation email that goes now."""
    report = make_report(email="resident@example.test")
    assert report.status == Report.Status.NOUVEAU
    queued = OutboxMessage.objects.filter(recipient="resident@example.test")
    assert sorted(queued.values_list("topic", "status")) == [
        ("confirmation", "pending"),
        ("reports", "held"),
    ]


def test_retry_with_same_idempotency_key_creates_one_report():
    """A retried creation with the same key returns the first report and creates nothing."""
    kwargs = {"category": category(), "description": "Trou", "address": "1 rue Crébillon"}
    first, replayed1 = report_create(idempotency_key="k-1", **kwargs)
    second, replayed2 = report_create(idempotency_key="k-1", **kwargs)
    assert first.pk == second.pk
    assert (replayed1, replayed2) == (False, True)
    assert Report.objects.count() == 1


def test_same_key_different_payload_is_rejected_with_422():
    """The same key with a different payload is refused (422) and creates nothing."""
    from parvis.core.idempotency import IdempotencyKeyReused

    report_create(category=category(), description="Trou", address="A", idempotency_key="k")
    with pytest.raises(IdempotencyKeyReused) as error:
        report_create(category=category(), description="Autre", address="A", idempotency_key="k")
    assert error.value.status_code == 422
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("lat", "lon", "address"),
    [(91.0, 0.0, ""), (0.0, 181.0, ""), (47.0, None, ""), (None, None, "  ")],
)
def test_invalid_location_is_refused(lat, lon, address):
    """A location outside WGS84, half a coordinate or nothing at all is refused."""
    with pytest.raises(ReportInvalid):
        report_create(
            category=category(), description="x", latitude=lat, longitude=lon, address=address
        )


def test_agent_of_another_service_cannot_answer():
    """An agent of the cleaning service cannot act on a roads report."""
    report = make_report(code="nid-de-poule")
    cleaner = agent_for("proprete-dechets")
    with pytest.raises(ReportAccessDenied):
        report_update_publish(report=report, agent=cleaner, status="planifie", message="Non")
    with pytest.raises(ReportAccessDenied):
        report_hide(report=report, agent=cleaner)
    with pytest.raises(ReportAccessDenied):
        report_note_add(report=report, agent=cleaner, message="x")


def test_public_update_is_signed_and_notifies_reporter():
    """A public update carries the agent's first name and service and emails the reporter."""
    report = make_report(email="r@example.test")
    agent = agent_for("voirie", name="Samia")
    update = report_update_publish(
        report=report, agent=agent, status="planifie", message="Intervention mardi."
    )
    assert update.signature == "Samia, service Voirie et déplacements"
    report.refresh_from_db()
    assert report.status == "planifie"
    # The confirmation, then the acknowledgement and the update, held until it is followed.
    assert OutboxMessage.objects.filter(recipient="r@example.test").count() == 3


def test_refusal_needs_a_reason():
    """Status « non retenu » requires a reason."""
    report = make_report()
    with pytest.raises(ReportInvalid):
        report_update_publish(
            report=report, agent=agent_for("voirie"), status="non_retenu", message="Non"
        )


def test_merge_closes_duplicate_and_counts_support():
    """Merging closes the duplicate and adds its weight to the original."""
    agent = agent_for("voirie")
    original, duplicate = make_report(), make_report()
    report_merge(report=duplicate, into=original, agent=agent)
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert duplicate.merged_into == original and duplicate.status == "clos"
    assert original.support_count == 1


def test_redact_masks_text_in_description():
    """Redaction removes the given text from the description for good."""
    report = make_report(description="Devant chez Jeanne Canary au 3 rue X")
    report_redact(report=report, agent=agent_for("voirie"), text="Jeanne Canary")
    report.refresh_from_db()
    assert "Jeanne" not in report.description and "[masqué]" in report.description


def test_support_counts_distinct_supporters():
    """A supporter counts once."""
    report = make_report()
    assert report_support(report=report, supporter="a") is True
    assert report_support(report=report, supporter="a") is False
    report_support(report=report, supporter="b")
    report.refresh_from_db()
    assert report.support_count == 2


def test_flags_never_hide_a_report_without_a_moderator():
    """Three distinct flaggers queue a report for moderation; it stays public. The same flagger
    twice counts once."""
    report = make_report()
    assert report_flag(report=report, flagger="a") is True
    assert report_flag(report=report, flagger="a") is False
    for flagger in ("b", "c", "d", "e"):
        report_flag(report=report, flagger=flagger)
    report.refresh_from_db()
    assert not report.hidden
    assert report.flags.filter(reviewed_at__isnull=True).count() == 5


def test_new_report_mail_goes_to_the_services_published_address_only():
    """A drafted (unpublished) change of a service's address never receives residents' reports;
    a service never published receives none."""
    service = category().service
    published = "voirie@example.test"
    type(service).objects.filter(pk=service.pk).update(email=published)
    service.refresh_from_db()
    service.email = "pirate@example.test"
    service.save_revision()  # a draft: the row keeps the published values
    make_report()
    assert OutboxMessage.objects.filter(recipient=published).exists()
    assert not OutboxMessage.objects.filter(recipient="pirate@example.test").exists()
    type(service).objects.filter(pk=service.pk).update(live=False, email="draft@example.test")
    make_report()
    assert not OutboxMessage.objects.filter(recipient="draft@example.test").exists()


def test_signature_does_not_repeat_service_when_the_name_already_says_it():
    """A service named "Service Voirie" signs "Samia, Service Voirie", not "service Service"."""
    report = make_report()
    service = report.category.service
    service.name = "Service Voirie"
    service.save()
    agent = agent_for("voirie", name="Samia")
    update = report_update_publish(report=report, agent=agent, status="planifie", message="Mardi.")
    assert update.signature == "Samia, Service Voirie"
