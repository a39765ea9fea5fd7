"""The fediverse accounts that follow the city's actors, declared for the register.

Followers are remote accounts (``https://mastodon.example/users/alice``), not residents who
gave the city an email address or a phone number: "Mes données" cannot find them from an
address or a number, and does not try. An account name can still designate a person, so it is
declared here with its purpose, retention and who sees it; the account withdraws itself by
unfollowing from its own server (an ``Undo`` the inbox receives), which deletes the follow.
What is left about it (its cached public key, the sends to its inbox) is purged here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parvis.core.personal_data import DataCategory, ErasureReport, HeldItem, Identity, LegalBasis
from parvis.federation.models import Delivery, Follower, RemoteKey

# Sent (or abandoned) deliveries and the keys of accounts that no longer follow: kept this long.
KEEP = dt.timedelta(days=30)


class FederationHolder:
    key = "federation"
    label = _("Abonnés du fédivers (Mastodon…)")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="federation.followers",
                label=_(
                    "Adresse des comptes du fédivers qui suivent la Ville ou un quartier, et de "
                    "leur boîte de réception"
                ),
                purpose=_("Envoyer les actualités et l'agenda aux comptes qui les suivent."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=_("Les administrateurs techniques ; la liste n'est pas publiée"),
                retention=KEEP,
                retention_rule=_(
                    "pour les envois et la clé publique du compte ; l'abonnement dure tant que "
                    "le compte suit la Ville : il se désabonne depuis son propre serveur, ce qui "
                    "l'efface. Ces comptes ne sont ni des courriels ni des numéros : « Mes "
                    "données » ne peut pas les retrouver, écrivez au délégué à la protection "
                    "des données"
                ),
                recipients=_("Le serveur du compte abonné (ce que la Ville publie, rien d'autre)"),
            )
        ]

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        return []  # an email or a phone is not a fediverse account

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        return {}

    def erase(self, identity: Identity) -> ErasureReport:
        return ErasureReport()

    @transaction.atomic
    def purge(self, now: dt.datetime) -> int:
        cutoff = now - KEEP
        done = Delivery.objects.filter(
            status__in=[Delivery.Status.SENT, Delivery.Status.FAILED], created_at__lt=cutoff
        ).delete()[0]
        following = Follower.objects.values_list("uri", flat=True)
        done += (
            RemoteKey.objects.filter(fetched_at__lt=cutoff).exclude(owner__in=following).delete()[0]
        )
        return done


HOLDERS = [FederationHolder()]
