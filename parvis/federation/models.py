"""The city's fediverse actors, who follows them, the remote keys seen, and the delivery queue.

Personal data kept: a follower's actor address and inbox addresses (a fediverse account's public
identifiers, pseudonymous personal data), kept while it follows and erased by ``Undo`` or by
``follower_forget``. Nothing else about a follower (no name, no avatar, no posts) is stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Actor(models.Model):
    """One of the city's ActivityPub actors: the city itself, or a quartier's agenda."""

    username = models.SlugField(_("identifiant"), max_length=120, unique=True)
    quartier = models.OneToOneField(
        "content.Quartier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fediverse_actor",
        verbose_name=_("quartier"),
    )
    public_key_pem = models.TextField()
    # PKCS#8, encrypted with a key derived from SECRET_KEY: a database dump alone cannot sign.
    private_key_encrypted = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acteur du fédivers")
        verbose_name_plural = _("acteurs du fédivers")

    def __str__(self) -> str:
        return f"@{self.username}"


class Follower(models.Model):
    """A remote account following one of the city's actors."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="followers")
    uri = models.URLField(max_length=500)
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    follow_id = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "uri"], name="federation_follower_once")
        ]

    def __str__(self) -> str:
        return self.uri

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class RemoteKey(models.Model):
    """A remote actor's public key, cached after a fetch (refetched once when it fails)."""

    key_id = models.URLField(max_length=500, unique=True)
    owner = models.URLField(max_length=500)
    public_key_pem = models.TextField()
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key_id


class Publication(models.Model):
    """A page already announced: a later publication of it is an ``Update``, not a ``Create``."""

    page_id = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.page_id)


class Delivery(models.Model):
    """One signed POST of an activity to one inbox, claimed by a worker under a lease."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENT = "sent", _("envoyée")
        FAILED = "failed", _("abandonnée")

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=500)
    activity_id = models.URLField(max_length=500)
    activity = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    last_error = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity_id", "inbox"], name="federation_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.inbox}"
