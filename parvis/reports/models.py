"""Reports of problems in the street, their public history, supports, photos and API keys."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core.storage import files_delete_on_commit, private_storage_get


def new_reference() -> str:
    """A random, unguessable reference (reports' public numbers, photos' tokens)."""
    return _reference()


def _reference() -> str:
    # 16 url-safe bytes: the tracking link is the only credential a resident holds.
    return secrets.token_urlsafe(16)


class Category(models.Model):
    """What kind of problem it is, grouped for residents, routed to the service that fixes it."""

    class Group(models.TextChoices):
        VOIRIE = "voirie", _("Voirie")
        PROPRETE = "proprete", _("Propreté")
        ECLAIRAGE = "eclairage", _("Éclairage public")
        ESPACES_VERTS = "espaces_verts", _("Espaces verts")
        MOBILIER = "mobilier", _("Mobilier urbain")
        TAGS = "tags", _("Tags et affichage sauvage")
        STATIONNEMENT = "stationnement", _("Stationnement gênant")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    group = models.CharField(_("groupe"), max_length=20, choices=Group.choices)
    description = models.CharField(_("description"), max_length=250, blank=True)
    keywords = models.CharField(_("mots-clés"), max_length=250, blank=True)
    service = models.ForeignKey(
        "content.Service",
        on_delete=models.PROTECT,
        related_name="report_categories",
        verbose_name=_("service destinataire"),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie de signalement")
        verbose_name_plural = _("catégories de signalement")
        ordering = ["group", "order", "name"]

    def __str__(self) -> str:
        return f"{self.get_group_display()} — {self.name}"


class CategoryRoute(models.Model):
    """In one commune, a category goes to another service than the category's own.

    A category names the Métropole's service (roads, waste…); where a commune runs that
    service itself (its street furniture, its green spaces), a route sends its reports there.
    """

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="routes", verbose_name=_("catégorie")
    )
    commune = models.ForeignKey(
        "content.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    service = models.ForeignKey(
        "content.Service",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service compétent"),
    )

    class Meta:
        verbose_name = _("orientation par commune")
        verbose_name_plural = _("orientations par commune")
        constraints = [
            models.UniqueConstraint(fields=["category", "commune"], name="route_once_per_commune")
        ]

    def __str__(self) -> str:
        return f"{self.category} — {self.commune} → {self.service}"


class Report(models.Model):
    """A problem a resident reported; public except the reporter's email."""

    class Status(models.TextChoices):
        NOUVEAU = "nouveau", _("Nouveau")
        PRIS_EN_COMPTE = "pris_en_compte", _("Pris en compte")
        PLANIFIE = "planifie", _("Planifié")
        RESOLU = "resolu", _("Résolu")
        CLOS = "clos", _("Clos")
        NON_RETENU = "non_retenu", _("Non retenu")

    class Channel(models.TextChoices):
        WEB = "web", _("site web")
        OPEN311 = "open311", _("Open311")
        API = "api", _("API")
        SMS = "sms", _("SMS")

    OPEN_STATUSES = (Status.NOUVEAU, Status.PRIS_EN_COMPTE, Status.PLANIFIE)

    reference = models.CharField(max_length=32, unique=True, default=_reference, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.NOUVEAU
    )
    status_reason = models.CharField(_("motif"), max_length=250, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    quartier = models.ForeignKey(
        "content.Quartier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the position falls (point in the communes' outlines), and the service it was
    # routed to: the commune's or the Métropole's, by category and place (``CategoryRoute``).
    commune = models.ForeignKey(
        "content.Commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune"),
    )
    service = models.ForeignKey(
        "content.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service compétent"),
    )
    description = models.TextField(_("description"))
    reporter_email = models.EmailField(_("courriel du déclarant (jamais publié)"), blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # Answers to the category's Open311 attributes (attribute code → value or list).
    attributes = models.JSONField(default=dict, blank=True)
    hidden = models.BooleanField(_("masqué"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=250, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    assigned_to = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_count = models.PositiveIntegerField(default=0)
    # Filed through the API with its placing left to the worker (services.report_place):
    # quartier, commune, nearest address and the commune's service are not known yet.
    placement_pending = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="report_location_wgs84",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=False) | ~Q(address=""),
                name="report_has_location",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "status", "hidden"]),
            models.Index(
                fields=["created_at"],
                condition=Q(placement_pending=True),
                name="report_placement_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category.name}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def competent_service(self) -> Any:
        """The service the report was routed to (the category's, for older reports)."""
        return self.service if self.service_id else self.category.service

    def get_tracking_url(self) -> str:
        return reverse("reports:track", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def status_tone(self) -> str:
        """How the status badge looks: "progress" (open), "done" (resolved) or "ended"."""
        if self.is_open:
            return "progress"
        return "done" if self.status == self.Status.RESOLU else "ended"

    @property
    def is_public(self) -> bool:
        return not self.hidden


class ReportUpdate(models.Model):
    """A step in a report's history: public (signed by an agent) or an internal note."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    agent = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The public signature is copied at writing time: it must not change if the agent leaves.
    signature = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Report.Status.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mise à jour")
        verbose_name_plural = _("mises à jour")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.status}"


class Support(models.Model):
    """A "moi aussi": another resident has the same problem."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    # A hash of the client's address or session: counts distinct supporters, identifies nobody.
    supporter = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "supporter"], name="support_once")]

    def __str__(self) -> str:
        return f"support {self.report_id}"


class Flag(models.Model):
    """A resident says a report is abusive: it joins the moderation queue, never hides it.

    Only a moderator hides a report (``report_hide``) or keeps it public
    (``report_flags_dismiss``); either closes its open flags (``reviewed_at``). Counting flags
    from distinct addresses cannot censor: anyone can borrow three addresses.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="flags")
    flagger = models.CharField(max_length=64)
    reason = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "flagger"], name="flag_once")]

    def __str__(self) -> str:
        return f"flag {self.report_id}"


class PhotoQuerySet(models.QuerySet):
    def public(self) -> PhotoQuerySet:
        """Photos anyone may see: not held for moderation (the report's own visibility is
        checked by the caller)."""
        return self.filter(held=False)


def _photo_path(instance: Photo, filename: str) -> str:
    return f"reports/{instance.token}/{filename}"


class Photo(models.Model):
    """A re-encoded picture (no metadata); the uploaded original is never kept."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True, default=_reference, editable=False)
    # Private storage: served only by the portal's view, which refuses a hidden report's photos.
    image = models.FileField(upload_to=_photo_path, storage=private_storage_get)
    thumbnail = models.FileField(upload_to=_photo_path, storage=private_storage_get)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Held for an agent's approval when the city moderates photos
    # (``PARVIS_REPORTS_PHOTO_MODERATION``): shown nowhere public (pages, Open311, API, open
    # data) until an agent approves it in the inbox; a refused photo is deleted.
    held = models.BooleanField(_("en attente de validation"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"photo {self.token}"


@receiver(post_delete, sender=Photo)
def _photo_files_delete(sender: type[Photo], instance: Photo, **kwargs: object) -> None:
    """A deleted photo's files go too, once the deletion is committed."""
    files_delete_on_commit(
        storage=instance.image.storage, names=[instance.image.name, instance.thumbnail.name]
    )


class ApiKey(models.Model):
    """An Open311 client allowed to file reports; only a hash of the key is stored."""

    name = models.CharField(_("nom du client"), max_length=120)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("clé d'API Open311")
        verbose_name_plural = _("clés d'API Open311")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
