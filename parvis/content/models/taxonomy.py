"""Taxonomies shared by all content: quartiers, audiences, themes and the city's services."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
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
    outline = models.JSONField(
        _("contour (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_(
            "Un objet GeoJSON de type Polygon ou MultiPolygon, en longitude et latitude (WGS 84)."
        ),
    )

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


class Service(_Term):
    """A city service that owns content and answers residents (état civil, propreté…)."""

    email = models.EmailField(_("adresse électronique"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)

    panels = [*_Term.panels, FieldPanel("email"), FieldPanel("phone")]

    class Meta(_Term.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
