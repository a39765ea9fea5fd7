"""The personal data conversations hold: the contact a resident left, and what they wrote."""

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

from parvis.conversation.models import Conversation, HandOff, Message
from parvis.conversation.services.retention import REMOVED, conversations_anonymise
from parvis.core.notifications import address_confirmations_forget
from parvis.core.personal_data import (
    DataCategory,
    ErasureReport,
    HeldItem,
    Identity,
    IdentityInvalid,
    LegalBasis,
    Outcome,
)


def _retention() -> dt.timedelta:
    return dt.timedelta(days=settings.PARVIS_CONVERSATION_RETENTION_DAYS)


def _page_outcomes(message: Message) -> list[Outcome]:
    """What an agent's answer led to, from its record: the page it cites, or the Fiche drafted
    from it (once published; before, that one is being written)."""
    page = message.page.specific if message.page_id else None
    if page is None:
        return []
    if message.page_role == Message.PageRole.DRAFTED:
        if not page.live:
            return [
                Outcome(
                    at=message.created_at,
                    label=_("Une fiche est en préparation à partir de la réponse à votre question"),
                )
            ]
        return [
            Outcome(
                at=page.first_published_at,
                label=_("Votre question a donné la fiche « %(title)s »") % {"title": page.title},
                url=page.url or "",
            )
        ]
    if not page.live:
        return []
    return [
        Outcome(
            at=message.created_at,
            label=_("L'agent vous a indiqué la page « %(title)s »") % {"title": page.title},
            url=page.url or "",
        )
    ]


class ConversationHolder:
    key = "conversation"
    label = gettext_lazy("Questions et conversations")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="conversation.contact",
                label=gettext_lazy("Courriel ou téléphone laissé pour être prévenu d'une réponse"),
                purpose=gettext_lazy("Vous prévenir quand un agent répond à votre question."),
                legal_basis=LegalBasis.CONSENT,
                audience=gettext_lazy("Les agents du service qui répond"),
                retention=_retention(),
                retention_rule=gettext_lazy(
                    "sans activité ; effacé dès que la conversation est close"
                ),
            ),
            DataCategory(
                key="conversation.messages",
                label=gettext_lazy("Vos messages à l'assistant et aux agents"),
                purpose=gettext_lazy(
                    "Répondre à votre question, puis améliorer les réponses du site."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=gettext_lazy("Les agents du service qui répond ; l'équipe éditoriale"),
                retention=_retention(),
                retention_rule=gettext_lazy(
                    "sans activité ; ensuite vos textes sont remplacés par « [supprimé] », "
                    "seules les statistiques restent"
                ),
            ),
        ]

    def _conversations(self, identity: Identity):  # noqa: ANN202 — a QuerySet
        if identity.is_email:
            return Conversation.objects.filter(contact_email__iexact=identity.value)
        candidates = Conversation.objects.exclude(contact_phone="").filter(
            Q(contact_phone__in=identity.phone_candidates())
            | Q(contact_phone__endswith=identity.value[-2:])
        )
        ids = [c.pk for c in candidates if identity.matches(c.contact_phone)]
        return Conversation.objects.filter(pk__in=ids)

    def related(self, identity: Identity) -> Iterable[Identity]:
        """The phone left with this email on a conversation, and the other way round."""
        for conversation in self._conversations(identity):
            for raw in (conversation.contact_email, conversation.contact_phone):
                if raw and not identity.matches(raw):
                    try:
                        yield Identity.parse(raw)
                    except IdentityInvalid:
                        continue

    def _outcomes(self, conversation: Conversation) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for handoff in HandOff.objects.filter(conversation=conversation).select_related("service"):
            if handoff.service is not None:
                outcomes.append(
                    Outcome(
                        at=handoff.created_at,
                        label=_("Transmise au service %(service)s")
                        % {"service": handoff.service.name},
                    )
                )
        messages = list(conversation.messages.select_related("agent", "page"))
        cited: set[str] = set()
        for message in messages:
            if message.author == Message.Author.AGENT and message.agent is not None:
                outcomes.append(
                    Outcome(
                        at=message.created_at,
                        label=_("Réponse de %(agent)s") % {"agent": str(message.agent)},
                    )
                )
                outcomes += _page_outcomes(message)
            for source in message.sources or []:
                title, url = source.get("title", ""), source.get("url", "")
                if title and url not in cited:
                    cited.add(url)
                    outcomes.append(
                        Outcome(
                            at=message.created_at,
                            label=_("Réponse de l'assistant : « %(title)s »") % {"title": title},
                            url=url,
                        )
                    )
        if conversation.closed_at:
            outcomes.append(Outcome(at=conversation.closed_at, label=_("Conversation close")))
        return sorted(outcomes, key=lambda o: o.at or timezone.now())

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        for conversation in self._conversations(identity):
            first = conversation.messages.filter(author=Message.Author.RESIDENT).first()
            details = {}
            if conversation.contact_email:
                details[_("Courriel")] = conversation.contact_email
            if conversation.contact_phone:
                details[_("Téléphone")] = conversation.contact_phone
            details[_("Statut")] = conversation.get_status_display()
            yield HeldItem(
                category="conversation.contact",
                title=_("Question : « %(text)s »") % {"text": (first.text if first else "")[:120]},
                created_at=conversation.created_at,
                keep_until=conversation.updated_at + _retention(),
                audience=str(self.categories[0].audience),
                outcomes=self._outcomes(conversation),
                details=details,
            )

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        conversations, messages = [], []
        for conversation in self._conversations(identity):
            conversations.append(
                {
                    "conversation": conversation.public_id,
                    "courriel": conversation.contact_email,
                    "telephone": conversation.contact_phone,
                    "statut": conversation.status,
                    "service": conversation.service.name if conversation.service else "",
                    "creee_le": conversation.created_at.isoformat(),
                }
            )
            for message in conversation.messages.all():
                messages.append(
                    {
                        "conversation": conversation.public_id,
                        "le": message.created_at.isoformat(),
                        "auteur": message.author,
                        "texte": message.text,
                    }
                )
        return {"conversation.contact": conversations, "conversation.messages": messages}

    @transaction.atomic
    def erase(self, identity: Identity) -> ErasureReport:
        ids = list(self._conversations(identity).values_list("pk", flat=True))
        report = ErasureReport()
        if not ids:
            return report
        now = timezone.now()
        Message.objects.filter(
            conversation_id__in=ids, author__in=[Message.Author.RESIDENT, Message.Author.AGENT]
        ).update(text=REMOVED)
        Conversation.objects.filter(pk__in=ids).exclude(status=Conversation.Status.CLOSED).update(
            status=Conversation.Status.CLOSED, closed_at=now
        )
        Conversation.objects.filter(pk__in=ids).update(
            contact_email="",
            contact_phone="",
            pending={},
            waiting_since=None,
            anonymised_at=now,
            links_revoked_at=now,
        )
        for pk in ids:
            address_confirmations_forget(subject=f"conversation:{pk}")
        report.anonymised["conversation.contact"] = len(ids)
        report.kept.append(
            _(
                "Vos conversations sont closes et vos messages remplacés par « [supprimé] » ; "
                "seules restent les statistiques (dates, service, avis oui/non)."
            )
        )
        return report

    def purge(self, now: dt.datetime) -> int:
        return conversations_anonymise(now=now)


HOLDERS = [ConversationHolder()]
