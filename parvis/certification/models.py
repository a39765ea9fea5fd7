"""Signing keys (public half only), log entries, stored Merkle subtrees and signed checkpoints.

The log is append-only: rows are only ever inserted, except ``LogHead.size`` which counts them
and whose row lock serialises appends.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """A public key of the city, with its validity period; the private half never enters the DB."""

    kid = models.CharField(_("identifiant"), max_length=64, unique=True)
    public_key = models.BinaryField(_("clé publique"))
    note_name = models.CharField(_("nom de clé (note signée)"), max_length=200)
    valid_from = models.DateTimeField(_("valide depuis"))
    valid_to = models.DateTimeField(_("valide jusqu'au"), null=True, blank=True)
    revoked_from = models.DateTimeField(_("révoquée depuis"), null=True, blank=True)
    revocation_reason = models.CharField(_("motif de révocation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("clé de signature")
        verbose_name_plural = _("clés de signature")
        ordering = ["valid_from", "id"]

    def __str__(self) -> str:
        return self.kid


class LogHead(models.Model):
    """One row: the log's size. Appends lock it, so two publications never take the same index."""

    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"log of {self.size} entries"


class LogEntry(models.Model):
    """A signed statement and its place in the log (leaf ``index``)."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("publication")
        UNPUBLICATION = "unpublication", _("dépublication")
        EXPORT = "export", _("export de données")

    index = models.BigIntegerField(_("rang"), unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("sujet"), max_length=100, db_index=True)  # "page:12", "export:…"
    path = models.CharField(_("chemin"), max_length=1000, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("publié le"))
    statement = models.BinaryField(_("déclaration (JSON canonique)"))
    signature = models.BinaryField(_("signature"))
    kid = models.CharField(_("clé"), max_length=64)
    digest = models.CharField(_("empreinte de la déclaration"), max_length=64)
    file_sha256 = models.CharField(_("empreinte du fichier"), max_length=64, blank=True)
    text = models.TextField(_("texte normalisé"), blank=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("entrées du journal")
        ordering = ["index"]
        indexes = [models.Index(fields=["file_sha256"])]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind} {self.path}"


class MerkleNode(models.Model):
    """The hash of the complete subtree of 2**level leaves starting at leaf index * 2**level."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="cert_node_level_index")
        ]

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP signed note) of the tree at ``size``."""

    size = models.BigIntegerField(unique=True)
    root = models.BinaryField()
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class ExportSnapshot(models.Model):
    """An open-data file as published for one period, stored and certified once.

    A file that changes with every request cannot be certified per request: the site serves, for
    each period (a UTC day), one stored snapshot whose SHA-256 is a signed statement of the log,
    so a downloaded copy can be checked later (``parvis verify FILE``).
    """

    url = models.CharField(_("adresse publique"), max_length=1000)
    period = models.CharField(_("période"), max_length=20)  # "2026-11-30"
    name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    content = models.BinaryField(_("contenu"))
    sha256 = models.CharField(_("empreinte"), max_length=64)
    entry_index = models.BigIntegerField(_("entrée du journal"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instantané de données publiques")
        verbose_name_plural = _("instantanés de données publiques")
        constraints = [
            models.UniqueConstraint(fields=["url", "period"], name="cert_snapshot_url_period")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})"


class MediaDigest(models.Model):
    """The SHA-256 of an image's or a document's original file, computed when it was uploaded.

    Publishing signs embedded media by digest; it reads this row, never the file: on object
    storage a read is a network call, and publishing runs inside Wagtail's transaction.
    """

    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        DOCUMENT = "document", _("document")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("identifiant"))
    file_name = models.CharField(_("fichier"), max_length=1000)
    sha256 = models.CharField(_("empreinte"), max_length=64)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("empreinte de média")
        verbose_name_plural = _("empreintes de médias")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="cert_media_digest_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.sha256[:12]}"
