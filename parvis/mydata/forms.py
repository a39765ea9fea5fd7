from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.personal_data import Identity, IdentityInvalid


class IdentityForm(forms.Form):
    identity = forms.CharField(
        label=_("Votre adresse électronique ou votre numéro de téléphone"),
        help_text=_("Celle ou celui que vous avez indiqué en nous écrivant."),
        max_length=254,
    )

    def clean_identity(self) -> Identity:
        try:
            return Identity.parse(self.cleaned_data["identity"])
        except IdentityInvalid as error:
            raise forms.ValidationError(error.message) from None


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code reçu par SMS (6 chiffres)"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Le code compte 6 chiffres.")},
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je comprends que mes coordonnées seront effacées et que je ne recevrai plus de "
            "nouvelles de mes démarches."
        ),
        error_messages={"required": _("Cochez la case pour confirmer l'effacement.")},
    )
