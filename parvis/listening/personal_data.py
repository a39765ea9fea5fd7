"""The personal data of "Une minute pour…", declared for "Mes données" and the register.

An answer is anonymous: by the web nothing ties it to anyone; by SMS it keeps the keyed hash
of the number (``phone_hash``), which "Mes données" recomputes from the number the person
proves (the texted code) to find their answers. An email or a number given to be told the
outcome (``OutcomeSubscription``) is tied to the question, never to an answer: "Mes données"
lists the question followed and what it produced, not which answer was the person's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parvis.core.models import AddressConfirmation, OutboxMessage
from parvis.core.personal_data import (
    DataCategory,
    ErasureReport,
    HeldItem,
    Identity,
    LegalBasis,
    Outcome,
)
from parvis.listening.models import (
    FieldAnswer,
    FieldQuestion,
    FollowUp,
    InboundMessage,
    OutcomeSubscription,
    SmsContact,
    SmsOptOut,
)
from parvis.listening.phones import phone_hash, sms_recipient
from parvis.listening.services import contact_erase, contacts_expire, follow_subject

# The number's hash on answers and received SMS: kept while the question is open (a second SMS
# without a code answers the same question), then this long after it closed.
HASH_AFTER_CLOSING = dt.timedelta(days=30)
# A subscription once its outcome was sent (or after STOP): kept this long, then deleted.
SUBSCRIPTION_AFTER_OUTCOME = dt.timedelta(days=30)
# A subscription whose question never got a follow-up: deleted this long after closing.
SUBSCRIPTION_UNANSWERED = dt.timedelta(days=365)

AUDIENCE_NOBODY = gettext_lazy(
    "Personne : le numéro n'est gardé que sous forme d'empreinte chiffrée ; seuls les totaux "
    "et les remarques validées (sans coordonnées) sont publiés"
)


def _contact_hours() -> dt.timedelta:
    return dt.timedelta(hours=settings.PARVIS_SMS_CONTACT_HOURS)


def _hashed(identity: Identity) -> str:
    return "" if identity.is_email else phone_hash(identity.value)


def _question_outcomes(question: FieldQuestion, *, since: dt.datetime | None) -> list[Outcome]:
    """What a question produced: its published results, and each published "Vous avez dit,
    nous avons fait" (after ``since``: the answer or the subscription counted in it)."""
    outcomes: list[Outcome] = []
    if question.is_public:
        total = FieldAnswer.objects.filter(question=question).count()
        if question.is_open:
            label = ngettext(
                "Résultats en direct : %(n)d réponse",
                "Résultats en direct : %(n)d réponses",
                total,
            )
            at = None
        else:
            label = ngettext(
                "Question close, résultats publiés : %(n)d réponse",
                "Question close, résultats publiés : %(n)d réponses",
                total,
            )
            at = question.closes_at
        outcomes.append(Outcome(at=at, label=label % {"n": total}, url=question.results_url()))
    followups = FollowUp.objects.filter(question=question, published_at__isnull=False)
    if since is not None:  # the follow-ups it counted in (or was told of), not earlier ones
        followups = followups.filter(published_at__gte=since)
    for followup in followups.order_by("published_at"):
        text = followup.body if len(followup.body) <= 200 else followup.body[:199] + "…"
        outcomes.append(
            Outcome(
                at=followup.published_at,
                label=_("« Vous avez dit, nous avons fait » (%(who)s, %(service)s) : %(text)s")
                % {"who": followup.author_name, "service": followup.service.name, "text": text},
                url=followup.get_absolute_url(),
            )
        )
    return outcomes


def _question_title(question: FieldQuestion) -> str:
    return _("Question de terrain %(code)s : « %(text)s »") % {
        "code": question.code,
        "text": question.text,
    }


