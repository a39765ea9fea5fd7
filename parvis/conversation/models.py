"""Assistant conversations, their messages, hand-offs to a service, and the services' calendars."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from parvis.content.models.places import Weekday


def new_public_id() -> str:
    return secrets.token_urlsafe(9)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Conversation(models.Model):
    """One resident's exchange with the assistant and, after a hand-off, with a service.

    The resident is anonymous: the public id and a secret token (only its hash is stored)
    are the tracking link. Contact details are optional and erased when it closes.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("avec l'assistant")
        HANDED_OFF = "handed_off", _("transmise à un service")
        WAITING_AGENT = "waiting_agent", _("en attente d'un agent")
        ANSWERED = "answered", _("répondue par un agent")
        CLOSED = "closed", _("close")

    public_id = models.CharField(max_length=20, unique=True, default=new_public_id, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    service = models.ForeignKey(
        "content.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("service"),
    )
    assigned_to = models.ForeignKey(
        "core.AgentProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("agent"),
    )
    contact_email = models.EmailField(_("courriel"), blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # What the assistant is waiting for: {"kind": "clarify", "candidates": [...]}, or {}.
    pending = models.JSONField(default=dict, blank=True)
    # The page the assistant last considered: routes a hand-off to that Fiche's service.
    last_page_id = models.IntegerField(null=True, blank=True)
    handed_off_at = models.DateTimeField(null=True, blank=True)
    # Since when the resident waits for a human (null when nobody owes them an answer).
    waiting_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Since when the tracking link (token or emailed key) no longer opens the conversation:
    # revoked by the resident or an agent, or when retention anonymises it.
    links_revoked_at = models.DateTimeField(_("lien désactivé le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["service", "status"]),
            models.Index(fields=["updated_at"]),
        ]
        permissions = [
            ("answer_conversation", _("Répondre aux conversations de ses services")),
            ("view_learning", _("Voir les questions sans réponse")),
        ]

    def __str__(self) -> str:
        return self.public_id

    def token_matches(self, token: str) -> bool:
        return bool(token) and secrets.compare_digest(self.token_hash, token_hash(token))

    @property
    def is_with_humans(self) -> bool:
        return self.status not in (self.Status.OPEN, self.Status.CLOSED)


class Message(models.Model):
    class Author(models.TextChoices):
        RESIDENT = "resident", _("Vous")
        ASSISTANT = "assistant", _("Assistant")
        AGENT = "agent", _("Agent")

    class Kind(models.TextChoices):
        TEXT = "text", _("message")
        ANSWER = "answer", _("réponse")
        CLARIFY = "clarify", _("question de précision")
        HANDOFF = "handoff", _("transmission")
        OFFER = "offer", _("proposition d'un agent")
        EVENT = "event", _("événement")

    class Feedback(models.TextChoices):
        YES = "yes", _("oui")
        NO = "no", _("non")

    class PageRole(models.TextChoices):
        CITED = "cited", _("page citée")
        DRAFTED = "drafted", _("fiche rédigée à partir de la réponse")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(max_length=10, choices=Author.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    agent = models.ForeignKey(
        "core.AgentProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    # Published sources of an assistant answer: [{"id", "url", "title"}].
    sources = models.JSONField(default=list, blank=True)
    # The resident's message this assistant message responds to (for the learning loop).
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback = models.CharField(max_length=3, choices=Feedback.choices, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    # The page an agent's answer cites (a link to it in the text), or the Fiche drafted from
    # it: what "Mes données" shows as what the question led to, from this record.
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A database default too: rows written without it (older code, data migrations) are valid.
    page_role = models.CharField(
        max_length=8, choices=PageRole.choices, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(author="agent") | models.Q(agent__isnull=False),
                name="conversation_agent_message_has_agent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class HandOff(models.Model):
    """The moment a conversation went to a service's inbox, and why."""

    class Reason(models.TextChoices):
        LOW_CONFIDENCE = "low_confidence", _("confiance insuffisante")
        ASKED_FOR_HUMAN = "asked_for_human", _("demande d'un humain")
        SAID_NO = "said_no", _("réponse jugée insuffisante")
        CLARIFICATION_FAILED = "clarification_failed", _("précision sans résultat")
        # "Poser la question à un agent" on the search page: straight to a service.
        SEARCH_PAGE = "search_page", _("question posée depuis la recherche")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="handoffs"
    )
    reason = models.CharField(_("motif"), max_length=24, choices=Reason.choices)
    service = models.ForeignKey(
        "content.Service", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transmission à un service")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.reason}"


class ServiceCalendar(ClusterableModel):
    """When a service's agents answer conversations: weekly hours, exceptions, holidays."""

    service = models.OneToOneField(
        "content.Service", on_delete=models.CASCADE, related_name="calendar"
    )
    closed_on_public_holidays = models.BooleanField(_("fermé les jours fériés"), default=True)

    panels = [
        FieldPanel("service"),
        FieldPanel("closed_on_public_holidays"),
        InlinePanel("hours", label=_("Horaires de la semaine")),
        InlinePanel("exceptions", label=_("Exceptions")),
    ]

    class Meta:
        verbose_name = _("horaires de réponse d'un service")
        verbose_name_plural = _("horaires de réponse des services")

    def __str__(self) -> str:
        return str(self.service)


class OfficeHours(Orderable):
    Weekday = Weekday

    calendar = ParentalKey(ServiceCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens = models.TimeField(_("de"))
    closes = models.TimeField(_("à"))

    class Meta(Orderable.Meta):
        verbose_name = _("plage horaire")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="conversation_hours_order"
            )
        ]


class CalendarException(Orderable):
    calendar = ParentalKey(ServiceCalendar, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("fermé toute la journée"), default=True)
    opens = models.TimeField(_("de"), null=True, blank=True)
    closes = models.TimeField(_("à"), null=True, blank=True)
    label = models.CharField(_("motif"), max_length=120, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("exception")


class CannedReply(models.Model):
    """A ready-made reply an agent of the service can start from."""

    service = models.ForeignKey(
        "content.Service",
        on_delete=models.CASCADE,
        related_name="canned_replies",
        verbose_name=_("service"),
    )
    title = models.CharField(_("titre"), max_length=120)
    text = models.TextField(_("texte"))

    panels = [FieldPanel("service"), FieldPanel("title"), FieldPanel("text")]

    class Meta:
        verbose_name = _("réponse type")
        verbose_name_plural = _("réponses types")
        ordering = ["service", "title"]

    def __str__(self) -> str:
        return self.title
