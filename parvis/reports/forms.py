"""The resident's report form, in two steps: where and what kind, then the details."""

from __future__ import annotations

import uuid

from django import forms
from django.forms.boundfield import BoundWidget
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.content.models import Quartier
from parvis.core.widgets import DataNamesSelect
from parvis.reports.models import Category
from parvis.reports.photos import ACCEPT_ATTRIBUTE
from parvis.reports.selectors import categories_active, categories_grouped


class PlaceForm(forms.Form):
    """Step 1 (GET): the category and the place. An address alone is enough."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        to_field_name="code",
        label=_("Type de problème"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le type de problème.")},
    )
    address = forms.CharField(
        label=_("Adresse ou lieu"),
        help_text=_("Par exemple : 12 rue de Strasbourg, ou « devant l'école Jean-Zay »."),
        max_length=250,
        required=False,
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    long = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    quartier = forms.ModelChoiceField(
        queryset=Quartier.objects.all(),
        to_field_name="slug",
        label=_("Quartier (facultatif)"),
        required=False,
        empty_label=_("Je ne sais pas"),
        widget=DataNamesSelect,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = categories_active()
        field.choices = [
            (group, [(c.code, c.name) for c in items]) for group, items in categories_grouped()
        ]
        # The address engine's matches while typing (a small script; a plain field without it).
        self.fields["address"].widget.attrs.update(
            {"data-address-complete": reverse("address_complete"), "autocomplete": "off"}
        )

    def category_groups(self) -> list[tuple[str, list[BoundWidget]]]:
        """The category radios under their group's heading, with Django's own ids
        (``id_category_<group>_<n>``): the error summary links to the first one."""
        radios = iter(self["category"].subwidgets)
        return [
            (group, [next(radios) for _choice in choices])
            for group, choices in self.fields["category"].choices
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        lat, lon = data.get("lat"), data.get("long")
        if (lat is None) != (lon is None):
            self.add_error("lat", _("Indiquez la latitude et la longitude ensemble."))
        elif lat is None and not (data.get("address") or "").strip() and not self.errors:
            self.add_error("address", _("Indiquez une adresse ou utilisez votre position."))
        return data


class DetailsForm(PlaceForm):
    """Step 2 (POST): the description, photos, an optional email, and the anti-abuse fields."""

    description = forms.CharField(
        label=_("Décrivez le problème"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={"required": _("Décrivez le problème en quelques mots.")},
    )
    photo1 = forms.FileField(label=_("Photo 1 (facultative)"), required=False)
    photo2 = forms.FileField(label=_("Photo 2 (facultative)"), required=False)
    photo3 = forms.FileField(label=_("Photo 3 (facultative)"), required=False)
    email = forms.EmailField(
        label=_("Votre adresse électronique (facultative)"),
        help_text=_(
            "Pour être tenu informé. Elle n'est jamais publiée. Vous recevrez d'abord un lien "
            "pour la confirmer."
        ),
        required=False,
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled by naive robots.
    site_web = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))
        for name in ("photo1", "photo2", "photo3"):
            self.fields[name].widget.attrs["accept"] = ACCEPT_ATTRIBUTE
