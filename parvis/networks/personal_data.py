"""The personal data of the groups directory: the address of whoever proposes a group.

A published group is public information about the group (its name, what it does, how to join),
kept when its contact erases their address; a proposal that was never published goes entirely.
The update links sent to the contact are not stored: they are signed, expire, and serve once
(a change of the group spends them), so an erasure — which changes the group — spends them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.core.models import AddressConfirmation
from parvis.core.notifications import address_confirmations_forget
from parvis.core.personal_data import (
    DataCategory,
    ErasureReport,
    HeldItem,
    Identity,
    LegalBasis,
    Outcome,
)
from parvis.networks.models import Group
from parvis.networks.services import _index_later

# A refused proposal is kept this long after the decision (the proposer may ask why), then
# deleted with its address.
REJECTED_KEEP = dt.timedelta(days=30)


def _confirm_days() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "PARVIS_ADDRESS_CONFIRM_DAYS", 7)))


def _confirmed_at(group: Group) -> dt.datetime | None:
    return (
        AddressConfirmation.objects.filter(
            subject=group.confirmation_subject,
            recipient__iexact=group.contact_email,
            confirmed_at__isnull=False,
        )
        .values_list("confirmed_at", flat=True)
        .first()
    )


class NetworksHolder:
    key = "networks"
    label = gettext_lazy("Groupes de quartier")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="networks.contact",
                label=gettext_lazy("Courriel de la personne qui propose un groupe"),
                purpose=gettext_lazy(
                    "Confirmer la proposition, vous dire si le groupe est publié, vous envoyer "
                    "sur demande un lien pour le mettre à jour."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=gettext_lazy("Les modérateurs des groupes (jamais publié)"),
                retention=REJECTED_KEEP,
                retention_rule=gettext_lazy(
                    "après un refus ; tant que le groupe est publié sinon ; une proposition "
                    "jamais confirmée est effacée quand le lien de confirmation expire. Les "
                    "liens de mise à jour ne sont pas conservés : signés, valables %(days)d "
                    "jours, ils ne servent qu'une fois"
                )
                % {"days": settings.PARVIS_NETWORKS_EDIT_LINK_DAYS},
                public_anonymised=True,
            ),
            DataCategory(
                key="networks.group",
                label=gettext_lazy("Groupe proposé : nom, description, lien pour le rejoindre"),
                purpose=gettext_lazy("Faire connaître le groupe dans l'annuaire des quartiers."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=gettext_lazy("Public une fois validé par un modérateur"),
                retention_rule=gettext_lazy(
                    "publié tant que le groupe existe ; à l'effacement de votre adresse, le "
                    "groupe publié reste, sans votre adresse ; une proposition non publiée est "
                    "effacée"
                ),
                public_anonymised=True,
            ),
        ]

    def _groups(self, identity: Identity):  # noqa: ANN202 — a QuerySet
        if not identity.is_email:
            return Group.objects.none()
        return Group.objects.filter(contact_email__iexact=identity.value).order_by("created_at")

    def _outcomes(self, group: Group) -> list[Outcome]:
        outcomes = [Outcome(at=group.created_at, label=_("Proposition reçue"))]
        confirmed = _confirmed_at(group)
        if confirmed:
            outcomes.append(Outcome(at=confirmed, label=_("Adresse confirmée")))
        if group.status == Group.Status.APPROVED:
            outcomes.append(
                Outcome(
                    at=group.moderated_at,
                    label=_("Publié dans l'annuaire des groupes"),
                    url=group.get_absolute_url(),
                )
            )
        elif group.status == Group.Status.REJECTED:
            label = _("Refusé par la modération")
            if group.moderation_note:
                label = f"{label} : {group.moderation_note}"
            outcomes.append(Outcome(at=group.moderated_at, label=label))
        else:
            outcomes.append(Outcome(at=None, label=_("En attente de modération")))
        events = group.events.count()
        if events:
            outcomes.append(
                Outcome(
                    at=None,
                    label=_("%(n)d événement(s) de ses flux dans l'agenda") % {"n": events},
                )
            )
        return outcomes

    def _keep_until(self, group: Group) -> dt.datetime | None:
        if group.status == Group.Status.REJECTED and group.moderated_at:
            return group.moderated_at + REJECTED_KEEP
        if group.status == Group.Status.PROPOSED and not _confirmed_at(group):
            return group.created_at + _confirm_days()
        return None

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        for group in self._groups(identity):
            yield HeldItem(
                category="networks.contact",
                title=_("Groupe proposé : %(name)s") % {"name": group.name},
                url=group.get_absolute_url() if group.status == Group.Status.APPROVED else "",
                created_at=group.created_at,
                keep_until=self._keep_until(group),
                audience=str(self.categories[0].audience),
                outcomes=self._outcomes(group),
                details={
                    _("Courriel"): group.contact_email,
                    _("Statut"): group.get_status_display(),
                },
            )

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        return {
            "networks.contact": [
                {
                    "groupe": group.name,
                    "courriel": group.contact_email,
                    "statut": group.status,
                    "description": group.description,
                    "rejoindre": group.join_url,
                    "flux": ", ".join(group.feeds.values_list("url", flat=True)),
                    "propose_le": group.created_at.isoformat(),
                    "modere_le": group.moderated_at.isoformat() if group.moderated_at else "",
                    "motif": group.moderation_note,
                    "page": settings.BASE_URL + group.get_absolute_url()
                    if group.status == Group.Status.APPROVED
                    else "",
                }
                for group in self._groups(identity)
            ]
        }

    @transaction.atomic
    def erase(self, identity: Identity) -> ErasureReport:
        report = ErasureReport()
        now = timezone.now()
        published = deleted = 0
        for group in self._groups(identity).select_for_update():
            address_confirmations_forget(subject=group.confirmation_subject)
            if group.status == Group.Status.APPROVED:
                # updated_at changes: any update link already sent is spent.
                Group.objects.filter(pk=group.pk).update(
                    contact_email="",
                    description=identity.redact(group.description),
                    updated_at=now,
                )
                _index_later(Group.objects.get(pk=group.pk))
                published += 1
            else:
                group.delete()
                deleted += 1
        # The address or number typed into a group's description (anyone's group).
        redacted = 0
        for group in Group.objects.filter(identity.mentions("description")):
            text = identity.redact(group.description)
            if text != group.description:
                Group.objects.filter(pk=group.pk).update(description=text, updated_at=now)
                _index_later(Group.objects.get(pk=group.pk))
                redacted += 1
        if deleted:
            report.deleted["networks.group"] = deleted
        if published:
            report.anonymised["networks.contact"] = published
            report.kept.append(
                _(
                    "Les groupes que vous avez proposés et qui sont publiés restent dans "
                    "l'annuaire, sans votre adresse : vous ne recevrez plus de lien pour les "
                    "mettre à jour."
                )
            )
        if redacted:
            report.anonymised["networks.group"] = redacted
        return report

    @transaction.atomic
    def purge(self, now: dt.datetime) -> int:
        confirmed = AddressConfirmation.objects.filter(
            subject__startswith="group:", confirmed_at__isnull=False
        ).values_list("subject", flat=True)
        confirmed_ids = {int(s.partition(":")[2]) for s in confirmed if s[6:].isdigit()}
        stale = Group.objects.filter(
            Q(status=Group.Status.REJECTED, moderated_at__lt=now - REJECTED_KEEP)
            | Q(status=Group.Status.PROPOSED, created_at__lt=now - _confirm_days())
        )
        done = 0
        for group in stale:
            if group.status == Group.Status.PROPOSED and group.pk in confirmed_ids:
                continue  # confirmed, waiting for a moderator: kept
            address_confirmations_forget(subject=group.confirmation_subject)
            group.delete()
            done += 1
        return done


HOLDERS = [NetworksHolder()]
