"""The back office's question form: choices typed one per line, validated like the model."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from parvis.listening.validation import choices_clean


class FieldQuestionForm(WagtailAdminModelForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Replaces the JSON field Wagtail builds from the model: one choice per line.
        self.fields["choices"] = forms.CharField(
            label=_("Réponses proposées (une par ligne, de 2 à 6)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=_("Pour « oui / non », laissez vide : Oui et Non sont proposés."),
        )
        if self.instance.pk and isinstance(self.instance.choices, list):
            self.initial["choices"] = "\n".join(self.instance.choices)

    def clean_choices(self) -> list[str]:
        return choices_clean(self.cleaned_data.get("choices", ""))

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()
