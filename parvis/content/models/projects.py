"""City projects (projets urbains): what the city is building, where, and how far along it is.

A project is a Wagtail page, not a snippet: it has its own public address (a quartier page, the
discovery feed and an answer link to it), is written with drafts, moderation and revisions like
every page, is translated with the other pages, and is signed on publication like them (its
quartiers, themes, place and linked page through ``certified_display``, its image by SHA-256).
Field questions of "Une minute pour…" already point to "a project of the city" as a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from parvis.content.answering import rich_text, sentences
from parvis.content.models.coordinates import latitude_field, longitude_field
from parvis.content.models.pages import TERM, LocaleFallbackMixin, paginate
from parvis.content.models.restrictions import PublishedViewRestrictionsMixin
from parvis.content.models.urls import DefaultSiteUrlMixin


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("À venir")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminé")


@dataclass(frozen=True)
class StatusTerm:
    """A status as the filter links show it (like a taxonomy term: slug and name)."""

    slug: str
    name: str


# Listing order: what is happening now first, then what is coming, then what is done.
STATUS_ORDER = {ProjectStatus.IN_PROGRESS: 0, ProjectStatus.PLANNED: 1, ProjectStatus.DONE: 2}


class CityProjectIndexPage(
    DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, LocaleFallbackMixin, Page
):
    intro = models.TextField(_("introduction"), blank=True)
    # The menu's label in another language while the section is not translated.
    section_label = _("Projets urbains")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.CityProjectPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des projets urbains")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        projects = CityProjectPage.objects.child_of(self).live().public()
        statuses = [
            StatusTerm(slug=value, name=str(label)) for value, label in ProjectStatus.choices
        ]
        current = next((s for s in statuses if s.slug == request.GET.get("etat")), None)
        if current is not None:
            projects = projects.filter(status=current.slug)
        context.update(
            projects=paginate(request, projects.order_by("-start_date", "title"), per_page=12),
            statuses=statuses,
            current_status=current,
        )
        return context


class CityProjectPage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    """One project of the city: a square redesigned, a school built, a tram line extended."""

    summary = models.TextField(
        _("en quelques mots"), help_text=_("Ce qui change pour les habitants, en deux phrases.")
    )
    body = RichTextField(_("le projet en détail"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(
        _("fin"), null=True, blank=True, help_text=_("Prévue, ou réelle si le projet est terminé.")
    )
    quartiers = ParentalManyToManyField("content.Quartier", blank=True, verbose_name=_("quartiers"))
    themes = ParentalManyToManyField("content.Theme", blank=True, verbose_name=_("thèmes"))
    place = models.ForeignKey(
        "content.LieuPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lieu"),
        help_text=_("Un lieu de la ville concerné par le projet, s'il y en a un."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    more_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pour en savoir plus"),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            ],
            heading=_("Où en est le projet"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("quartiers", widget=forms.CheckboxSelectMultiple),
                PageChooserPanel("place", "content.LieuPage"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Où"),
        ),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        PageChooserPanel("more_page"),
        FieldPanel("image"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["content.CityProjectIndexPage"]
    subpage_types: list[str] = []
    certified_display = (
        ("quartiers", TERM),
        ("themes", TERM),
        ("place", ("title",)),
        ("more_page", ("title",)),
    )

    class Meta:
        verbose_name = _("projet urbain")
        verbose_name_plural = _("projets urbains")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = gettext("La fin ne peut pas précéder le début.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = gettext("Donnez la latitude et la longitude, ou aucune des deux.")
        if errors:
            raise ValidationError(errors)

    def get_meta_description(self) -> str:
        return self.search_description or self.summary[:300]

    def when(self) -> str:
        """The project's dates as a resident reads them ("De mars 2025 à juin 2027")."""
        start = date_format(self.start_date, "F Y") if self.start_date else ""
        end = date_format(self.end_date, "F Y") if self.end_date else ""
        if start and end:
            return gettext("De %(start)s à %(end)s") % {"start": start, "end": end}
        if start:
            return gettext("Depuis %(start)s") % {"start": start}
        if end:
            return gettext("Jusqu'à %(end)s") % {"end": end}
        return ""

    def point(self) -> tuple[float, float] | None:
        """(longitude, latitude) of the project: its own point, else its place's."""
        if self.latitude is not None and self.longitude is not None:
            return float(self.longitude), float(self.latitude)
        place = self.place
        if place is not None and place.latitude is not None and place.longitude is not None:
            return float(place.longitude), float(place.latitude)
        return None

    answer_kind = "projet"

    def answer_fields(self) -> dict[str, Any]:
        with translation.override(settings.LANGUAGE_CODE):  # the index speaks French
            status = gettext("Projet urbain, %(status)s") % {
                "status": str(self.get_status_display()).lower()
            }
            return {
                "alternatives": sentences(gettext("projet urbain"), gettext("travaux")),
                "short_answer": sentences(self.summary, status, self.when()),
                "body": sentences(rich_text(self.body), self.place.title if self.place else ""),
                "facets": {"status": [self.status]},
                # A finished project ages like news from its end: the place it renovated, not
                # the story of the works, answers "piscine Léo-Lagrange" a year later.
                "published_on": self.end_date if self.status == ProjectStatus.DONE else None,
            }