class ListeningHolder:
    key = "listening"
    label = gettext_lazy("Questions de terrain (« Une minute pour… »)")

    @property
    def categories(self) -> list[DataCategory]:
        return [
            DataCategory(
                key="listening.answers",
                label=gettext_lazy(
                    "Réponses aux questions de terrain (par SMS : empreinte chiffrée du numéro ; "
                    "remarque écrite)"
                ),
                purpose=gettext_lazy(
                    "Compter votre réponse, la rattacher à la question quand vous répondez sans "
                    "code, publier les résultats et les remarques validées."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=AUDIENCE_NOBODY,
                retention=HASH_AFTER_CLOSING,
                retention_rule=gettext_lazy(
                    "après la clôture de la question pour l'empreinte du numéro ; la réponse "
                    "reste comptée, anonyme, dans les résultats publiés. Par le site, rien ne "
                    "relie une réponse à vous"
                ),
                public_anonymised=True,
            ),
            DataCategory(
                key="listening.sms_contact",
                label=gettext_lazy("Numéro de téléphone gardé le temps de vous répondre par SMS"),
                purpose=gettext_lazy(
                    "Vous envoyer la réponse à votre SMS (remerciement, code « Mes données »)."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                audience=gettext_lazy(
                    "Personne : traitement automatique ; l'opérateur SMS le reçoit pour l'envoi"
                ),
                retention=_contact_hours(),
                retention_rule=gettext_lazy("au plus ; effacé dès que le SMS est parti"),
                recipients=gettext_lazy("L'opérateur SMS de la Ville (Twilio ou OVHcloud)"),
            ),
            DataCategory(
                key="listening.subscriptions",
                label=gettext_lazy(
                    "Courriel ou numéro donné pour savoir ce que la Ville a fait après une question"
                ),
                purpose=gettext_lazy(
                    "Vous envoyer « Vous avez dit, nous avons fait » quand la Ville le publie."
                ),
                legal_basis=LegalBasis.CONSENT,
                audience=gettext_lazy(
                    "Personne : traitement automatique (le numéro n'est gardé que jusqu'à l'envoi)"
                ),
                retention=SUBSCRIPTION_AFTER_OUTCOME,
                retention_rule=gettext_lazy(
                    "après l'envoi (ou après STOP) ; au plus 1 an après la clôture de la question "
                    "si la Ville n'a rien publié"
                ),
            ),
            DataCategory(
                key="listening.opt_outs",
                label=gettext_lazy("Numéros qui ont répondu STOP (empreinte chiffrée)"),
                purpose=gettext_lazy("Ne plus jamais vous envoyer de SMS après un STOP."),
                legal_basis=LegalBasis.LEGAL_OBLIGATION,
                audience=gettext_lazy("Personne : traitement automatique"),
                retention_rule=gettext_lazy(
                    "conservée tant que la Ville envoie des SMS, y compris après un effacement : "
                    "c'est ce qui garantit votre opposition ; l'empreinte ne permet pas de "
                    "retrouver le numéro"
                ),
            ),
        ]

    # --- what is held ------------------------------------------------------------------------

    def _subscriptions(self, identity: Identity):  # noqa: ANN202 — a QuerySet
        if identity.is_email:
            found = OutcomeSubscription.objects.filter(email__iexact=identity.value)
        else:
            found = OutcomeSubscription.objects.filter(phone_hash=_hashed(identity))
        return found.select_related("question").order_by("created_at")

    def _answers(self, identity: Identity):  # noqa: ANN202
        if identity.is_email:
            return FieldAnswer.objects.none()
        return (
            FieldAnswer.objects.filter(phone_hash=_hashed(identity))
            .select_related("question")
            .order_by("created_at")
        )

    def find(self, identity: Identity) -> Iterable[HeldItem]:
        categories = {c.key: c for c in self.categories}
        for answer in self._answers(identity):
            question = answer.question
            outcomes = [
                Outcome(
                    at=answer.created_at,
                    label=_("Comptée dans les résultats de la question %(code)s")
                    % {"code": question.code},
                    url=question.results_url() if question.is_public else "",
                )
            ]
            if answer.remark_status == FieldAnswer.RemarkStatus.APPROVED:
                outcomes.append(
                    Outcome(at=answer.moderated_at, label=_("Votre remarque est publiée"))
                )
            elif answer.remark_status == FieldAnswer.RemarkStatus.REJECTED:
                outcomes.append(
                    Outcome(at=answer.moderated_at, label=_("Votre remarque n'a pas été publiée"))
                )
            outcomes += _question_outcomes(question, since=answer.created_at)
            details = {_("Réponse"): answer.label or _("remarque"), _("Canal"): _("SMS")}
            if answer.remark:
                details[_("Remarque")] = answer.remark
            keep = categories["listening.answers"].keep_until(question.closes_at)
            yield HeldItem(
                category="listening.answers",
                title=_("Réponse par SMS — %(question)s") % {"question": _question_title(question)},
                url=question.results_url() if question.is_public else "",
                created_at=answer.created_at,
                keep_until=keep,
                audience=str(AUDIENCE_NOBODY),
                outcomes=outcomes,
                details=details,
            )
        for subscription in self._subscriptions(identity):
            question = subscription.question
            outcomes = _question_outcomes(question, since=subscription.created_at)
            confirmed = True
            if subscription.email:
                confirmed = AddressConfirmation.objects.filter(
                    subject=follow_subject(question),
                    recipient__iexact=subscription.email,
                    confirmed_at__isnull=False,
                ).exists()
            if subscription.notified_at:
                label = (
                    _("« Vous avez dit, nous avons fait » vous a été envoyé")
                    if confirmed
                    else _(
                        "« Vous avez dit, nous avons fait » vous attend : confirmez votre "
                        "adresse pour le recevoir"
                    )
                )
                outcomes.append(Outcome(at=subscription.notified_at, label=label))
            if subscription.cancelled_at:
                outcomes.append(Outcome(at=subscription.cancelled_at, label=_("Arrêté (STOP)")))
            details = {
                _("Par"): subscription.get_medium_display(),
                _("Courriel") if subscription.email else _("Téléphone"): subscription.email
                or identity.value,
            }
            if subscription.email:
                details[_("Adresse confirmée")] = _("oui") if confirmed else _("non")
            done = subscription.notified_at or subscription.cancelled_at
            keep = (
                done + SUBSCRIPTION_AFTER_OUTCOME
                if done
                else question.closes_at + SUBSCRIPTION_UNANSWERED
            )
            yield HeldItem(
                category="listening.subscriptions",
                title=_("Suivi demandé — %(question)s") % {"question": _question_title(question)},
                url=question.results_url() if question.is_public else "",
                created_at=subscription.created_at,
                keep_until=keep,
                audience=str(categories["listening.subscriptions"].audience),
                outcomes=outcomes,
                details=details,
            )
        if not identity.is_email:
            hashed = _hashed(identity)
            contact = SmsContact.objects.filter(phone_hash=hashed).first()
            if contact is not None:
                yield HeldItem(
                    category="listening.sms_contact",
                    title=_("Numéro gardé pour vous répondre par SMS"),
                    keep_until=contact.expires_at,
                    audience=str(categories["listening.sms_contact"].audience),
                    details={_("Téléphone"): contact.number},
                )
            opt_out = SmsOptOut.objects.filter(phone_hash=hashed).first()
            if opt_out is not None:
                yield HeldItem(
                    category="listening.opt_outs",
                    title=_("Vous avez répondu STOP : aucun SMS ne vous est plus envoyé"),
                    created_at=opt_out.created_at,
                    audience=str(categories["listening.opt_outs"].audience),
                )

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]:
        answers = [
            {
                "question": a.question.code,
                "intitule": a.question.text,
                "canal": a.channel,
                "reponse": a.label,
                "remarque": a.remark,
                "remarque_publiee": a.remark_public,
                "statut_remarque": a.remark_status,
                "le": a.created_at.isoformat(),
                "resultats": settings.BASE_URL + a.question.results_url(),
            }
            for a in self._answers(identity)
        ]
        subscriptions = [
            {
                "question": s.question.code,
                "intitule": s.question.text,
                "par": s.medium,
                "courriel": s.email,
                "telephone": s.number or ("" if identity.is_email else identity.value),
                "demande_le": s.created_at.isoformat(),
                "envoye_le": s.notified_at.isoformat() if s.notified_at else "",
                "arrete_le": s.cancelled_at.isoformat() if s.cancelled_at else "",
                "resultats": settings.BASE_URL + s.question.results_url(),
            }
            for s in self._subscriptions(identity)
        ]
        rows: dict[str, list[dict[str, Any]]] = {
            "listening.answers": answers,
            "listening.subscriptions": subscriptions,
        }
        if not identity.is_email:
            hashed = _hashed(identity)
            rows["listening.sms_contact"] = [
                {"telephone": c.number, "efface_au_plus_tard_le": c.expires_at.isoformat()}
                for c in SmsContact.objects.filter(phone_hash=hashed)
            ]
            rows["listening.opt_outs"] = [
                {"stop_le": o.created_at.isoformat()}
                for o in SmsOptOut.objects.filter(phone_hash=hashed)
            ]
        return rows

    # --- erasure and retention ---------------------------------------------------------------

    @transaction.atomic
    def erase(self, identity: Identity) -> ErasureReport:
        report = ErasureReport()
        hashed = _hashed(identity)
        # Remarks (the person's own, or anyone's) that quote the address or number: masked.
        remarks = FieldAnswer.objects.filter(
            identity.mentions("remark") | identity.mentions("remark_public")
        )
        if hashed:
            remarks = remarks | FieldAnswer.objects.filter(phone_hash=hashed).exclude(remark="")
        touched = set(self._answers(identity).values_list("pk", flat=True))
        for answer in remarks.distinct():
            remark, public = identity.redact(answer.remark), identity.redact(answer.remark_public)
            if (remark, public) != (answer.remark, answer.remark_public):
                FieldAnswer.objects.filter(pk=answer.pk).update(remark=remark, remark_public=public)
                touched.add(answer.pk)
        if identity.is_email:
            counts = contact_erase(email=identity.value)
        else:
            counts = contact_erase(phone=identity.value)
            # The SMS sent to the number (replies, codes) name it only by its hash: forgotten.
            counts["messages"] = OutboxMessage.objects.filter(
                recipient=sms_recipient(hashed)
            ).delete()[0]
        for key, count in (
            ("listening.subscriptions", counts["subscriptions"]),
            ("listening.sms_contact", counts["contacts"]),
            ("core.outbox", counts.get("messages", 0)),
            ("core.confirmations", counts["confirmations"]),
        ):
            if count:
                report.deleted[key] = report.deleted.get(key, 0) + count
        if touched:
            report.anonymised["listening.answers"] = len(touched)
            report.kept.append(
                _(
                    "Vos réponses aux questions de terrain restent comptées dans les résultats "
                    "publiés, sans rien qui les relie à vous."
                )
            )
        if hashed and SmsOptOut.objects.filter(phone_hash=hashed).exists():
            report.kept.append(
                _(
                    "Votre STOP reste enregistré, sous forme d'empreinte chiffrée du numéro : "
                    "c'est ce qui garantit qu'aucun SMS ne vous sera plus envoyé."
                )
            )
        return report

    @transaction.atomic
    def purge(self, now: dt.datetime) -> int:
        done = contacts_expire(now=now)
        closed_long_ago = Q(question__closes_at__lt=now - HASH_AFTER_CLOSING)
        done += (
            FieldAnswer.objects.exclude(phone_hash="").filter(closed_long_ago).update(phone_hash="")
        )
        done += (
            InboundMessage.objects.exclude(phone_hash="")
            .filter(received_at__lt=now - HASH_AFTER_CLOSING)
            .filter(
                Q(answer__isnull=True) | Q(answer__question__closes_at__lt=now - HASH_AFTER_CLOSING)
            )
            .update(phone_hash="")
        )
        stale = OutcomeSubscription.objects.filter(
            Q(notified_at__lt=now - SUBSCRIPTION_AFTER_OUTCOME)
            | Q(cancelled_at__lt=now - SUBSCRIPTION_AFTER_OUTCOME)
            | Q(
                notified_at__isnull=True,
                cancelled_at__isnull=True,
                question__closes_at__lt=now - SUBSCRIPTION_UNANSWERED,
            )
        )
        for subscription in stale.select_related("question").filter(~Q(email="")):
            confirmations = AddressConfirmation.objects.filter(
                subject=follow_subject(subscription.question),
                recipient__iexact=subscription.email,
            )
            OutboxMessage.objects.filter(
                confirmation__in=confirmations, status=OutboxMessage.Status.HELD
            ).delete()
            confirmations.delete()
        done += stale.delete()[0]
        return done


HOLDERS = [ListeningHolder()]
