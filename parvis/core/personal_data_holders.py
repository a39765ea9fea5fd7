"""The personal data ``core`` itself holds: the outbox, address confirmations, rate-limit
counters, idempotency records and the access log (declared through ``core.personal_data``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.core import access_log
from parvis.core.idempotency import IDEMPOTENCY_TTL
from parvis.core.models import (
    AddressConfirmation,
    IdempotencyRecord,
    OutboxMessage,
    RateLimitCounter,
)
from parvis.core.personal_data import (
    DataCategory,
    ErasureReport,
    HeldItem,
    Identity,
    LegalBasis,
)

STAFF = gettext_lazy(
    "Personne : traitement automatique (les administrateurs techniques en cas de panne)"
)


def _outbox_days() -> dt.timedelta:
    return dt.timedelta(days=settings.PARVIS_OUTBOX_RETENTION_DAYS)


def _confirm_days() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "PARVIS_ADDRESS_CONFIRM_DAYS", 7)))


class CoreHolder:
    key = "core"
    label = gettext_lazy("Messages et sécurité du site")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="core.outbox",
                label=gettext_lazy("Courriels qui vous sont envoyés"),
                purpose=gettext_lazy(
                    "Vous écrire : accusé de réception, réponse, nouvelles de votre demande."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=STAFF,
                retention=_outbox_days(),
                retention_rule=gettext_lazy(
                    "après l'envoi ; les messages en attente de confirmation "
                    "partent avec l'adresse non confirmée"
                ),
            ),
            DataCategory(
                key="core.confirmations",
                label=gettext_lazy("Adresses à confirmer"),
                purpose=gettext_lazy(
                    "Ne vous écrire qu'une fois votre adresse confirmée : personne ne "
                    "peut faire écrire la ville à l'adresse d'un autre."
                ),
                legal_basis=LegalBasis.LEGITIMATE_INTEREST,
                audience=STAFF,
                retention=_confirm_days(),
                retention_rule=gettext_lazy(
                    "si l'adresse n'est pas confirmée ; confirmée, elle est "
                    "effacée avec la demande qu'elle suit"
                ),
            ),
            DataCategory(
                key="core.ratelimits",
                label=gettext_lazy("Compteurs anti-abus (adresse IP de connexion)"),
                purpose=gettext_lazy(
                    "Limiter le nombre d'envois par connexion pour protéger le service."
                ),
                legal_basis=LegalBasis.LEGITIMATE_INTEREST,
                audience=STAFF,
                retention=dt.timedelta(days=1),
            ),
            DataCategory(
                key="core.idempotency",
                label=gettext_lazy("Réponses mémorisées des envois répétés"),
                purpose=gettext_lazy(
                    "Ne pas enregistrer deux fois un formulaire envoyé deux fois."
                ),
                legal_basis=LegalBasis.LEGITIMATE_INTEREST,
                audience=STAFF,
                retention=IDEMPOTENCY_TTL,
            ),
            DataCategory(
                key="core.access_log",
                label=gettext_lazy("Journal des consultations de vos données par les agents"),
                purpose=gettext_lazy(
                    "Savoir qui a consulté vos coordonnées, quand et pourquoi ; "
                    "contrôle par le comité d'éthique des données."
                ),
                legal_basis=LegalBasis.LEGAL_OBLIGATION,
                audience=gettext_lazy("Vous, et le comité d'éthique des données"),
                retention=access_log.RETENTION,
                retention_rule=gettext_lazy(
                    "ne contient pas votre adresse, seulement une empreinte "
                    "chiffrée ; il ne peut être ni modifié ni effacé avant"
                ),
            ),
        ]

    def _outbox(self, identity: Identity):  # noqa: ANN202 — a QuerySet
        if not identity.is_email:
            return OutboxMessage.objects.none()
        return OutboxMessage.objects.filter(recipient__iexact=identity.value)

    def _confirmations(self, identity: Identity):  # noqa: ANN202
        if not identity.is_email:
            return AddressConfirmation.objects.none()
        return AddressConfirmation.objects.filter(recipient__iexact=identity.value)

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        for message in self._outbox(identity).order_by("-created_at"):
            status = message.get_status_display()
            sent = message.sent_at or message.created_at
            yield HeldItem(
                category="core.outbox",
                title=_("Courriel « %(subject)s »") % {"subject": message.subject},
                created_at=message.created_at,
                keep_until=sent + _outbox_days() if message.sent_at else None,
                outcomes=[] if not message.sent_at else [_outcome(message.sent_at, _("Envoyé"))],
                details={_("Statut"): str(status)},
            )
        for confirmation in self._confirmations(identity).order_by("-created_at"):
            yield HeldItem(
                category="core.confirmations",
                title=_("Adresse donnée pour suivre : %(subject)s")
                % {"subject": _subject_text(confirmation.subject)},
                created_at=confirmation.created_at,
                keep_until=None
                if confirmation.confirmed_at
                else confirmation.created_at + _confirm_days(),
                outcomes=[_outcome(confirmation.confirmed_at, _("Adresse confirmée"))]
                if confirmation.confirmed_at
                else [],
            )

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        return {
            "core.outbox": [
                {
                    "destinataire": m.recipient,
                    "objet": m.subject,
                    "texte": m.body_text,
                    "origine": m.topic,
                    "statut": m.status,
                    "cree_le": m.created_at.isoformat(),
                    "envoye_le": m.sent_at.isoformat() if m.sent_at else "",
                }
                for m in self._outbox(identity).order_by("created_at")
            ],
            "core.confirmations": [
                {
                    "adresse": c.recipient,
                    "objet": c.subject,
                    "cree_le": c.created_at.isoformat(),
                    "confirmee_le": c.confirmed_at.isoformat() if c.confirmed_at else "",
                }
                for c in self._confirmations(identity).order_by("created_at")
            ],
            "core.access_log": [
                {
                    "le": r.created_at.isoformat(),
                    "consulte_par": r.staff_name,
                    "service": r.service_name,
                    "finalite": r.get_purpose_display(),
                    "objet": r.subject,
                    "donnee": r.data_kind,
                }
                for r in access_log.access_records_for(identity).order_by("created_at")
            ],
        }

    @transaction.atomic
    def erase(self, identity: Identity) -> ErasureReport:
        report = ErasureReport(
            kept=[
                _(
                    "Le journal des consultations de vos données est conservé %(delay)s : la loi "
                    "impose de pouvoir contrôler les accès. Il ne contient pas votre adresse, "
                    "seulement une empreinte qui ne permet pas de la retrouver."
                )
                % {"delay": _("un an")}
            ]
        )
        outbox = self._outbox(identity).delete()[1].get("core.OutboxMessage", 0)
        confirmations = self._confirmations(identity).delete()[1].get("core.AddressConfirmation", 0)
        # Recent stored responses (24 h at most) that quote the address or number.
        stale = [
            record.pk
            for record in IdempotencyRecord.objects.only("pk", "response_body")
            if identity.redact(bytes(record.response_body).decode("utf-8", "replace"))
            != bytes(record.response_body).decode("utf-8", "replace")
        ]
        idempotency = IdempotencyRecord.objects.filter(pk__in=stale).delete()[0]
        counters = RateLimitCounter.objects.filter(bucket__contains=identity.digest()).delete()[0]
        for key, count in (
            ("core.outbox", outbox),
            ("core.confirmations", confirmations),
            ("core.idempotency", idempotency),
            ("core.ratelimits", counters),
        ):
            if count:
                report.deleted[key] = count
        return report

    @transaction.atomic
    def purge(self, now: dt.datetime) -> int:
        from parvis.core.notifications import outbox_purge_unconfirmed
        from parvis.core.ratelimit import ratelimit_purge

        done = OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.SENT, sent_at__lt=now - _outbox_days())
            | Q(status=OutboxMessage.Status.FAILED, created_at__lt=now - _outbox_days())
        ).delete()[0]
        done += outbox_purge_unconfirmed(now=now)
        done += IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()[0]
        done += ratelimit_purge(before=int(now.timestamp()) - 86400)
        done += access_log.access_log_purge(now=now)
        return done


def _subject_text(subject: str) -> str:
    """ "report:12" as residents read it: "le signalement n° 12"."""
    kind, _colon, number = subject.partition(":")
    names = {
        "report": _("le signalement n° %(n)s"),
        "conversation": _("la question n° %(n)s"),
        "listening": _("la question de terrain n° %(n)s"),
        "group": _("la proposition de groupe n° %(n)s"),
    }
    return names[kind] % {"n": number} if kind in names else subject


def _outcome(at: dt.datetime | None, label: str):  # noqa: ANN202
    from parvis.core.personal_data import Outcome

    return Outcome(at=at, label=label)


HOLDERS = [CoreHolder()]
