"""Shared tables: the outbox of messages to residents and agents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AddressConfirmation(models.Model):
    """An email address a resident typed, for one subject ("report:12", "conversation:34").

    Until its owner follows the signed link, the portal sends that address nothing but the
    confirmation email: whoever types a third party's address cannot make the city write to
    them. Messages queued meanwhile wait (``OutboxMessage.Status.HELD``) and go on confirmation.
    """

    recipient = models.EmailField(_("adresse"))
    subject = models.CharField(_("objet"), max_length=80)
    email_sent = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("adresse à confirmer")
        verbose_name_plural = _("adresses à confirmer")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "subject"], name="confirmation_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({'confirmed' if self.confirmed_at else 'pending'})"


class OutboxMessage(models.Model):
    """An email waiting to be sent, written in the same transaction as the change it reports.

    If the process dies after the commit, the message is still here and the worker delivers
    it: nothing acknowledged is ever lost. A worker claims a message with a lease
    (``claimed_until``) and sends it outside any transaction; a crashed worker's claim expires.
    After ``MAX_ATTEMPTS`` failures the message is dead-lettered (``FAILED``) and staff are told.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        HELD = "held", _("en attente de confirmation de l'adresse")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec définitif")

    recipient = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=250)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    # Which feature queued it ("reports", "conversation"…), for the data register and debugging.
    topic = models.CharField(_("origine"), max_length=50)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Set on messages to a resident's address: held until it is confirmed for that subject.
    confirmation = models.ForeignKey(
        AddressConfirmation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Not before this moment (exponential backoff after a failure).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker's claim: nobody else sends the message before it expires.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("message sortant")
        verbose_name_plural = _("messages sortants")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.topic}: {self.subject}"


class AgentProfile(models.Model):
    """How a city agent appears to residents, and which services' work they may act on.

    Residents see the first name and role on every public update and reply ("Samia,
    agente d'accueil, service État civil"); the services bound what the agent may touch.
    """

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="agent_profile")
    display_name = models.CharField(
        _("prénom affiché"), max_length=60, help_text=_("Le prénom que voient les habitants.")
    )
    role = models.CharField(_("fonction"), max_length=120, blank=True)
    services = models.ManyToManyField(
        "content.Service", blank=True, related_name="agents", verbose_name=_("services")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo (facultative)"),
    )

    class Meta:
        verbose_name = _("profil d'agent")
        verbose_name_plural = _("profils d'agents")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.role})" if self.role else self.display_name


class IdempotencyRecord(models.Model):
    """The stored outcome of a write sent with an Idempotency-Key (IETF httpapi draft).

    ``scope`` is the client's identity (an API key's id, a channel) so a client can only ever
    replay its own responses. ``in_flight`` rows carry a lease: a crashed request's row is
    taken over once its lease has expired.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    in_flight = models.BooleanField(default=True)
    lease_until = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(default=0)
    response_type = models.CharField(max_length=100, blank=True)
    response_body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class RateLimitCounter(models.Model):
    """A fixed-window hit counter, used when no shared cache (Redis) is configured."""

    bucket = models.CharField(max_length=200)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "window_start"], name="ratelimit_window")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.bucket}@{self.window_start}={self.count}"


class ScheduledJob(models.Model):
    """The state of one periodic job of the declared schedule (``parvis.core.schedule``).

    One row per job name. The worker that finds a job due claims the row with a lease
    (``claimed_until``), so two workers never start the same due run twice.
    """

    class Outcome(models.TextChoices):
        NEVER = "never", _("jamais lancée")
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("réussie")
        FAILED = "failed", _("en échec")

    name = models.CharField(_("tâche"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"))
    last_run_at = models.DateTimeField(_("dernière exécution"), null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.NEVER)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The queued task of the latest run, so its outcome is recorded on this row only.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("tâche planifiée")
        verbose_name_plural = _("tâches planifiées")

    def __str__(self) -> str:
        return self.name


class AccessRecord(models.Model):
    """One view of a person's data by a member of staff: append-only (database triggers).

    Written whenever a page shows staff a resident's email address or phone number. It keeps
    who looked (copied: the record must outlive the account), for which service and purpose,
    and a keyed hash of the address seen (``Identity.digest``), never the address itself: the
    person finds their records in "Mes données", and an erasure leaves nothing readable here.
    """

    class Purpose(models.TextChoices):
        REPORT = "report", _("traitement du signalement")
        CONVERSATION = "conversation", _("réponse à une question")
        ADMINISTRATION = "administration", _("administration du site")

    created_at = models.DateTimeField(_("date de consultation"), db_index=True)
    staff_user_id = models.IntegerField(null=True, blank=True)
    staff_name = models.CharField(_("consulté par"), max_length=150)
    service_name = models.CharField(_("service"), max_length=200, blank=True)
    purpose = models.CharField(_("finalité"), max_length=20, choices=Purpose.choices)
    subject = models.CharField(_("objet"), max_length=80)  # "report:12", "conversation:3"
    data_kind = models.CharField(_("donnée"), max_length=10)  # "email" or "phone"
    identity_digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("consultation de données personnelles")
        verbose_name_plural = _("journal des consultations de données personnelles")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_access_log", _("Voir le journal des consultations (comité d'éthique)"))
        ]

    def __str__(self) -> str:
        return f"{self.staff_name} {self.subject} {self.created_at:%Y-%m-%d}"
