"""Retention everywhere: each declared delay is enforced by the holders' purge (run by the
worker's periodic job), and the public pages are generated from the same declarations."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from parvis.answers.models import QueryLog
from parvis.conversation.models import Conversation, Message
from parvis.core.models import (
    AccessRecord,
    AddressConfirmation,
    IdempotencyRecord,
    OutboxMessage,
    RateLimitCounter,
)
from parvis.core.personal_data import categories, holders
from parvis.core.schedule import schedule_jobs
from parvis.core.storage import private_storage
from parvis.federation.models import Delivery
from parvis.federation.services import city_actor
from parvis.listening.models import FieldAnswer, OutcomeSubscription, SmsContact
from parvis.listening.phones import phone_hash
from parvis.listening.tests.conftest import make_question
from parvis.mydata.models import AccessRequest, ExportArchive
from parvis.mydata.personal_data import REQUEST_RETENTION_FACTOR
from parvis.mydata.tasks import personal_data_purge_task
from parvis.networks.models import Group
from parvis.reports.models import Report
from parvis.reports.tests.factories import make_report

pytestmark = pytest.mark.django_db
Present = Callable[[], bool]


def _outbox(age: dt.timedelta) -> Present:
    sent = timezone.now() - age
    m = OutboxMessage.objects.create(
        recipient="o@example.test",
        subject="s",
        body_text="t",
        topic="t",
        status=OutboxMessage.Status.SENT,
        sent_at=sent,
    )
    return lambda: OutboxMessage.objects.filter(pk=m.pk).exists()


def _confirmation(age: dt.timedelta) -> Present:
    c = AddressConfirmation.objects.create(recipient="c@example.test", subject=f"x:{age}")
    AddressConfirmation.objects.filter(pk=c.pk).update(created_at=timezone.now() - age)
    return lambda: AddressConfirmation.objects.filter(pk=c.pk).exists()


def _counter(age: dt.timedelta) -> Present:
    start = int((timezone.now() - age).timestamp())
    r = RateLimitCounter.objects.create(bucket=f"b:ip:1.2.3.4:{start}", window_start=start)
    return lambda: RateLimitCounter.objects.filter(pk=r.pk).exists()


def _idempotency(age: dt.timedelta) -> Present:
    now = timezone.now()
    r = IdempotencyRecord.objects.create(
        scope="s",
        key=str(age),
        fingerprint="f",
        in_flight=False,
        lease_until=now,
        created_at=now - age,
    )
    return lambda: IdempotencyRecord.objects.filter(pk=r.pk).exists()


def _access(age: dt.timedelta) -> Present:
    r = AccessRecord.objects.create(
        created_at=timezone.now() - age,
        staff_name="S",
        purpose="report",
        subject="report:1",
        data_kind="email",
        identity_digest="0" * 64,
    )
    return lambda: AccessRecord.objects.filter(pk=r.pk).exists()


def _query_log(age: dt.timedelta) -> Present:
    q = QueryLog.objects.create(normalised="q", signature="q", result_count=1, confidence=0.5)
    QueryLog.objects.filter(pk=q.pk).update(created_at=timezone.now() - age)
    return lambda: QueryLog.objects.filter(pk=q.pk).exists()


def _conversation(age: dt.timedelta) -> tuple[Conversation, Message]:
    c = Conversation.objects.create(token_hash="h", contact_email="k@example.test")
    m = Message.objects.create(conversation=c, author=Message.Author.RESIDENT, text="Ma question")
    Conversation.objects.filter(pk=c.pk).update(updated_at=timezone.now() - age)
    return c, m


def _contact(age: dt.timedelta) -> Present:
    c, _m = _conversation(age)
    return lambda: Conversation.objects.get(pk=c.pk).contact_email != ""


def _messages(age: dt.timedelta) -> Present:
    _c, m = _conversation(age)
    return lambda: Message.objects.get(pk=m.pk).text == "Ma question"


def _reporter_email(age: dt.timedelta) -> Present:
    report = make_report(email="r@example.test")
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RESOLU, updated_at=timezone.now() - age
    )
    return lambda: Report.objects.get(pk=report.pk).reporter_email != ""


def _access_request(age: dt.timedelta) -> Present:
    now = timezone.now()
    r = AccessRequest.objects.create(
        channel="email",
        identity="a@example.test",
        token_hash=str(age).ljust(64, "x")[:64],
        created_at=now - age,
        expires_at=now - age + dt.timedelta(minutes=30),
    )
    return lambda: AccessRequest.objects.filter(pk=r.pk).exists()


def _export(age: dt.timedelta) -> Present:
    now = timezone.now()
    name = private_storage.save("mydata/test/mes-donnees.zip", ContentFile(b"zip"))
    e = ExportArchive.objects.create(
        token_hash=str(age).ljust(64, "y")[:64],
        identity_digest="d",
        file_name=name,
        created_at=now - age,
        expires_at=now - age + dt.timedelta(days=7),
    )
    return lambda: ExportArchive.objects.filter(pk=e.pk).exists() and private_storage.exists(name)


def _closed_question(age: dt.timedelta):  # noqa: ANN202 — a FieldQuestion
    closes = timezone.now() - age
    code = f"R{abs(hash(age)) % 10**8}"
    return make_question(
        code=code, opens_at=closes - dt.timedelta(days=10), closes_at=closes, status="closed"
    )


def _sms_answer(age: dt.timedelta) -> Present:
    answer = FieldAnswer.objects.create(
        question=_closed_question(age),
        channel="sms",
        choice=0,
        phone_hash=phone_hash("+33600000001"),
    )
    return lambda: FieldAnswer.objects.get(pk=answer.pk).phone_hash != ""


def _sms_contact(age: dt.timedelta) -> Present:
    from parvis.listening.personal_data import ListeningHolder

    keep = next(
        c.retention for c in ListeningHolder().categories if c.key == "listening.sms_contact"
    )
    contact = SmsContact.objects.create(
        phone_hash=str(age).ljust(64, "z")[:64],
        number="+33600000002",
        provider="twilio",
        expires_at=timezone.now() - age + keep,
    )
    return lambda: SmsContact.objects.filter(pk=contact.pk).exists()


def _subscription(age: dt.timedelta) -> Present:
    subscription = OutcomeSubscription.objects.create(
        question=_closed_question(dt.timedelta(days=1) + age / 1000),
        medium="email",
        email="suivi@example.test",
        notified_at=timezone.now() - age,
    )
    return lambda: OutcomeSubscription.objects.filter(pk=subscription.pk).exists()


def _group_contact(age: dt.timedelta) -> Present:
    group = Group.objects.create(
        name="Groupe refusé",
        slug=f"refuse-{abs(hash(age)) % 10**8}",
        description="Un groupe",
        kind=Group.Kind.OTHER,
        join_url="https://example.test/",
        contact_email="proposant@example.test",
        status=Group.Status.REJECTED,
        moderated_at=timezone.now() - age,
    )
    return lambda: Group.objects.filter(pk=group.pk, contact_email__gt="").exists()


def _delivery(age: dt.timedelta) -> Present:
    delivery = Delivery.objects.create(
        actor=city_actor(),
        inbox="https://social.example.test/users/alice/inbox",
        activity_id=f"https://ville.example.test/activities/{abs(hash(age))}",
        activity={},
        status=Delivery.Status.SENT,
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - age)
    return lambda: Delivery.objects.filter(pk=delivery.pk).exists()


CASES: dict[str, Callable[[dt.timedelta], Present]] = {
    "core.outbox": _outbox,
    "core.confirmations": _confirmation,
    "core.ratelimits": _counter,
    "core.idempotency": _idempotency,
    "core.access_log": _access,
    "answers.query_logs": _query_log,
    "conversation.contact": _contact,
    "conversation.messages": _messages,
    "reports.reporter_email": _reporter_email,
    "mydata.access": _access_request,
    "mydata.exports": _export,
    "listening.answers": _sms_answer,
    "listening.sms_contact": _sms_contact,
    "listening.subscriptions": _subscription,
    "networks.contact": _group_contact,
    "federation.followers": _delivery,
}


def test_every_declared_retention_is_enforced_by_the_purge_job(
    folders, django_capture_on_commit_callbacks
):
    """Rows past each declared delay go (deleted, or their personal data erased), younger
    ones stay; every category with a delay has a case here, so a new one cannot be forgotten."""
    declared = {c.key: c.retention for c in categories() if c.retention is not None}
    assert set(declared) == set(CASES)
    margin = dt.timedelta(minutes=5)
    rows = {
        key: (CASES[key](delay + margin), CASES[key](max(delay - margin, delay / 2)))
        for key, delay in declared.items()
    }
    assert all(old() and young() for old, young in rows.values())
    with django_capture_on_commit_callbacks(execute=True):
        purged = personal_data_purge_task.call()
    assert set(purged) == {holder.key for holder in holders()}
    gone = [key for key, (old, _young) in rows.items() if not old()]
    kept = [key for key, (_old, young) in rows.items() if young()]
    assert sorted(gone) == sorted(declared)
    assert sorted(kept) == sorted(declared)


def test_an_open_report_keeps_its_email_whatever_its_age():
    report = make_report(email="open@example.test")
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() - dt.timedelta(days=900))
    personal_data_purge_task.call()
    assert Report.objects.get(pk=report.pk).reporter_email == "open@example.test"


def test_the_purge_job_runs_on_the_worker_schedule():
    names = [job.name for job in schedule_jobs()]
    assert personal_data_purge_task.module_path in names


def test_requests_are_kept_as_long_as_the_page_they_open(settings):
    category = next(c for c in categories() if c.key == "mydata.access")
    assert category.retention == dt.timedelta(
        minutes=settings.PARVIS_MYDATA_LINK_MINUTES * REQUEST_RETENTION_FACTOR
    )


def _text(response) -> str:  # noqa: ANN001
    body = html.unescape(response.content.decode())
    return body.replace("\u202f", " ").replace("\u00a0", " ")


def test_the_register_and_the_personal_data_page_are_generated_from_the_declarations(client):
    register = _text(client.get("/donnees-personnelles/registre/"))
    legal = _text(client.get("/donnees-personnelles/"))
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/donnees-personnelles/registre/registre.csv").content.decode())
        )
    )
    assert [row["categorie"] for row in rows] == [c.key for c in categories()]
    for category in categories():
        for page in (register, legal):
            assert str(category.label) in page, category.key
            assert str(category.purpose) in page, category.key
            assert category.retention_text() in page, category.key
        row = next(r for r in rows if r["categorie"] == category.key)
        assert row["duree_de_conservation"] == category.retention_text()
        assert row["base_legale"] == str(category.legal_basis)
        assert row["destinataires_externes"] == str(category.recipients)
        if category.recipients:  # the SMS operator, a follower's server
            assert str(category.recipients) in register, category.key


def test_a_changed_retention_shows_on_the_pages_at_once(client, settings):
    settings.PARVIS_REPORTS_EMAIL_RETENTION_DAYS = 45
    assert "45 jours — après la clôture du signalement" in _text(
        client.get("/donnees-personnelles/registre/")
    )
