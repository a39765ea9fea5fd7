"""The answer engine's own tables: the searchable documents, the citizen lexicon, feedback.

``SearchDocument`` is a denormalised copy of everything searchable (Wagtail pages and imported
knowledge documents); the full-text index itself is a database-specific table kept in step by
``parvis.answers.index`` (SQLite FTS5, PostgreSQL inverted-index tables).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index as wagtail_index


class SearchDocument(models.Model):
    """One searchable thing, page or imported document, with its fields by weight."""

    key = models.CharField(_("identifiant"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=30, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("titre ou question"), max_length=500, blank=True)
    alternatives = models.TextField(_("autres formulations"), blank=True)
    # Residents' wordings approved by an editor (``parvis.answers.learning``), one a line; kept
    # apart from the editors' own so that re-publishing a page never loses them.
    learned = models.TextField(_("formulations apprises"), blank=True)
    short_answer = models.TextField(_("réponse courte"), blank=True)
    body = models.TextField(_("contenu"), blank=True)
    url = models.CharField(_("adresse"), max_length=1000, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=300, blank=True)
    facets = models.JSONField(_("classement"), default=dict, blank=True)
    # Freshness: an Actualité's date (its rank decays with age) and the day a Fiche falls
    # overdue for review. Imported documents have neither and rank as they match.
    published_on = models.DateField(_("date de l'actualité"), null=True, blank=True)
    review_due = models.DateField(_("à relire avant le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document indexé")
        verbose_name_plural = _("documents indexés")

    def __str__(self) -> str:
        return self.title or self.key

    @property
    def wordings(self) -> str:
        """Every other wording of the document: the editors' and those learned from use."""
        return "\n".join(p for p in (self.alternatives, self.learned) if p)


class LexiconEntry(wagtail_index.Indexed, models.Model):
    """A citizen's word and what the site calls it ("CNI" → "carte nationale d'identité")."""

    term = models.CharField(
        _("mot des habitants"),
        max_length=120,
        unique=True,
        help_text=_("Ce que les habitants tapent : sigle, mot courant, faute fréquente."),
    )
    expansion = models.CharField(
        _("équivalent dans le site"),
        max_length=300,
        help_text=_("Les mots employés dans les pages (ajoutés à la recherche)."),
    )

    panels = [FieldPanel("term"), FieldPanel("expansion")]
    search_fields = [wagtail_index.SearchField("term"), wagtail_index.SearchField("expansion")]

    class Meta:
        ordering = ["term"]
        verbose_name = _("synonyme")
        verbose_name_plural = _("lexique des habitants")

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


class QueryLog(models.Model):
    """A search, anonymous: the normalised text only, never who asked (no IP, no cookie)."""

    normalised = models.CharField(max_length=200)
    signature = models.CharField(max_length=200, db_index=True)
    result_count = models.PositiveIntegerField()
    confidence = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("recherche")

    def __str__(self) -> str:
        return self.normalised


class AnswerFeedback(models.Model):
    """ "Cette réponse vous a-t-elle aidé ?" — a vote, no personal data."""

    normalised = models.CharField(max_length=200)
    document_key = models.CharField(max_length=200)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("avis sur une réponse")

    def __str__(self) -> str:
        return f"{self.document_key}: {self.helpful}"


class DocumentEmbedding(models.Model):
    """Optional semantic vector of a document (``parvis[semantic]``), computed in the background."""

    document = models.OneToOneField(
        SearchDocument, on_delete=models.CASCADE, related_name="embedding"
    )
    vector = models.BinaryField()  # float32, L2-normalised
    text_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vecteur sémantique")

    def __str__(self) -> str:
        return self.document.key


class LearnedPhrasing(models.Model):
    """A resident's wording of a question that a document answered, learned from use.

    Proposed when an agent answers a question with a page, or when residents mark an answer
    useful for the same wording; indexed as another wording of the document only once an
    editor approves it. No personal data: the text is masked like the search logs and is not
    tied to whoever asked.
    """

    class Source(models.TextChoices):
        AGENT = "agent", _("réponse d'un agent")
        FEEDBACK = "feedback", _("avis « utile » des habitants")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("à examiner")
        APPROVED = "approved", _("approuvée")
        REJECTED = "rejected", _("refusée")

    document_key = models.CharField(_("document"), max_length=200, db_index=True)
    text = models.CharField(_("formulation"), max_length=200)
    normalised = models.CharField(max_length=200)
    source = models.CharField(_("origine"), max_length=20, choices=Source.choices)
    evidence = models.PositiveIntegerField(
        _("occurrences"), default=1, help_text=_("Réponses d'agents ou avis « utile » concordants.")
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-evidence", "-created_at"]
        verbose_name = _("formulation apprise")
        verbose_name_plural = _("formulations apprises")
        constraints = [
            models.UniqueConstraint(
                fields=["document_key", "normalised"], name="answers_phrasing_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.document_key}"
