"""The residents' forms: propose a group, ask for the update link, update, filter the agenda."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.content.models import Quartier, Theme
from parvis.core.widgets import DataNamesCheckboxes
from parvis.networks.models import Feed, Group
from parvis.networks.services import MAX_FEEDS, FeedInput


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=150)
    kind = forms.ChoiceField(label=_("Type de groupe"), choices=Group.Kind.choices)
    description = forms.CharField(
        label=_("Ce que fait le groupe"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("En quelques phrases : ce que vous faites, pour qui, où et quand."),
    )
    join_url = forms.URLField(
        label=_("Comment le rejoindre"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Un lien public : page web, inscription à la liste, groupe Meetup…"),
    )
    quartiers = forms.ModelMultipleChoiceField(
        label=_("Quartiers"),
        queryset=Quartier.objects.filter(live=True),
        required=False,
        widget=DataNamesCheckboxes,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.filter(live=True),
        required=False,
        widget=DataNamesCheckboxes,
    )
    feeds = forms.CharField(
        label=_("Agendas et flux publics (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Une adresse par ligne : agenda .ics, flux RSS ou Atom, groupe Mobilizon ou compte "
            "Mastodon. Cinq au plus."
        ),
    )

    def clean_feeds(self) -> list[FeedInput]:
        lines = [line.strip() for line in self.cleaned_data["feeds"].splitlines() if line.strip()]
        if len(lines) > MAX_FEEDS:
            raise forms.ValidationError(_("Cinq flux au plus par groupe."))
        return [FeedInput(url=line[:1000], kind=feed_kind_guess(line)) for line in lines]


def feed_kind_guess(url: str) -> str:
    """The kind of a feed from its address (a moderator can correct it)."""
    lower = url.lower().split("?", 1)[0]
    if lower.endswith((".ics", ".ical", "/ical", "/ics")) or "ical" in lower or "webcal" in lower:
        return Feed.Kind.ICAL
    if "atom" in lower:
        return Feed.Kind.ATOM
    if lower.endswith((".rss", ".xml", "/rss", "/feed", "/feed/")) or "rss" in lower:
        return Feed.Kind.RSS
    if "/@" in lower or "/users/" in lower or "/outbox" in lower or "/group/" in lower:
        return Feed.Kind.ACTIVITYPUB
    return Feed.Kind.RSS


class ProposeForm(GroupForm):
    contact_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_(
            "Jamais publiée. Elle sert à confirmer la proposition et à vous envoyer un lien "
            "pour mettre la fiche du groupe à jour."
        ),
    )


class EditLinkForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique du contact du groupe"))


class AgendaForm(forms.Form):
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    theme = forms.SlugField(label=_("Thème"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("La date de fin précède la date de début."))
        if start and end and (end - start) > dt.timedelta(days=366):
            raise forms.ValidationError(_("Choisissez une période d'un an au plus."))
        return data
