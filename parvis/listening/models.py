"""Questions asked in the street ("Une minute pour…"), their answers and what the city did.

Answers are anonymous: a phone number is kept only as a keyed hash (deduplication, opt-out),
plus the number itself while a reply is due (``SmsContact``), then erased.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.content.models.coordinates import latitude_field, longitude_field

CODE_VALIDATOR = RegexValidator(
    r"^[A-Z0-9]{2,12}$", _("De 2 à 12 lettres majuscules ou chiffres, sans espace.")
)
YES_NO_CHOICES = ["Oui", "Non"]
RATING_LABELS = ["1", "2", "3", "4", "5"]


class FieldQuestion(models.Model):
    """A short question asked on a sign in the street, answered by SMS, QR code or web."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Oui / non")
        CHOICE = "choice", _("Choix parmi 2 à 6 réponses")
        RATING = "rating", _("Note de 1 à 5")
        FREE_TEXT = "free_text", _("Texte libre")
        CHOICE_REMARK = "choice_remark", _("Choix suivi d'une remarque facultative")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publiée")
        CLOSED = "closed", _("Close")

    CHOICE_KINDS = (Kind.YES_NO, Kind.CHOICE, Kind.CHOICE_REMARK)

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text=_("Le mot-clé à envoyer par SMS, par exemple VELO12."),
    )
    text = models.CharField(_("question"), max_length=160)
    kind = models.CharField(_("type de réponse"), max_length=20, choices=Kind.choices)
    choices = models.JSONField(_("réponses proposées"), default=list, blank=True)
    lieu = models.ForeignKey(
        "content.LieuPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_questions",
        verbose_name=_("lieu"),
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    quartier = models.ForeignKey(
        "content.Quartier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_questions",
        verbose_name=_("quartier"),
    )
    project = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_field_questions",
        verbose_name=_("projet de la ville"),
    )
    service = models.ForeignKey(
        "content.Service",
        on_delete=models.PROTECT,
        related_name="field_questions",
        verbose_name=_("service porteur"),
    )
    lead_name = models.CharField(_("prénom de l'agent porteur"), max_length=60)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agent porteur"),
    )
    opens_at = models.DateTimeField(_("ouverture"), default=timezone.now)
    closes_at = models.DateTimeField(_("clôture"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question de terrain")
        verbose_name_plural = _("questions de terrain")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="fieldquestion_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.text}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = (self.code or "").strip().upper()
        if self.kind == self.Kind.YES_NO:
            self.choices = list(YES_NO_CHOICES)
        elif self.kind in (self.Kind.RATING, self.Kind.FREE_TEXT):
            self.choices = []
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"/m/{self.code}/"

    def clean(self) -> None:
        from parvis.listening.validation import question_validate

        question_validate(self)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CLOSED)

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def takes_remark(self) -> bool:
        return self.kind in (self.Kind.FREE_TEXT, self.Kind.CHOICE_REMARK)

    def results_url(self) -> str:
        return f"/questions/{self.code}/"


class FieldAnswer(models.Model):
    """One answer, by web, SMS or screen; anonymous. The remark is public only once approved."""

    class Channel(models.TextChoices):
        WEB = "web", _("site web")
        SMS = "sms", _("SMS")
        SCREEN = "screen", _("écran urbain")

    class RemarkStatus(models.TextChoices):
        NONE = "none", _("sans remarque")
        PENDING = "pending", _("à modérer")
        APPROVED = "approved", _("publiée")
        REJECTED = "rejected", _("refusée")

    class AgeBand(models.TextChoices):
        UNDER_18 = "-18", _("moins de 18 ans")
        FROM_18 = "18-29", _("18 à 29 ans")
        FROM_30 = "30-44", _("30 à 44 ans")
        FROM_45 = "45-59", _("45 à 59 ans")
        FROM_60 = "60-74", _("60 à 74 ans")
        FROM_75 = "75+", _("75 ans et plus")

    question = models.ForeignKey(FieldQuestion, on_delete=models.CASCADE, related_name="answers")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # As received: private, only moderators read it.
    remark = models.TextField(_("remarque"), blank=True)
    # What the public may read: the redacted remark, set by a moderator's approval.
    remark_public = models.TextField(_("remarque publiée"), blank=True)
    remark_status = models.CharField(
        max_length=10, choices=RemarkStatus.choices, default=RemarkStatus.NONE, db_index=True
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    quartier = models.ForeignKey(
        "content.Quartier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    # SMS only: the provider's message id makes a replayed webhook count once.
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=100, null=True, blank=True)
    # HMAC of the normalised phone number (PARVIS_PHONE_HASH_KEY): never the number itself.
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_message_id"],
                condition=Q(provider_message_id__isnull=False),
                name="fieldanswer_provider_message_once",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="fieldanswer_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} {self.channel} {self.pk}"

    @property
    def label(self) -> str:
        if self.choice is not None and self.choice < len(self.question.choices):
            return self.question.choices[self.choice]
        if self.rating is not None:
            return str(self.rating)
        return ""


class InboundMessage(models.Model):
    """Every accepted inbound SMS, once per (provider, message id), whether it parsed or not.

    The unique constraint is what makes a provider's retry or a replay count once: the insert
    fails, the webhook answers 200 and nothing else happens.
    """

    class Outcome(models.TextChoices):
        ANSWER = "answer", _("réponse comptée")
        UNPARSED = "unparsed", _("réponse non comprise")
        STOP = "stop", _("désinscription")
        UNKNOWN_CODE = "unknown", _("question inconnue")
        CLOSED = "closed", _("question close")
        OPTED_OUT = "opted_out", _("numéro désinscrit")

    provider = models.CharField(max_length=20)
    message_id = models.CharField(max_length=100)
    phone_hash = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    answer = models.ForeignKey(
        FieldAnswer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "message_id"], name="inboundmessage_provider_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.message_id}"


class SmsOptOut(models.Model):
    """A number that sent STOP: no SMS is ever sent to it again (hash only)."""

    phone_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"opt-out {self.phone_hash[:8]}"


class SmsContact(models.Model):
    """A phone number kept only while a reply is due to it; erased once sent or expired."""

    phone_hash = models.CharField(max_length=64, unique=True)
    number = models.CharField(max_length=20)
    provider = models.CharField(max_length=20)
    # The number the person wrote to (our short code or long number): replies come from it.
    to_number = models.CharField(max_length=20, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"contact {self.phone_hash[:8]}"


class OutcomeSubscription(models.Model):
    """Someone asked to be told what the city did about a question (email or SMS)."""

    class Medium(models.TextChoices):
        EMAIL = "email", _("courriel")
        SMS = "sms", _("SMS")

    question = models.ForeignKey(
        FieldQuestion, on_delete=models.CASCADE, related_name="subscriptions"
    )
    medium = models.CharField(max_length=5, choices=Medium.choices)
    # The email address (confirmed through core's address confirmation) or the phone hash.
    email = models.EmailField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The number, kept only until the outcome is sent (or the subscription cancelled by STOP).
    number = models.CharField(max_length=20, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    to_number = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "email"],
                condition=~Q(email=""),
                name="outcomesubscription_email_once",
            ),
            models.UniqueConstraint(
                fields=["question", "phone_hash"],
                condition=~Q(phone_hash=""),
                name="outcomesubscription_phone_once",
            ),
        ]

    def __str__(self) -> str:
        return f"subscription {self.question_id} {self.medium}"


class FollowUp(models.Model):
    """ "Vous avez dit, nous avons fait": what the city decided and did, signed and certified."""

    question = models.ForeignKey(FieldQuestion, on_delete=models.CASCADE, related_name="followups")
    body = models.TextField(_("ce que nous avons fait"))
    author_name = models.CharField(_("prénom de l'agent"), max_length=60)
    service = models.ForeignKey(
        "content.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, db_index=True)
    # The transparency log entry that certifies the published text (its signed statement).
    entry_index = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vous avez dit, nous avons fait")
        verbose_name_plural = _("vous avez dit, nous avons fait")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.question.code} — {self.author_name}"

    def get_absolute_url(self) -> str:
        return f"{self.question.results_url()}#suivi-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
