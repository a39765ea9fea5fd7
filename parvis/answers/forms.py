"""Forms of the search page: a question for an agent (opens a conversation), a vote."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class AgentQuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Votre question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez votre question.")},
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique (facultatif, pour recevoir la réponse)"),
        required=False,
        error_messages={"invalid": _("Cette adresse électronique n'est pas valide.")},
    )
    # Honeypot: hidden from people (CSS + aria-hidden), filled by robots.
    website = forms.CharField(label=_("Ne pas remplir"), required=False)
    # A resubmission (double click, retry after a timeout) replays the first answer.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class FeedbackForm(forms.Form):
    q = forms.CharField(max_length=200)
    id = forms.CharField(max_length=200)
    helpful = forms.ChoiceField(choices=[("oui", _("Oui")), ("non", _("Non"))])
