"""Lieux: the city's places with their address and opening hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from parvis.content import hours
from parvis.content.answering import sentences
from parvis.content.models.coordinates import latitude_field, longitude_field
from parvis.content.models.pages import (
    OPENING_EXCEPTION,
    OPENING_RULE,
    TERM,
    LocaleFallbackMixin,
    paginate,
)
from parvis.content.models.restrictions import PublishedViewRestrictionsMixin
from parvis.content.models.urls import DefaultSiteUrlMixin
from parvis.core.pagecache import page_cache_limit


def _next_midnight(now: dt.datetime) -> dt.datetime:
    """The next midnight in Europe/Paris after ``now``."""
    tomorrow = now.astimezone(hours.PARIS).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(), tzinfo=hours.PARIS)


class LieuKind(models.TextChoices):
    MAIRIE = "mairie", _("Mairie")
    MAIRIE_ANNEXE = "mairie_annexe", _("Mairie annexe")
    PISCINE = "piscine", _("Piscine")
    MEDIATHEQUE = "mediatheque", _("Médiathèque")
    DECHETERIE = "decheterie", _("Déchèterie")
    CCAS = "ccas", _("Action sociale (CCAS)")
    EQUIPEMENT = "equipement", _("Équipement de quartier")
    MEDIATION = "mediation", _("Aide au numérique")
    AUTRE = "autre", _("Autre lieu")


class Weekday(models.IntegerChoices):
    """Days of the week as Python numbers them (0 = Monday), for every weekly schedule."""

    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class LieuIndexPage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, LocaleFallbackMixin, Page):
    """All places, filterable by kind and quartier, with their status right now."""

    section_label = _("Lieux et horaires")

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.LieuPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des lieux")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from parvis.content.models.taxonomy import Quartier

        context = super().get_context(request, *args, **kwargs)
        lieux = LieuPage.objects.child_of(self).live().public().order_by("title")
        kind = request.GET.get("type", "")
        if kind in LieuKind.values:
            lieux = lieux.filter(kind=kind)
        quartier = Quartier.objects.filter(slug=request.GET.get("quartier", "")).first()
        if quartier is not None:
            lieux = lieux.filter(quartier=quartier)
        context.update(
            lieux=paginate(
                request,
                lieux.select_related("quartier").prefetch_related(
                    "opening_rules", "opening_exceptions"
                ),
            ),
            kinds=LieuKind.choices,
            current_kind=kind if kind in LieuKind.values else "",
            quartiers=Quartier.objects.all(),
            current_quartier=quartier,
        )
        return context


class LieuPage(DefaultSiteUrlMixin, PublishedViewRestrictionsMixin, Page):
    """A place residents go to: address, contact, accessibility and opening hours."""

    kind = models.CharField(_("type de lieu"), max_length=30, choices=LieuKind.choices)
    description = models.TextField(_("présentation"), blank=True)
    street = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("commune"), max_length=100, default="Nantes")
    commune = models.ForeignKey(
        "content.Commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lieux",
        verbose_name=_("commune servie"),
        help_text=_("La commune dont ce lieu est l'équipement. Vide : un lieu de la Métropole."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    accessibility = models.TextField(_("accessibilité"), blank=True)
    quartier = models.ForeignKey(
        "content.Quartier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lieux",
        verbose_name=_("quartier"),
    )
    closed_on_public_holidays = models.BooleanField(_("fermé les jours fériés"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldPanel("postcode"),
                FieldPanel("city"),
                FieldPanel("commune"),
                FieldPanel("quartier"),
                FieldPanel("latitude"),
                FieldPanel("longitude"),
            ],
            heading=_("Adresse"),
        ),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading=_("Contact")),
        FieldPanel("accessibility"),
        MultiFieldPanel(
            [
                FieldPanel("closed_on_public_holidays"),
                InlinePanel("opening_rules", label=_("Horaires de la semaine")),
                InlinePanel("opening_exceptions", label=_("Fermetures et horaires exceptionnels")),
            ],
            heading=_("Horaires"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("street"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["content.LieuIndexPage"]
    subpage_types: list[str] = []
    certified_display = (
        ("quartier", TERM),
        ("commune", TERM),
        ("opening_rules", OPENING_RULE),
        ("opening_exceptions", OPENING_EXCEPTION),
    )

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # The status, the week and the exceptions all read the hours: one query per table, not
        # one per use (a preview keeps the draft's rows, held in memory).
        if not getattr(request, "is_preview", False) and self.pk:
            prefetch_related_objects([self], "opening_rules", "opening_exceptions")
        return super().get_context(request, *args, **kwargs)

    @property
    def has_hours(self) -> bool:
        """False when nobody entered hours: "not known" must not read as "closed"."""
        return bool(self.opening_rules.all())  # uses prefetched rows when there are some

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    def weekly_rules(self) -> list[hours.WeeklyRule]:
        return [
            hours.WeeklyRule(rule.weekday, rule.opens, rule.closes)
            for rule in self.opening_rules.all()
        ]

    def dated_exceptions(self) -> list[hours.DatedException]:
        return [
            hours.DatedException(e.date, e.closed, e.opens, e.closes, e.label)
            for e in self.opening_exceptions.all()
        ]

    def opening_status(self, at: dt.datetime | None = None) -> hours.OpeningStatus:
        """Open or closed at ``at`` (default: now, in Europe/Paris), and until when.

        Without ``at``, a cached page showing the status expires when the status changes, at
        midnight (its label names days) and after ``PARVIS_PAGE_CACHE_LIVE_TTL`` at most.
        """
        now = at or timezone.now()
        status = hours.status_at(
            now,
            self.weekly_rules(),
            self.dated_exceptions(),
            closed_on_public_holidays=self.closed_on_public_holidays,
        )
        if at is None:
            moments = [_next_midnight(now)]
            if status.next_change is not None:
                moments.append(status.next_change)
            page_cache_limit(
                min(
                    settings.PARVIS_PAGE_CACHE_LIVE_TTL,
                    *((moment - now).total_seconds() for moment in moments),
                )
            )
        return status

    def week(self) -> list[tuple[str, list[tuple[dt.time, dt.time]]]]:
        names = dict(OpeningRule.Weekday.choices)
        return [(names[day], spans) for day, spans in hours.week_table(self.weekly_rules())]

    def upcoming_exceptions(self) -> list[OpeningException]:
        now = timezone.now()
        today = timezone.localdate(now)
        page_cache_limit((_next_midnight(now) - now).total_seconds())
        return [e for e in self.opening_exceptions.all() if e.date >= today][:5]

    def get_meta_description(self) -> str:
        return self.search_description or f"{self.title} — {self.address}"

    answer_kind = "lieu"

    def answer_fields(self) -> dict[str, Any]:
        quartier, commune = self.quartier, self.commune
        # The page shows its opening hours under this heading: residents ask for "horaires".
        # (The heading only: the week's lines would lengthen every place's text for nothing.)
        heading = "Horaires d'ouverture" if self.opening_rules.exists() else ""
        return {
            "alternatives": " ".join(
                [str(self.get_kind_display()), quartier.name if quartier else ""]
            ),
            "short_answer": self.description,
            "body": sentences(self.address, self.accessibility, heading),
            "facets": {
                "quartier": [quartier.slug] if quartier else [],
                "kind": self.kind,
                # The commune whose place it is; none: a place of the Métropole.
                "commune": [commune.slug] if commune else [],
            },
        }


class OpeningRule(Orderable):
    Weekday = Weekday

    page = ParentalKey(LieuPage, on_delete=models.CASCADE, related_name="opening_rules")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens = models.TimeField(_("ouverture"))
    closes = models.TimeField(_("fermeture"))

    panels = [FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_rule_closes_after_opens",
            )
        ]

    def clean(self) -> None:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("La fermeture doit suivre l'ouverture.")})


class OpeningException(Orderable):
    page = ParentalKey(LieuPage, on_delete=models.CASCADE, related_name="opening_exceptions")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("fermé toute la journée"), default=True)
    opens = models.TimeField(_("ouverture"), null=True, blank=True)
    closes = models.TimeField(_("fermeture"), null=True, blank=True)
    label = models.CharField(_("motif"), max_length=120, blank=True)

    panels = [
        FieldPanel("date"),
        FieldPanel("closed"),
        FieldPanel("opens"),
        FieldPanel("closes"),
        FieldPanel("label"),
    ]

    class Meta(Orderable.Meta):
        ordering = ["date"]

    def clean(self) -> None:
        if not self.closed and not (self.opens and self.closes and self.closes > self.opens):
            raise ValidationError(
                _("Indiquez des horaires d'ouverture et de fermeture, ou cochez « fermé ».")
            )
