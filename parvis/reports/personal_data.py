"""The personal data reports hold: the reporter's email (their subscription to the report's
news), and what comes with a report (photos, supports), declared for "Mes données"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.core.notifications import address_confirmations_forget
from parvis.core.personal_data import (
    DataCategory,
    ErasureReport,
    HeldItem,
    Identity,
    LegalBasis,
    Outcome,
)
from parvis.reports.models import Report, ReportUpdate


def _email_days() -> dt.timedelta:
    return dt.timedelta(days=settings.PARVIS_REPORTS_EMAIL_RETENTION_DAYS)


class ReportsHolder:
    key = "reports"
    label = gettext_lazy("Signalements")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="reports.reporter_email",
                label=gettext_lazy(
                    "Courriel de la personne qui signale (abonnement aux nouvelles)"
                ),
                purpose=gettext_lazy(
                    "Vous prévenir de chaque étape du traitement de votre signalement."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=gettext_lazy(
                    "Les agents du service chargé du signalement (jamais publié)"
                ),
                retention=_email_days(),
                retention_rule=gettext_lazy("après la clôture du signalement"),
                public_anonymised=True,
            ),
            DataCategory(
                key="reports.contribution",
                label=gettext_lazy("Signalement : description, lieu, photos (sans métadonnées)"),
                purpose=gettext_lazy(
                    "Faire réparer le problème et informer les habitants de son suivi."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=gettext_lazy("Public (sauf s'il est masqué par un modérateur)"),
                retention_rule=gettext_lazy(
                    "publié tant que le service en garde l'historique ; à l'effacement, votre "
                    "courriel et votre numéro sont retirés du texte, le signalement reste anonyme"
                ),
                public_anonymised=True,
            ),
            DataCategory(
                key="reports.supports",
                label=gettext_lazy("Soutiens « moi aussi » et signalements d'abus"),
                purpose=gettext_lazy("Compter une seule fois chaque personne qui soutient."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=gettext_lazy("Personne : seul le nombre de soutiens est publié"),
                retention_rule=gettext_lazy(
                    "conservés avec le signalement. Un soutien ne garde qu'une empreinte "
                    "chiffrée de l'adresse IP de connexion ; aucun courriel ni numéro n'est "
                    "demandé. Cette adresse change et vous ne pouvez pas prouver qu'elle était "
                    "la vôtre : « Mes données » ne peut donc ni retrouver ni effacer vos "
                    "soutiens, et nous n'ajoutons pas de donnée pour le permettre ; seul leur "
                    "nombre est publié"
                ),
            ),
        ]

    def _reports(self, identity: Identity):  # noqa: ANN202 — a QuerySet
        if not identity.is_email:
            return Report.objects.none()
        return (
            Report.objects.filter(reporter_email__iexact=identity.value)
            .select_related("category__service")
            .prefetch_related("photos")
        )

    def _keep_until(self, report: Report) -> dt.datetime | None:
        return None if report.is_open else report.updated_at + _email_days()

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        for report in self._reports(identity):
            outcomes = [
                Outcome(
                    at=report.created_at,
                    label=_("Transmis au service %(service)s")
                    % {"service": report.category.service.name},
                )
            ]
            for update in report.updates.filter(public=True).exclude(status=""):
                if update.signature or update.message:
                    label = update.get_status_display()
                    if update.signature:
                        label = f"{label} — {update.signature}"
                    if update.message:
                        label = f"{label} : {update.message}"
                    outcomes.append(Outcome(at=update.created_at, label=label))
            if report.merged_into_id:
                outcomes.append(
                    Outcome(
                        at=report.updated_at,
                        label=_("Suivi dans le signalement n° %(pk)d")
                        % {"pk": report.merged_into_id},
                        url=f"/signalements/{report.merged_into_id}/",
                    )
                )
            if report.support_count:
                outcomes.append(
                    Outcome(
                        at=None,
                        label=_("%(n)d personne(s) ont dit « moi aussi »")
                        % {"n": report.support_count},
                    )
                )
            photos = len(report.photos.all())
            yield HeldItem(
                category="reports.reporter_email",
                title=_("Signalement n° %(pk)d : %(category)s")
                % {"pk": report.pk, "category": report.category.name},
                url=report.get_tracking_url(),
                created_at=report.created_at,
                keep_until=self._keep_until(report),
                audience=str(self.categories[0].audience),
                outcomes=outcomes,
                details={
                    _("Courriel"): report.reporter_email,
                    _("Statut"): report.get_status_display(),
                    _("Photos"): str(photos),
                    _("Public"): _("non, masqué")
                    if report.hidden
                    else _("oui, sans votre courriel"),
                },
            )

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        rows, updates, photos = [], [], []
        for report in self._reports(identity):
            rows.append(
                {
                    "numero": report.pk,
                    "categorie": report.category.name,
                    "service": report.category.service.name,
                    "statut": report.status,
                    "description": report.description,
                    "adresse": report.address,
                    "latitude": report.latitude,
                    "longitude": report.longitude,
                    "courriel": report.reporter_email,
                    "canal": report.channel,
                    "soutiens": report.support_count,
                    "cree_le": report.created_at.isoformat(),
                    "suivi": settings.BASE_URL + report.get_tracking_url(),
                }
            )
            for update in report.updates.filter(public=True):
                updates.append(
                    {
                        "signalement": report.pk,
                        "le": update.created_at.isoformat(),
                        "statut": update.status,
                        "signature": update.signature,
                        "message": update.message,
                    }
                )
            for photo in report.photos.all():
                photos.append(
                    {
                        "signalement": report.pk,
                        "photo": photo.token,
                        "largeur": photo.width,
                        "hauteur": photo.height,
                        "ajoutee_le": photo.created_at.isoformat(),
                    }
                )
        return {
            "reports.reporter_email": rows,
            "reports.contribution.updates": updates,
            "reports.contribution.photos": photos,
        }

    @transaction.atomic
    def erase(self, identity: Identity) -> ErasureReport:
        report = ErasureReport()
        reports = list(self._reports(identity).select_for_update())
        for item in reports:
            # An update() leaves updated_at alone: an erasure is not news of the report, and
            # its dates (statistics, delays) stay as they were.
            Report.objects.filter(pk=item.pk).update(
                reporter_email="", description=identity.redact(item.description)
            )
            for update in item.updates.all():
                message = identity.redact(update.message)
                if message != update.message:
                    ReportUpdate.objects.filter(pk=update.pk).update(message=message)
            address_confirmations_forget(subject=f"report:{item.pk}")
        # A phone number (or the address) typed into someone's own report is not findable by
        # the reporter's email: search the texts of every report for it.
        redacted = 0
        for item in Report.objects.filter(identity.mentions("description")).exclude(
            pk__in=[r.pk for r in reports]
        ):
            text = identity.redact(item.description)
            if text != item.description:
                Report.objects.filter(pk=item.pk).update(description=text)
                redacted += 1
        if reports:
            report.anonymised["reports.reporter_email"] = len(reports)
            report.kept.append(
                _(
                    "Vos signalements restent publiés, sans votre courriel ni votre numéro : ils "
                    "font partie de l'historique public des interventions de la ville, et leur "
                    "nombre compte dans les statistiques."
                )
            )
        if redacted:
            report.anonymised["reports.contribution"] = redacted
        return report

    @transaction.atomic
    def purge(self, now: dt.datetime) -> int:
        stale = (
            Report.objects.exclude(reporter_email="")
            .exclude(status__in=Report.OPEN_STATUSES)
            .filter(updated_at__lt=now - _email_days())
        )
        ids = list(stale.values_list("pk", flat=True))
        Report.objects.filter(pk__in=ids).update(reporter_email="")
        for pk in ids:
            address_confirmations_forget(subject=f"report:{pk}")
        return len(ids)


HOLDERS = [ReportsHolder()]
