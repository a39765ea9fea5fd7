"""The answer engine keeps no personal data: searches and votes are logged without anything
that identifies who asked (masks applied before storing). Declared for the register and
its retention enforced like any other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parvis.answers.models import AnswerFeedback, QueryLog
from parvis.core.personal_data import DataCategory, ErasureReport, HeldItem, Identity, LegalBasis


class QueryLogHolder:
    key = "answers"
    label = _("Recherches")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="answers.query_logs",
                label=_("Recherches et avis « utile / pas utile », sans identité"),
                purpose=_(
                    "Améliorer les réponses : savoir quelles questions restent sans réponse."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=_("L'équipe éditoriale (textes normalisés, coordonnées masquées)"),
                retention=dt.timedelta(days=settings.PARVIS_ANSWERS_LOG_DAYS),
                retention_rule=_("aucun lien avec vous : rien à retrouver ni à effacer"),
            )
        ]

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        return []

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        return {}

    def erase(self, identity: Identity) -> ErasureReport:
        return ErasureReport()

    def purge(self, now: dt.datetime) -> int:
        cutoff = now - dt.timedelta(days=settings.PARVIS_ANSWERS_LOG_DAYS)
        return (
            QueryLog.objects.filter(created_at__lt=cutoff).delete()[0]
            + AnswerFeedback.objects.filter(created_at__lt=cutoff).delete()[0]
        )


HOLDERS = [QueryLogHolder()]
