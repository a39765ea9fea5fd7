"""A report's steps for residents: received, taken into account, planned, resolved.

Each step carries the date it happened (from the report's public history), the current one is
marked, and the next one is explained. A report closed without being resolved (closed, not
kept) ends its timeline on that outcome instead of the steps it will not reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from parvis.reports.models import Report, ReportUpdate

S = Report.Status
FLOW = (S.NOUVEAU, S.PRIS_EN_COMPTE, S.PLANIFIE, S.RESOLU)
ENDINGS = (S.CLOS, S.NON_RETENU)


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    # When the report reached this step; None for a step still to come, or one the service
    # went past without saying so (a report planned straight away was taken into account).
    reached_at: dt.datetime | None
    state: str  # "done", "current" or "todo"

    @property
    def is_current(self) -> bool:
        return self.state == "current"


@dataclass(frozen=True)
class Timeline:
    steps: tuple[Step, ...]
    next_step: str  # what happens next, in a sentence; empty once it is over


def _labels() -> dict[str, str]:
    return {
        S.NOUVEAU: _("Reçu"),
        S.PRIS_EN_COMPTE: _("Pris en compte"),
        S.PLANIFIE: _("Intervention planifiée"),
        S.RESOLU: _("Résolu"),
        S.CLOS: _("Clos"),
        S.NON_RETENU: _("Non retenu"),
    }


def _next_step(report: Report) -> str:
    service = report.competent_service.name
    if report.merged_into_id:
        return _("Ce signalement est suivi avec un autre signalement du même problème.")
    texts = {
        S.NOUVEAU: _(
            "Prochaine étape : le service %(service)s examine votre signalement et le prend "
            "en compte, ou explique pourquoi il ne le retient pas."
        ),
        S.PRIS_EN_COMPTE: _(
            "Prochaine étape : le service %(service)s programme une intervention. Chaque "
            "étape est publiée sur cette page."
        ),
        S.PLANIFIE: _(
            "Prochaine étape : l'intervention. Le service %(service)s indiquera ici quand le "
            "problème est résolu."
        ),
        S.RESOLU: _("Le problème est résolu. S'il réapparaît, faites un nouveau signalement."),
        S.CLOS: _("Ce signalement est clos."),
        S.NON_RETENU: _(
            "Le service n'a pas retenu ce signalement : le motif est indiqué ci-dessus."
        ),
    }
    return texts[report.status] % {"service": service}


def report_timeline(*, report: Report, updates: Sequence[ReportUpdate]) -> Timeline:
    """The steps of ``report`` from its public ``updates`` (oldest first)."""
    reached: dict[str, dt.datetime] = {S.NOUVEAU: report.created_at}
    for update in updates:
        if update.public and update.status and update.status != S.NOUVEAU:
            reached[update.status] = update.created_at  # the latest time it got there
    labels = _labels()
    steps: list[Step] = []
    if report.status in ENDINGS:
        # The steps it went through, then how it ended.
        for status in FLOW:
            if status in reached:
                steps.append(Step(status, labels[status], reached[status], "done"))
        steps.append(
            Step(report.status, labels[report.status], reached.get(report.status), "current")
        )
        return Timeline(tuple(steps), _next_step(report))
    current = FLOW.index(report.status)
    for index, status in enumerate(FLOW):
        state = "done" if index < current else "current" if index == current else "todo"
        when = reached.get(status) if index <= current else None
        steps.append(Step(status, labels[status], when, state))
    return Timeline(tuple(steps), _next_step(report))
