"""Audience aggregates: counts per day and page, per day and question, per day and answer.

Nothing here can name a person: no IP address, no user agent, no cookie, no session, no
identifier of any kind, not even transiently (a view is one ``+1`` on its row). Rows are
counts, per day (Europe/Paris), kept ``PARVIS_AUDIENCE_RETENTION_DAYS`` (25 months, CNIL).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageDayCount(models.Model):
    """How many times a public page was shown on one day (bots and agents not counted)."""

    day = models.DateField(_("jour"))
    # The page's address without its query string; for a view whose address carries an id or a
    # token (a report, a confirmation link), the route's pattern, never the id or the token.
    path = models.CharField(_("page"), max_length=300)
    views = models.PositiveIntegerField(_("vues"), default=0)

    class Meta:
        verbose_name = _("vues d'une page par jour")
        verbose_name_plural = _("vues des pages par jour")
        constraints = [models.UniqueConstraint(fields=["day", "path"], name="audience_page_day")]
        indexes = [models.Index(fields=["path", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.path}: {self.views}"


class SearchDayCount(models.Model):
    """Searches of one day for one normalised question, rolled up from the answers' query log."""

    day = models.DateField(_("jour"))
    normalised = models.CharField(_("question (normalisée)"), max_length=200)
    count = models.PositiveIntegerField(_("recherches"), default=0)
    # Searches that found a confident answer; ``count - answered`` found none worth showing.
    answered = models.PositiveIntegerField(_("avec une réponse"), default=0)

    class Meta:
        verbose_name = _("recherches d'une question par jour")
        verbose_name_plural = _("recherches par jour")
        constraints = [
            models.UniqueConstraint(fields=["day", "normalised"], name="audience_search_day"),
            models.CheckConstraint(
                condition=models.Q(answered__lte=models.F("count")),
                name="audience_search_answered_lte_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.normalised}: {self.count}"


class UsefulDayCount(models.Model):
    """ "Cette réponse vous a-t-elle aidé ?" votes of one day for one answer (a document key)."""

    day = models.DateField(_("jour"))
    document_key = models.CharField(_("réponse"), max_length=200)
    helpful = models.PositiveIntegerField(_("utile"), default=0)
    not_helpful = models.PositiveIntegerField(_("pas utile"), default=0)

    class Meta:
        verbose_name = _("avis sur une réponse par jour")
        verbose_name_plural = _("avis par jour")
        constraints = [
            models.UniqueConstraint(fields=["day", "document_key"], name="audience_useful_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.document_key}: +{self.helpful} -{self.not_helpful}"
