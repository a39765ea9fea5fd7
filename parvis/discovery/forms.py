from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.content.models import Quartier, Theme
from parvis.core.widgets import DataNamesCheckboxes, DataNamesSelect


class PreferencesForm(forms.Form):
    """Choose a quartier and interests; sensitive themes are never offered."""

    quartier = forms.ChoiceField(
        label=_("Votre quartier"),
        required=False,
        widget=DataNamesSelect(attrs={"class": "pv-field__select"}),
    )
    interests = forms.MultipleChoiceField(
        label=_("Vos centres d'intérêt"),
        required=False,
        widget=DataNamesCheckboxes,
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quartier"].choices = [("", _("Aucun en particulier"))] + [
            (q.slug, q.name) for q in Quartier.objects.order_by("name")
        ]
        self.fields["interests"].choices = [
            (t.slug, t.name) for t in Theme.objects.filter(sensitive=False).order_by("name")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("quartier") and not data.get("interests"):
            raise forms.ValidationError(
                _("Choisissez un quartier ou au moins un centre d'intérêt, ou effacez vos choix.")
            )
        return data
