"""Who looked at a person's data: the append-only access log and its recorder.

Apps call :func:`access_record` from the staff views that display a resident's email address
or phone number (the reports inbox, a conversation's contact)::

    access_record(user=request.user, identity_raw=report.reporter_email, subject=f"report:{pk}",
                  purpose=AccessRecord.Purpose.REPORT, service=report.category.service.name)

Rows can only be inserted: triggers in the database refuse any UPDATE, and any DELETE of a row
younger than the log's retention (``RETENTION``), whatever code or person tries it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from parvis.core.models import AccessRecord
from parvis.core.personal_data import Identity, IdentityInvalid

# Fixed in the database triggers too (migration core 0006): changing it needs a migration.
RETENTION = dt.timedelta(days=365)
TABLE = "core_accessrecord"
MESSAGE = "the access log is append-only"


def staff_name(user: AbstractBaseUser) -> str:
    profile = getattr(user, "agent_profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def access_record(
    *,
    user: AbstractBaseUser,
    identity_raw: str,
    subject: str,
    purpose: str,
    service: str = "",
) -> AccessRecord | None:
    """Record that ``user`` was shown ``identity_raw`` (an email or phone); None if empty."""
    try:
        identity = Identity.parse(identity_raw)
    except IdentityInvalid:
        return None
    return AccessRecord.objects.create(
        created_at=timezone.now(),
        staff_user_id=user.pk,
        staff_name=staff_name(user)[:150],
        service_name=service[:200],
        purpose=purpose,
        subject=subject[:80],
        data_kind=identity.kind,
        identity_digest=identity.digest(),
    )


def access_records_for(identity: Identity):  # noqa: ANN201 — a QuerySet
    return AccessRecord.objects.filter(identity_digest=identity.digest())


def access_log_purge(*, now: dt.datetime) -> int:
    """Delete records older than the retention (the only deletion the triggers allow)."""
    return AccessRecord.objects.filter(created_at__lt=now - RETENTION).delete()[0]


def _sqlite(days: int) -> list[str]:
    return [
        f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        f"WHEN OLD.created_at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-{days} days') "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def _postgres(days: int) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION core_accessrecord_refuse() RETURNS trigger AS $$ "
        "BEGIN IF TG_OP = 'DELETE' AND OLD.created_at < now() - interval "
        f"'{days} days' THEN RETURN OLD; END IF; "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION core_accessrecord_refuse()",
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION core_accessrecord_refuse()",
    ]


def guard_create(connection: Any, *, days: int = 365) -> None:
    """Install the triggers (no-op on a database vendor without support)."""
    statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(connection.vendor)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements(days):
                cursor.execute(statement)


def guard_drop(connection: Any) -> None:
    if connection.vendor == "sqlite":
        drops = [
            f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
        ]
    elif connection.vendor == "postgresql":
        drops = [
            f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
            "DROP FUNCTION IF EXISTS core_accessrecord_refuse()",
        ]
    else:
        return
    with connection.cursor() as cursor:
        for statement in drops:
            cursor.execute(statement)
