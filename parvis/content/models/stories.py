"""Récits (stories of the territory) and Actualités (news)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from parvis.content.answering import rich_text, sentences, stream_text
from parvis.content.models.pages import TERM, LocaleFallbackMixin, paginate
from parvis.content.models.restrictions import PublishedViewRestrictionsMixin
from parvis.content.models.urls import DefaultSiteUrlMixin


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("citation"))
    author = blocks.CharBlock(label=_("auteur"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Citation")


class RecitIndexPage(
    DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, LocaleFallbackMixin, Page
):
    section_label = _("Découvrir")
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.RecitPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des récits")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from parvis.content.models.taxonomy import Audience

        context = super().get_context(request, *args, **kwargs)
        recits = RecitPage.objects.child_of(self).live().public().order_by("-first_published_at")
        audience = Audience.objects.filter(slug=request.GET.get("public", "")).first()
        if audience is not None:
            recits = recits.filter(audiences=audience)
        context.update(
            recits=paginate(request, recits, per_page=12),
            audiences=Audience.objects.all(),
            current_audience=audience,
        )
        return context


class RecitPage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    """A story of the territory: a neighbourhood, a place, a project."""

    intro = models.TextField(_("chapeau"))
    body = StreamField(
        [
            ("heading", blocks.CharBlock(label=_("intertitre"), form_classname="title")),
            ("paragraph", blocks.RichTextBlock(label=_("paragraphe"))),
            ("quote", QuoteBlock()),
        ],
        verbose_name=_("récit"),
    )
    audiences = ParentalManyToManyField("content.Audience", blank=True, verbose_name=_("publics"))
    themes = ParentalManyToManyField("content.Theme", blank=True, verbose_name=_("thèmes"))
    quartiers = ParentalManyToManyField("content.Quartier", blank=True, verbose_name=_("quartiers"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("quartiers", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["content.RecitIndexPage"]
    subpage_types: list[str] = []
    certified_display = (("audiences", TERM), ("themes", TERM), ("quartiers", TERM))

    class Meta:
        verbose_name = _("récit")
        verbose_name_plural = _("récits")

    def get_meta_description(self) -> str:
        return self.search_description or self.intro[:300]

    answer_kind = "recit"

    def answer_fields(self) -> dict[str, Any]:
        return {"short_answer": self.intro, "body": stream_text(self.body)}


class ActualiteIndexPage(
    DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, LocaleFallbackMixin, Page
):
    section_label = _("Actualités")
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.ActualitePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des actualités")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        items = ActualitePage.objects.child_of(self).live().public().order_by("-date")
        context["actualites"] = paginate(request, items, per_page=12)
        return context


class ActualitePage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("chapeau"))
    body = RichTextField(_("contenu"))
    themes = ParentalManyToManyField("content.Theme", blank=True, verbose_name=_("thèmes"))
    quartiers = ParentalManyToManyField("content.Quartier", blank=True, verbose_name=_("quartiers"))
    # An actualité that announces an event (a meeting, a festival) appears in the agendas.
    event_start = models.DateTimeField(
        _("début de l'événement"),
        null=True,
        blank=True,
        help_text=_("Si cette actualité annonce un événement, il paraît dans l'agenda."),
    )
    event_end = models.DateTimeField(_("fin de l'événement"), null=True, blank=True)
    event_place = models.CharField(_("lieu de l'événement"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("event_start"),
        FieldPanel("event_end"),
        FieldPanel("event_place"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("quartiers", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["content.ActualiteIndexPage"]
    subpage_types: list[str] = []
    certified_display = (("themes", TERM), ("quartiers", TERM))

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")

    def get_meta_description(self) -> str:
        return self.search_description or self.intro[:300]

    answer_kind = "actualite"

    def answer_fields(self) -> dict[str, Any]:
        return {
            "short_answer": self.intro,
            "body": sentences(rich_text(self.body)),
            "published_on": self.date,
        }
