"""Urban screens: full-screen displays in the street or a town-hall lobby, chosen per screen."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Screen(models.Model):
    """One display: where it is (quartier), what it shows (themes, kinds) and how fast it turns."""

    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(
        _("identifiant"),
        max_length=60,
        unique=True,
        help_text=_("L'écran affiche l'adresse /ecran/<identifiant>/ en plein écran."),
    )
    quartier = models.ForeignKey(
        "content.Quartier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("quartier"),
        help_text=_("Vide : toute la ville."),
    )
    themes = models.ManyToManyField(
        "content.Theme",
        blank=True,
        related_name="+",
        verbose_name=_("thèmes"),
        help_text=_("Récits et actualités de ces thèmes (en plus de ceux du quartier)."),
    )
    rotation_seconds = models.PositiveSmallIntegerField(
        _("durée de chaque écran (secondes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(300)],
    )
    show_questions = models.BooleanField(_("questions ouvertes"), default=True)
    show_remarks = models.BooleanField(_("remarques des habitants (publiées)"), default=True)
    show_followups = models.BooleanField(_("« Vous avez dit, nous avons fait »"), default=True)
    show_stories = models.BooleanField(_("récits"), default=True)
    show_news = models.BooleanField(_("actualités"), default=True)
    active = models.BooleanField(_("en service"), default=True)
    last_seen_at = models.DateTimeField(_("dernier contact"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("écran urbain")
        verbose_name_plural = _("écrans urbains")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rotation_seconds__gte=5, rotation_seconds__lte=300),
                name="screen_rotation_5_300",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/ecran/{self.slug}/"
