""" "Mes données" holds data too: the links and codes that open it, and the exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parvis.core.personal_data import DataCategory, ErasureReport, HeldItem, Identity, LegalBasis
from parvis.mydata.models import AccessRequest, ExportArchive

# A request is kept a little past its link's lifetime: the page it opened stays open as long.
REQUEST_RETENTION_FACTOR = 2


def _request_retention() -> dt.timedelta:
    return dt.timedelta(minutes=settings.PARVIS_MYDATA_LINK_MINUTES * REQUEST_RETENTION_FACTOR)


class MydataHolder:
    key = "mydata"
    label = _("Mes données")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="mydata.access",
                label=_("Demandes d'accès à « Mes données » (lien ou code à usage unique)"),
                purpose=_("Vérifier que c'est bien vous avant de montrer vos données."),
                legal_basis=LegalBasis.LEGAL_OBLIGATION,
                audience=_("Personne : traitement automatique"),
                retention=_request_retention(),
            ),
            DataCategory(
                key="mydata.exports",
                label=_("Exports de vos données (fichier ZIP)"),
                purpose=_("Vous remettre une copie de vos données (droit à la portabilité)."),
                legal_basis=LegalBasis.LEGAL_OBLIGATION,
                audience=_("Vous seul, par le lien de téléchargement"),
                retention=dt.timedelta(days=settings.PARVIS_MYDATA_EXPORT_DAYS),
            ),
        ]

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        return []  # the page itself is what these rows are for

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        return {}

    @transaction.atomic
    def erase(self, identity: Identity) -> ErasureReport:
        from parvis.mydata.services import exports_forget

        report = ErasureReport()
        requests = AccessRequest.objects.filter(identity=identity.value).delete()[0]
        exports = exports_forget(
            archives=ExportArchive.objects.filter(identity_digest=identity.digest())
        )
        if requests:
            report.deleted["mydata.access"] = requests
        if exports:
            report.deleted["mydata.exports"] = exports
        return report

    @transaction.atomic
    def purge(self, now: dt.datetime) -> int:
        from parvis.mydata.services import exports_forget

        requests = AccessRequest.objects.filter(created_at__lt=now - _request_retention()).delete()
        exports = exports_forget(archives=ExportArchive.objects.filter(expires_at__lte=now))
        return requests[0] + exports


HOLDERS = [MydataHolder()]
