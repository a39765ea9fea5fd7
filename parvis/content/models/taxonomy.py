"""Taxonomies shared by all content: quartiers, audiences, themes and the city's services."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index


class _Term(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """A snippet that certified pages display: changed by draft, moderation and publication.

    The row always holds the published values (drafts live in revisions), so whatever reads
    it — pages, signed statements, e-mails to a service — sees only what a moderator published;
    publishing re-certifies every live page that displays it (``parvis.certification``).
    """

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    # Wagtail's flags, with a database default too: data migrations of other apps that run
    # with an older model of these tables (without the columns) can still insert rows.
    live = models.BooleanField(_("en ligne"), default=True, db_default=True, editable=False)
    has_unpublished_changes = models.BooleanField(
        _("modifications non publiées"), default=False, db_default=False, editable=False
    )
    expired = models.BooleanField(_("expiré"), default=False, db_default=False, editable=False)
    locked = models.BooleanField(_("verrouillé"), default=False, db_default=False, editable=False)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="%(class)s")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="%(class)s",
        for_concrete_model=False,
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self) -> models.QuerySet:
        return self._revisions


def _outline_validate(value: Any) -> None:
    """A GeoJSON Polygon or MultiPolygon (or a Feature holding one), as points-in-area need."""
    from parvis.content.geography import GeometryError, shape_read

    try:
        shape_read(value)
    except GeometryError as exc:
        raise ValidationError(str(exc)) from None


def outline_field() -> models.JSONField:
    return models.JSONField(
        _("contour (GeoJSON)"),
        null=True,
        blank=True,
        validators=[_outline_validate],
        help_text=_(
            "Un objet GeoJSON Polygon ou MultiPolygon en longitude/latitude (WGS 84) : il sert "
            "à savoir dans quelle zone tombe une adresse."
        ),
    )


class Quartier(_Term):
    """One of the city's neighbourhoods (Nantes has 11).

    ``intro`` is the editors' story of the quartier and ``first_steps`` what a newcomer should
    know first; ``outline`` is its boundary as a GeoJSON Polygon or MultiPolygon (longitude,
    latitude), drawn on the server as the quartier's map.
    """

    intro = models.TextField(
        _("le quartier en quelques mots"),
        blank=True,
        db_default="",
        help_text=_("Son histoire et son caractère, écrits pour quelqu'un qui ne le connaît pas."),
    )
    first_steps = models.TextField(
        _("premiers pas"),
        blank=True,
        db_default="",
        help_text=_("Un conseil par ligne, pour quelqu'un qui vient d'emménager dans le quartier."),
    )
    outline = outline_field()

    panels = [
        *_Term.panels,
        FieldPanel("intro"),
        FieldPanel("first_steps"),
        FieldPanel("outline"),
    ]

    class Meta(_Term.Meta):
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")


class Audience(_Term):
    """Who a piece of content is for: habitant, nouvel arrivant, visiteur, entreprise.

    ``resident_words`` are how residents say they belong to it ("je suis étudiant", "mon
    entreprise"): the answer engine reads them as context and favours this audience's pages.
    """

    resident_words = models.TextField(
        _("mots des habitants"),
        blank=True,
        help_text=_(
            "Une expression par ligne : comment les habitants disent qu'ils font partie de ce "
            "public (« je suis étudiant », « mon entreprise »). Le nom du public compte déjà."
        ),
    )

    panels = [*_Term.panels, FieldPanel("resident_words")]

    class Meta(_Term.Meta):
        verbose_name = _("public")
        verbose_name_plural = _("publics")


class Theme(_Term):
    """A subject residents think in: état civil, déchets, sport, culture…

    A ``sensitive`` theme (social aid, health, precariousness, disability, legal trouble) is a
    situation, not an interest: discovery never uses it to choose what else a person sees.
    """

    sensitive = models.BooleanField(
        _("thème sensible"),
        default=False,
        db_default=False,
        help_text=_(
            "Aide sociale, santé, précarité, handicap, difficultés juridiques : ce thème ne sert "
            "jamais à choisir les autres contenus proposés à une personne."
        ),
    )

    panels = [*_Term.panels, FieldPanel("sensitive")]

    class Meta(_Term.Meta):
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")


class Commune(_Term):
    """One of the 24 communes of Nantes Métropole, with its outline and its own site.

    What is communal (town hall, civil status, schools, local places) names its commune; what
    is metropolitan (waste, roads, water, transport) names none and serves all of them.
    """

    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    outline = outline_field()
    site = models.OneToOneField(
        "wagtailcore.Site",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commune",
        verbose_name=_("site de la commune"),
    )
    in_metropole = models.BooleanField(_("membre de la Métropole"), default=True)

    panels = [
        *_Term.panels,
        FieldPanel("insee_code"),
        FieldPanel("in_metropole"),
        FieldPanel("outline"),
    ]
    search_fields = [*_Term.search_fields, index.FilterField("insee_code")]

    class Meta(_Term.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class Service(_Term):
    """A city service that owns content and answers residents (état civil, propreté…).

    A service of one commune names it; a metropolitan service (waste, roads…) names none.
    """

    email = models.EmailField(_("adresse électronique"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    # What residents can expect, in working days (empty: no published commitment). Measured
    # against the records on /engagements/ (parvis.audience.commitments).
    commitment_report_ack_days = models.PositiveSmallIntegerField(
        _("signalement pris en compte sous (jours ouvrés)"),
        null=True,
        blank=True,
        help_text=_("Délai pour le premier changement de statut public d'un signalement."),
    )
    commitment_report_resolution_days = models.PositiveSmallIntegerField(
        _("signalement résolu sous (jours ouvrés)"), null=True, blank=True
    )
    commitment_question_days = models.PositiveSmallIntegerField(
        _("question répondue sous (jours ouvrés)"),
        null=True,
        blank=True,
        help_text=_("Délai pour la première réponse d'un agent à une question transmise."),
    )

    commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
        verbose_name=_("commune"),
        help_text=_("Vide pour un service de la Métropole, commun à toutes les communes."),
    )

    panels = [
        *_Term.panels,
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("commune"),
        MultiFieldPanel(
            [
                FieldPanel("commitment_report_ack_days"),
                FieldPanel("commitment_report_resolution_days"),
                FieldPanel("commitment_question_days"),
            ],
            heading=_("Engagements de service"),
        ),
    ]

    class Meta(_Term.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")

    @property
    def is_metropolitan(self) -> bool:
        return self.commune_id is None


class Zone(models.Model):
    """One area of a zone set (collection sectors, school sectors…) with its values.

    A Fiche naming the zone set answers per address: the values of the zone the address falls
    in (``{"jaune": "le mardi matin"}``) fill the Fiche's per-address answer. An area is an
    outline, a list of streets, or both (a street listed wins over the outline).
    """

    zone_set = models.SlugField(_("ensemble de zones"), max_length=60)
    name = models.CharField(_("nom"), max_length=120)
    outline = outline_field()
    streets = models.TextField(
        _("rues"),
        blank=True,
        help_text=_("Une rue par ligne, telle que dans l'adresse (« rue de Strasbourg »)."),
    )
    values = models.JSONField(
        _("valeurs"),
        default=dict,
        blank=True,
        help_text=_('Les valeurs de cette zone, par nom : {"jaune": "le mardi matin"}.'),
    )

    panels = [
        FieldPanel("zone_set"),
        FieldPanel("name"),
        FieldPanel("values"),
        FieldPanel("streets"),
        FieldPanel("outline"),
    ]

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["zone_set", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone_set", "name"], name="zone_unique_name_in_set")
        ]

    def __str__(self) -> str:
        return f"{self.zone_set} — {self.name}"

    def street_names(self) -> list[str]:
        return [line.strip() for line in self.streets.splitlines() if line.strip()]
