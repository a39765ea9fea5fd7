"""Groups residents already run, their public feeds, and the events read from them.

Nothing here is private to a group: the city links to what is already public. The one private
field is a group's contact address, used only to confirm a proposal and to send its contact an
update link; it is never shown.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        COLLECTIF = "collectif", _("Collectif d'habitants")
        MAILING_LIST = "liste", _("Liste de diffusion")
        MEETUP = "meetup", _("Groupe Meetup")
        MOBILIZON = "mobilizon", _("Groupe Mobilizon")
        FORUM = "forum", _("Forum")
        MASTODON = "mastodon", _("Compte Mastodon")
        GOOGLE_GROUP = "google", _("Groupe Google")
        OTHER = "autre", _("Autre")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposé")
        APPROVED = "approved", _("Publié")
        REJECTED = "rejected", _("Refusé")

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=160, unique=True)
    description = models.TextField(_("ce que fait le groupe"), max_length=2000)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    quartiers = models.ManyToManyField(
        "content.Quartier", blank=True, related_name="+", verbose_name=_("quartiers")
    )
    themes = models.ManyToManyField(
        "content.Theme", blank=True, related_name="+", verbose_name=_("thèmes")
    )
    join_url = models.URLField(_("comment le rejoindre (lien public)"), max_length=500)
    contact_email = models.EmailField(_("adresse de contact (jamais publiée)"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    moderation_note = models.CharField(_("motif (modération)"), max_length=300, blank=True)
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("proposé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        ordering = ["name"]
        permissions = [("moderate_group", _("Modérer les groupes, flux et événements"))]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:group", args=[self.slug])

    @property
    def confirmation_subject(self) -> str:
        """The subject under which the proposer's address is confirmed (core.notifications)."""
        return f"group:{self.pk}"


class Feed(models.Model):
    class Kind(models.TextChoices):
        ICAL = "ical", _("Agenda iCalendar (.ics)")
        RSS = "rss", _("Flux RSS")
        ATOM = "atom", _("Flux Atom")
        ACTIVITYPUB = "activitypub", _("Compte ActivityPub (Mobilizon, Mastodon)")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(_("adresse du flux"), max_length=1000)
    kind = models.CharField(_("type de flux"), max_length=12, choices=Kind.choices)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_read_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("dernière lecture réussie"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    muted = models.BooleanField(_("mis en sourdine"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flux")
        verbose_name_plural = _("flux")
        ordering = ["group__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "url"], name="networks_feed_unique_url")
        ]

    def __str__(self) -> str:
        return f"{self.group.name} — {self.url}"


class Event(models.Model):
    """One occurrence read from a feed (a weekly event gives one row per week of the window)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="events")
    # The same occurrence read twice (two feeds, two groups) has one key: its UID and start,
    # else its title, start and place, normalised and hashed.
    dedup_key = models.CharField(max_length=64, unique=True)
    uid = models.CharField(max_length=500, blank=True)
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description"), blank=True)  # sanitised HTML (nh3)
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"), null=True, blank=True)
    all_day = models.BooleanField(_("toute la journée"), default=False)
    location = models.CharField(_("lieu"), max_length=300, blank=True)
    url = models.URLField(_("lien vers l'original"), max_length=1000, blank=True)
    lieu = models.ForeignKey(
        "content.LieuPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden = models.BooleanField(_("masqué par la modération"), default=False)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["start"]), models.Index(fields=["group", "start"])]

    def __str__(self) -> str:
        return self.title
