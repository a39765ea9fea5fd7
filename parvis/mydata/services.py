""" "Mes données": open the page with a single-use link or code, export, erase.

Every service is one transaction; the email with the link goes through the outbox in that same
transaction (sent by the worker after the commit). Files are written to private storage before
the transaction that refers to them, and deleted after the one that forgets them commits.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import secrets
import zipfile
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.core import notifications
from parvis.core.notifications import outbox_enqueue
from parvis.core.personal_data import (
    ErasureReport,
    Identity,
    category_get,
    erase_everywhere,
    export_rows,
)
from parvis.core.storage import files_delete_on_commit, private_storage
from parvis.core.text import render_plain_text
from parvis.mydata.errors import LINK_INVALID, AccessInvalid, ExportGone
from parvis.mydata.models import AccessRequest, ExportArchive

logger = logging.getLogger(__name__)
MAX_CODE_ATTEMPTS = 5


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=settings.PARVIS_MYDATA_LINK_MINUTES)


def export_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.PARVIS_MYDATA_EXPORT_DAYS)


def sms_available() -> bool:
    """Whether the outbox's SMS channel can send codes (a provider is configured)."""
    return notifications.sms_available()


@transaction.atomic
def access_request(*, identity: Identity) -> tuple[AccessRequest, str]:
    """Create a single-use access for ``identity`` and queue its link (email) or code (SMS).

    Returns the request and its token: for an email, the token is only in the link; for a
    phone, the caller keeps it (in the browser's session) to pair it with the code typed.
    The same happens whether or not anything is held for ``identity``: nothing is revealed.
    """
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(1_000_000):06d}" if not identity.is_email else ""
    access = AccessRequest.objects.create(
        channel=AccessRequest.Channel.EMAIL if identity.is_email else AccessRequest.Channel.SMS,
        identity=identity.value,
        token_hash=secret_hash(token),
        code_hash=secret_hash(f"{token}:{code}") if code else "",
        created_at=now,
        expires_at=now + link_lifetime(),
    )
    minutes = settings.PARVIS_MYDATA_LINK_MINUTES
    if identity.is_email:
        url = settings.BASE_URL + reverse("mydata:open", args=[token])
        outbox_enqueue(
            recipient=identity.value,
            template="mydata/email/link",
            context={"url": url, "minutes": minutes},
            topic="mydata",
        )
    else:
        text = _(
            "Votre code pour consulter vos données sur le site de la Ville : %(code)s "
            "(valable %(minutes)d minutes, une seule fois)."
        ) % {"code": code, "minutes": minutes}
        # The outbox's SMS channel: the worker texts the code after the commit; the outbox
        # keeps the number's hash, the number itself is kept only until the code is sent.
        notifications.sms_enqueue(recipient=identity.value, text=text, topic="mydata")
    return access, token


def _valid(access: AccessRequest | None, now: dt.datetime) -> AccessRequest:
    if access is None or access.used_at is not None or access.expires_at <= now:
        raise AccessInvalid(LINK_INVALID, code="link_invalid")
    return access


@transaction.atomic
def access_open(*, token: str) -> AccessRequest:
    """Use an emailed link: once, within its lifetime; else AccessInvalid."""
    now = timezone.now()
    access = (
        AccessRequest.objects.select_for_update()
        .filter(token_hash=secret_hash(token), channel=AccessRequest.Channel.EMAIL)
        .first()
    )
    access = _valid(access, now)
    access.used_at = now
    access.save(update_fields=["used_at"])
    return access


def access_check(*, token: str) -> AccessRequest:
    """The unused, unexpired emailed link ``token`` designates (without using it)."""
    access = AccessRequest.objects.filter(
        token_hash=secret_hash(token), channel=AccessRequest.Channel.EMAIL
    ).first()
    return _valid(access, timezone.now())


def access_code_check(*, token: str, code: str) -> AccessRequest:
    """Use a texted code (paired with the session's token): once, within its lifetime, and
    at most ``MAX_CODE_ATTEMPTS`` tries; else AccessInvalid."""
    now = timezone.now()
    with transaction.atomic():
        access = (
            AccessRequest.objects.select_for_update()
            .filter(token_hash=secret_hash(token or "-"), channel=AccessRequest.Channel.SMS)
            .first()
        )
        access = _valid(access, now)
        if access.attempts >= MAX_CODE_ATTEMPTS:
            raise AccessInvalid(LINK_INVALID, code="too_many_attempts")
        access.attempts += 1
        good = secrets.compare_digest(access.code_hash, secret_hash(f"{token}:{code.strip()}"))
        if good:
            access.used_at = now
        access.save(update_fields=["attempts", "used_at"])
    if not good:
        raise AccessInvalid(
            _("Ce code n'est pas le bon. Vérifiez-le et réessayez."), code="bad_code"
        )
    return access


def access_identity(access: AccessRequest) -> Identity:
    kind = "email" if access.channel == AccessRequest.Channel.EMAIL else "phone"
    return Identity(kind, access.identity)


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def export_zip(*, identity: Identity, now: dt.datetime) -> bytes:
    """A ZIP with, per category, a JSON and a CSV file, and a README.txt in French."""
    rows = export_rows(identity)
    files = []
    for key, found in sorted(rows.items()):
        category = category_get(key)
        files.append(
            {
                "name": key,
                "count": len(found),
                "label": str(category.label) if category else key,
                "purpose": str(category.purpose) if category else "",
                "retention": category.retention_text() if category else "",
            }
        )
    readme = render_plain_text(
        "mydata/export_readme.txt",
        {"files": files, "now": now, "days": settings.PARVIS_MYDATA_EXPORT_DAYS},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for key, found in sorted(rows.items()):
            archive.writestr(f"{key}.json", json.dumps(found, ensure_ascii=False, indent=2))
            archive.writestr(f"{key}.csv", _csv(found))
    return buffer.getvalue()


def export_create(*, identity: Identity) -> tuple[ExportArchive, str]:
    """Build the ZIP, store it privately, return it with the token of its 7-day link."""
    now = timezone.now()
    data = export_zip(identity=identity, now=now)
    token = secrets.token_urlsafe(32)
    name = private_storage.save(
        f"mydata/{secret_hash(token)[:24]}/mes-donnees.zip", ContentFile(data)
    )
    try:
        with transaction.atomic():
            archive = ExportArchive.objects.create(
                token_hash=secret_hash(token),
                identity_digest=identity.digest(),
                file_name=name,
                size=len(data),
                created_at=now,
                expires_at=now + export_lifetime(),
            )
    except BaseException:
        private_storage.delete(name)
        raise
    return archive, token


def export_get(*, token: str) -> ExportArchive:
    archive = ExportArchive.objects.filter(token_hash=secret_hash(token)).first()
    if archive is None or archive.expires_at <= timezone.now():
        raise ExportGone(
            _("Ce lien de téléchargement n'est pas valable ou a expiré (7 jours)."),
            code="export_gone",
        )
    return archive


@transaction.atomic
def exports_forget(*, archives: Any) -> int:
    """Delete archives (a QuerySet) and, once committed, their files."""
    names = list(archives.values_list("file_name", flat=True))
    count = archives.delete()[0]
    files_delete_on_commit(storage=private_storage, names=names)  # type: ignore[arg-type]
    return count


def data_erase(*, identity: Identity) -> ErasureReport:
    """Erase ``identity`` everywhere (every app's holder), in one transaction."""
    report = erase_everywhere(identity)
    logger.info("personal data erased", extra={"rows": report.total})
    return report
