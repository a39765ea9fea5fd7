"""Home, legal pages, Fiches (question-first answers) and Parcours (journeys)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from parvis.content.answering import rich_text, sentences, stream_text
from parvis.content.models.restrictions import PublishedViewRestrictionsMixin
from parvis.content.models.urls import DefaultSiteUrlMixin
from parvis.core.published import published_memo

REVIEW_AFTER_DAYS = 365
PAGE_SIZE = 20

# What pages display of other objects, signed with them (see ``certified_display`` and
# docs/certification.md): a spec lists field names and nested ``(relation, spec)`` pairs.
TERM = ("name", "slug")
SERVICE = ("name", "phone", "email")
OPENING_RULE = ("weekday", "opens", "closes")
OPENING_EXCEPTION = ("date", "closed", "opens", "closes", "label")
LIEU_SUMMARY = (
    "title",
    "street",
    "postcode",
    "city",
    "closed_on_public_holidays",
    ("opening_rules", OPENING_RULE),
    ("opening_exceptions", OPENING_EXCEPTION),
)


def with_places(fiches: Any) -> Any:
    """Prefetch what an answer card shows of a Fiche's places: one query per table, not per card."""
    return fiches.prefetch_related(
        "places__lieu__opening_rules", "places__lieu__opening_exceptions"
    )


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> PaginatorPage:
    """The requested page of ``items``; a missing or bad ``?page=`` gives the nearest valid one."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class LocaleFallbackMixin:
    """A translated page (``/en/…``) routes what it has no translation of through the page of
    the default language: only some pages are translated, and every French address keeps
    working under ``/en/`` with the interface in English."""

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        try:
            return super().route(request, path_components)  # type: ignore[misc]
        except Http404:
            default = Locale.get_default()
            if not path_components or self.locale_id == default.pk:  # type: ignore[attr-defined]
                raise
            original = self.get_translation_or_none(default)  # type: ignore[attr-defined]
            if original is None:
                raise
            return original.specific.route(request, path_components)


def in_locale(pages: Any, locale: Locale) -> Any:
    """``pages`` in ``locale`` when there are some, else in the default language."""
    localized = pages.filter(locale=locale)
    if localized.exists() or locale.pk == Locale.get_default().pk:
        return localized
    return pages.filter(locale=Locale.get_default())


class HomePage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, LocaleFallbackMixin, Page):
    """The portal's front door: a question box first, then what people ask and discover."""

    intro = models.CharField(_("accroche"), max_length=250, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count_per_parent = 1
    subpage_types = [
        "content.FicheIndexPage",
        "content.ParcoursIndexPage",
        "content.LieuIndexPage",
        "content.RecitIndexPage",
        "content.ActualiteIndexPage",
        "content.StandardPage",
        "content.DoorPage",
        "content.CityProjectIndexPage",
    ]

    class Meta:
        verbose_name = _("page d'accueil")

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        """Which live page an address serves, found once per publication (core.published):
        walking the tree costs two queries per level. Previews, addresses with arguments and
        404s go the usual way on each request."""
        if not path_components or getattr(request, "is_preview", False):
            return super().route(request, path_components)

        def walk() -> Page | None:
            try:
                found = super(HomePage, self).route(request, path_components)
            except Http404:
                return None
            page, args, kwargs = found
            return page if not args and not kwargs else None

        key = ("route", self.pk, tuple(path_components))
        page = published_memo(key, walk)
        if page is None:
            return super().route(request, path_components)
        return RouteResult(page)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from parvis.content.models.doors import DoorPage
        from parvis.content.models.stories import ActualitePage, RecitPage

        context = super().get_context(request, *args, **kwargs)

        def lists() -> dict[str, list[Any]]:
            live = {
                model: in_locale(model.objects.live().public(), self.locale)
                for model in (FichePage, ParcoursPage, RecitPage, ActualitePage)
            }
            fiches = with_places(live[FichePage].filter(featured=True).order_by("title"))
            children = self.get_children().live().public()
            return {
                "popular_fiches": list(fiches[:8]),
                "parcours": list(live[ParcoursPage].order_by("title")[:6]),
                "recits": list(live[RecitPage].order_by("-first_published_at")[:3]),
                "actualites": list(live[ActualitePage].order_by("-date")[:3]),
                "doors": list(children.type(DoorPage).specific()),
            }

        # The same for every visitor until the next publication (see core.published).
        context.update(published_memo(("home-lists", self.pk), lists))
        return context


class StandardPage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    """A plain page: accessibility statement, legal notice, personal data policy."""

    body = RichTextField(_("contenu"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    subpage_types: list[str] = []
    answer_kind = "page"

    class Meta:
        verbose_name = _("page simple")

    def answer_fields(self) -> dict[str, Any]:
        return {"body": sentences(rich_text(self.body))}


def fiches_by_theme(fiches: Any) -> list[tuple[str, list[Any]]]:
    """(theme name, its Fiches by title) for every theme, by name; Fiches without a theme last.

    A Fiche under several themes is listed under each: residents look for it by subject.
    """
    groups: dict[str, list[Any]] = {}
    others: list[Any] = []
    for fiche in fiches.prefetch_related("themes"):
        names = [t.name for t in fiche.themes.all()]
        for name in names:
            groups.setdefault(name, []).append(fiche)
        if not names:
            others.append(fiche)
    ordered = [(name, groups[name]) for name in sorted(groups, key=str.casefold)]
    return [*ordered, (str(_("Autres démarches")), others)] if others else ordered


class FicheIndexPage(
    DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, LocaleFallbackMixin, Page
):
    """All Fiches, grouped by theme, paginated."""

    # The menu's name of the section where the page is not translated (see ``portal_nav``).
    section_label = _("Vos démarches")

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.FichePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des fiches")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from parvis.content.models.taxonomy import Theme

        context = super().get_context(request, *args, **kwargs)
        fiches = FichePage.objects.child_of(self).live().public().order_by("title")
        theme = Theme.objects.filter(slug=request.GET.get("theme", "")).first()
        if theme is not None:
            fiches = fiches.filter(themes=theme)
        context["themes"] = Theme.objects.filter(fichepage__live=True).distinct()
        context["current_theme"] = theme
        if theme is not None:
            context["fiches"] = paginate(request, with_places(fiches))
        else:
            context["groups"] = fiches_by_theme(fiches)
        return context


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("étape"), max_length=200)
    detail = blocks.TextBlock(label=_("précisions"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Étape")


class FichePage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    """A question-first answer: the question is the title, the short answer comes first."""

    short_answer = models.CharField(
        _("réponse courte"),
        max_length=300,
        help_text=_("La réponse en une ou deux phrases, affichée en premier partout."),
    )
    body = RichTextField(_("en détail"), blank=True)
    steps = StreamField([("step", StepBlock())], blank=True, verbose_name=_("étapes"))
    documents = StreamField(
        [("document", blocks.CharBlock(label=_("pièce"), max_length=250))],
        blank=True,
        verbose_name=_("pièces à fournir"),
    )
    cost = models.CharField(_("coût"), max_length=200, blank=True)
    delay = models.CharField(_("délai"), max_length=200, blank=True)
    alternative_questions = models.TextField(
        _("autres formulations"),
        blank=True,
        help_text=_("Une par ligne : comment les habitants posent aussi cette question."),
    )
    service = models.ForeignKey(
        "content.Service",
        verbose_name=_("service qui répond"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fiches",
    )
    audiences = ParentalManyToManyField("content.Audience", blank=True, verbose_name=_("publics"))
    themes = ParentalManyToManyField("content.Theme", blank=True, verbose_name=_("thèmes"))
    quartiers = ParentalManyToManyField("content.Quartier", blank=True, verbose_name=_("quartiers"))
    communes = ParentalManyToManyField(
        "content.Commune",
        blank=True,
        verbose_name=_("communes"),
        help_text=_("Les communes où cette réponse vaut. Aucune : toute la Métropole."),
    )
    zone_set = models.SlugField(
        _("réponse selon l'adresse : ensemble de zones"),
        max_length=60,
        blank=True,
        help_text=_(
            "Si la réponse dépend de l'adresse (jour de collecte, secteur scolaire…), le nom "
            "de l'ensemble de zones qui la donne."
        ),
    )
    zone_answer = models.CharField(
        _("réponse selon l'adresse"),
        max_length=300,
        blank=True,
        help_text=_(
            "La réponse pour une adresse, avec les valeurs de sa zone entre accolades : "
            "« bac jaune {jaune}, sortez-le la veille au soir »."
        ),
    )
    online_procedure_url = models.URLField(
        _("démarche en ligne"),
        blank=True,
        db_default="",
        help_text=_(
            "L'adresse où faire cette démarche en ligne, s'il y en a une : la fiche propose "
            "alors les lieux où se faire aider."
        ),
    )
    last_reviewed = models.DateField(_("dernière relecture"), default=dt.date.today)
    featured = models.BooleanField(_("question fréquente (page d'accueil)"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("short_answer"),
        FieldPanel("steps"),
        FieldPanel("documents"),
        MultiFieldPanel([FieldPanel("cost"), FieldPanel("delay")], heading=_("Coût et délai")),
        MultiFieldPanel(
            [FieldPanel("zone_set"), FieldPanel("zone_answer")],
            heading=_("Réponse selon l'adresse"),
        ),
        FieldPanel("online_procedure_url"),
        InlinePanel("places", label=_("Où s'adresser")),
        FieldPanel("body"),
        FieldPanel("alternative_questions"),
        MultiFieldPanel(
            [
                FieldPanel("service"),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("quartiers", widget=forms.CheckboxSelectMultiple),
                FieldPanel("communes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("featured"),
                FieldPanel("last_reviewed"),
            ],
            heading=_("Classement"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("short_answer"),
        index.SearchField("alternative_questions"),
        index.SearchField("body"),
        index.SearchField("steps"),
        index.FilterField("featured"),
    ]
    parent_page_types = ["content.FicheIndexPage"]
    subpage_types: list[str] = []
    certified_display = (
        ("places", (("lieu", LIEU_SUMMARY),)),
        ("service", SERVICE),
        ("audiences", TERM),
        ("themes", TERM),
        ("quartiers", TERM),
        ("communes", TERM),
    )

    class Meta:
        verbose_name = _("fiche")
        verbose_name_plural = _("fiches")

    @property
    def review_due(self) -> dt.date:
        """The day after which this answer counts as not re-read for too long."""
        return self.last_reviewed + dt.timedelta(days=REVIEW_AFTER_DAYS)

    @property
    def needs_review(self) -> bool:
        """True when nobody has re-read this answer for more than a year."""
        return timezone.localdate() > self.review_due

    @cached_property
    def lieux(self) -> list[Any]:
        """Where to go, in the editor's order: live places only (uses prefetched rows; a
        published Fiche's are kept once per publication, see core.published)."""
        if getattr(self, "_prefetched_objects_cache", {}).get("places"):
            return [link.lieu for link in self.places.all() if link.lieu.live]

        def load() -> list[Any]:
            links = self.places.all().select_related("lieu")
            links = links.prefetch_related("lieu__opening_rules", "lieu__opening_exceptions")
            return [link.lieu for link in links if link.lieu.live]

        if self.pk and self.live and not self.has_unpublished_changes:
            return published_memo(("fiche-lieux", self.pk), load)
        return load()

    def digital_help_places(self, limit: int = 4) -> list[Any]:
        """Places of digital mediation to get help with this online procedure: those of the
        Fiche's quartiers first, then those open now, then by name."""
        from parvis.content.models.places import LieuKind, LieuPage

        def mediation() -> list[Any]:
            return list(
                LieuPage.objects.live()
                .public()
                .filter(kind=LieuKind.MEDIATION)
                .select_related("quartier")
                .prefetch_related("opening_rules", "opening_exceptions")
            )

        # The places as published, kept once per publication (core.published); the order
        # depends on the hour, so it is computed for each request.
        places = list(published_memo(("mediation-places",), mediation))
        near = {q.slug for q in self.quartiers.all()}
        places.sort(
            key=lambda p: (
                not (p.quartier and p.quartier.slug in near),
                not (p.has_hours and p.opening_status().is_open),
                p.title,
            )
        )
        return places[:limit]

    def get_meta_description(self) -> str:
        return self.search_description or self.short_answer

    @property
    def needs_address(self) -> bool:
        """True when the answer depends on the resident's address (values per zone)."""
        return bool(self.zone_set and self.zone_answer)

    def answer_for_zone(self, values: dict[str, Any]) -> str:
        """The per-address answer filled with a zone's values (a missing value reads "?")."""

        class _Values(dict):
            def __missing__(self, key: str) -> str:
                return "?"

        try:
            return self.zone_answer.format_map(_Values(values))
        except (ValueError, IndexError, AttributeError):
            return self.zone_answer

    answer_kind = "fiche"

    def answer_fields(self) -> dict[str, Any]:
        body = [rich_text(self.body), stream_text(self.steps), stream_text(self.documents)]
        facets = {"service": self.service.slug} if self.service_id else {}
        return {
            "alternatives": self.alternative_questions,
            "short_answer": self.short_answer,
            "body": sentences(*body, self.cost, self.delay),
            "review_due": self.review_due,
            "facets": facets,
        }


class FichePlace(Orderable):
    """A place where the Fiche's procedure is done, in the editor's order."""

    page = ParentalKey(FichePage, on_delete=models.CASCADE, related_name="places")
    lieu = models.ForeignKey(
        "content.LieuPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("lieu")
    )

    panels = [PageChooserPanel("lieu", "content.LieuPage")]


class ParcoursIndexPage(
    DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, LocaleFallbackMixin, Page
):
    section_label = _("Parcours")
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.ParcoursPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des parcours")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        items = ParcoursPage.objects.child_of(self).live().public().order_by("title")
        context["parcours_list"] = paginate(request, items)
        return context


class ParcoursPage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    """A journey ("Je m'installe à Nantes"): ordered steps, each pointing to a Fiche."""

    intro = models.TextField(_("introduction"))
    audiences = ParentalManyToManyField("content.Audience", blank=True, verbose_name=_("publics"))
    themes = ParentalManyToManyField("content.Theme", blank=True, verbose_name=_("thèmes"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("parcours_steps", label=_("Étapes"), min_num=1),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["content.ParcoursIndexPage"]
    subpage_types: list[str] = []
    certified_display = (
        ("parcours_steps", ("title", "context", ("fiche", ("title", "short_answer")))),
        ("audiences", TERM),
        ("themes", TERM),
    )

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")

    def get_meta_description(self) -> str:
        return self.search_description or self.intro[:300]

    answer_kind = "parcours"

    def answer_fields(self) -> dict[str, Any]:
        steps = (sentences(s.title, s.context) for s in self.parcours_steps.all())
        return {"short_answer": self.intro, "body": sentences(*steps)}


class ParcoursStep(Orderable):
    page = ParentalKey(ParcoursPage, on_delete=models.CASCADE, related_name="parcours_steps")
    title = models.CharField(_("étape"), max_length=200)
    context = models.TextField(_("contexte"), blank=True)
    fiche = models.ForeignKey(
        FichePage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fiche"),
    )

    panels = [FieldPanel("title"), FieldPanel("context"), PageChooserPanel("fiche")]
