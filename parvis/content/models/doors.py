"""Audience doors: "Je m'installe", "Je visite", "J'entreprends", "J'étudie".

A door is a landing page an editor composes for one audience from what the site already has:
journeys (Parcours), answers (Fiches), places and stories, each with an optional note.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from parvis.content.answering import sentences
from parvis.content.models.pages import TERM
from parvis.content.models.restrictions import PublishedViewRestrictionsMixin
from parvis.content.models.urls import DefaultSiteUrlMixin

# The sections of a door, in page order: (model name, heading).
DOOR_SECTIONS = (
    ("parcourspage", _("Pas à pas")),
    ("fichepage", _("Les réponses utiles")),
    ("lieupage", _("Les lieux")),
    ("recitpage", _("Pour connaître la ville")),
)


class DoorPage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    """An audience's landing page, composed by editors."""

    intro = models.TextField(_("introduction"))
    audience = models.ForeignKey(
        "content.Audience",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("public"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("audience"),
        InlinePanel("door_links", label=_("Contenus proposés")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types: list[str] = []
    certified_display = (("audience", TERM), ("door_links", ("note", ("target", ("title",)))))

    class Meta:
        verbose_name = _("porte d'entrée")
        verbose_name_plural = _("portes d'entrée")

    def sections(self) -> list[tuple[str, list[tuple[Any, str]]]]:
        """(heading, [(live page, note)…]) for each kind of content, in the editor's order."""
        grouped: dict[str, list[tuple[Any, str]]] = {name: [] for name, _h in DOOR_SECTIONS}
        for link in self.door_links.select_related("target"):
            target = link.target
            if target is None or not target.live:
                continue
            # The page the editor chose, as signed: a translated door links to translations.
            target = target.specific
            name = type(target).__name__.lower()
            if name in grouped:
                grouped[name].append((target, link.note))
        return [(str(heading), grouped[name]) for name, heading in DOOR_SECTIONS if grouped[name]]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["door_sections"] = self.sections()
        return context

    def get_meta_description(self) -> str:
        return self.search_description or self.intro[:300]

    answer_kind = "porte"

    def answer_fields(self) -> dict[str, Any]:
        """A door answers as its audience says it ("je viens d'arriver", "je visite Nantes"):
        its audience's name and resident words are its other wordings, the contents it offers
        (titles and notes) its body."""
        audience = self.audience
        alternatives = []
        if audience is not None:
            alternatives = [audience.name, *audience.resident_words.splitlines()]
        offered = []
        for link in self.door_links.select_related("target"):
            if link.target is not None and link.target.live:
                offered.extend([link.target.title, link.note])
        return {
            "alternatives": sentences(*alternatives),
            "short_answer": self.intro,
            "body": sentences(*offered),
            "facets": {"audience": [audience.slug] if audience is not None else []},
        }


class DoorLink(Orderable):
    page = ParentalKey(DoorPage, on_delete=models.CASCADE, related_name="door_links")
    target = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contenu"),
    )
    note = models.CharField(_("pourquoi ce contenu"), max_length=250, blank=True)

    panels = [
        PageChooserPanel(
            "target",
            ["content.ParcoursPage", "content.FichePage", "content.LieuPage", "content.RecitPage"],
        ),
        FieldPanel("note"),
    ]
