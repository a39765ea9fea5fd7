""" "Mes données": the single-use links and codes that open it, and the exports it prepared."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessRequest(models.Model):
    """A link (email) or a 6-digit code (SMS) that opens "Mes données" once, for a short time.

    Only hashes of the link's token and of the code are stored. The identity (normalised
    email or E.164 phone) is kept to list the person's data while the page is open, and the
    row is deleted when it expires (the purge) or when the person erases their data.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("courriel")
        SMS = "sms", _("SMS")

    channel = models.CharField(max_length=5, choices=Channel.choices)
    identity = models.CharField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("accès à « Mes données »")
        verbose_name_plural = _("accès à « Mes données »")

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at:%Y-%m-%d %H:%M}"


class ExportArchive(models.Model):
    """A ZIP of someone's data in private storage, downloadable through its link for 7 days."""

    token_hash = models.CharField(max_length=64, unique=True)
    identity_digest = models.CharField(max_length=64, db_index=True)
    file_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("export de données")
        verbose_name_plural = _("exports de données")

    def __str__(self) -> str:
        return f"export {self.created_at:%Y-%m-%d}"
