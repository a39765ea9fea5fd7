"""The access log of personal data: append-only in the database itself, reviewed by the data
ethics committee per service and purpose, exportable as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, User
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from parvis.core.access_log import access_log_purge, access_record
from parvis.core.models import AccessRecord
from parvis.core.personal_data import Identity
from parvis.core.roles import DATA_ETHICS

pytestmark = pytest.mark.django_db


def _record(user: User, *, service: str = "Propreté", purpose: str = "report") -> AccessRecord:
    return access_record(
        user=user,
        identity_raw="Someone@Example.test",
        subject="report:1",
        purpose=purpose,
        service=service,
    )


@pytest.fixture
def staff() -> User:
    return User.objects.create_user("sophie", first_name="Sophie", password="x-pass-42!")


def test_a_record_keeps_a_keyed_hash_never_the_address(staff):
    record = _record(staff)
    assert record.identity_digest == Identity.parse("someone@example.test").digest()
    assert "example" not in str(AccessRecord.objects.filter(pk=record.pk).values().get())
    assert record.staff_name == "Sophie" and record.data_kind == "email"


def test_records_cannot_be_changed_or_deleted(staff):
    record = _record(staff)
    for statement in (
        f"UPDATE core_accessrecord SET staff_name = 'x' WHERE id = {record.pk}",
        f"DELETE FROM core_accessrecord WHERE id = {record.pk}",
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(service_name="autre")
    assert AccessRecord.objects.get(pk=record.pk).staff_name == "Sophie"


def test_only_records_past_the_retention_can_be_purged(staff):
    young = _record(staff)
    old = AccessRecord.objects.create(
        created_at=timezone.now() - dt.timedelta(days=366),
        staff_name="Ancien",
        purpose="report",
        subject="report:2",
        data_kind="email",
        identity_digest="0" * 64,
    )
    assert access_log_purge(now=timezone.now()) == 1
    assert not AccessRecord.objects.filter(pk=old.pk).exists()
    assert AccessRecord.objects.filter(pk=young.pk).exists()


def test_the_committee_sees_totals_per_service_and_purpose_and_exports_csv(client, staff):
    _record(staff, service="Propreté")
    _record(staff, service="Propreté")
    _record(staff, service="Voirie", purpose="conversation")
    member = User.objects.create_user("comite", password="x-pass-42!")
    member.groups.add(Group.objects.get(name=DATA_ETHICS))
    client.force_login(member)
    page = client.get("/admin/consultations/").content.decode()
    assert "Par service et par finalité" in page
    assert "<td>Propreté</td><td>traitement du signalement</td><td>2</td><td>1</td>" in page
    assert "<td>Voirie</td><td>réponse à une question</td><td>1</td>" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/admin/consultations/?format=csv&service=Propreté").content.decode()
            )
        )
    )
    assert len(rows) == 2 and {r["consulte_par"] for r in rows} == {"Sophie"}
    assert {r["finalite"] for r in rows} == {"traitement du signalement"}


def test_an_agent_without_the_role_cannot_see_the_log(client, staff):
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    response = client.get("/admin/consultations/")
    # Wagtail turns the refusal into a redirect to the back office's home, with a message.
    assert response.status_code in (302, 403)
    assert "Par service et par finalité" not in response.content.decode()
