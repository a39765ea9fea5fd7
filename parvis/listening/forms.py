"""The one-screen answer form of ``/m/<code>/`` and the short form of ``/m/``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parvis.content.models import Quartier
from parvis.core.widgets import DataNamesSelect
from parvis.listening.models import FieldAnswer, FieldQuestion
from parvis.listening.phones import PhoneInvalid, phone_is_mobile, phone_normalise
from parvis.listening.services import REMARK_MAX


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de la question"),
        max_length=12,
        help_text=_("Il figure sur le panneau, par exemple VELO12."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class AnswerForm(forms.Form):
    """Built for one question: its choices, a note from 1 to 5, or a free remark."""

    choice = forms.TypedChoiceField(
        label=_("Votre réponse"), coerce=int, widget=forms.RadioSelect, required=False
    )
    rating = forms.TypedChoiceField(
        label=_("Votre note, de 1 (pas du tout) à 5 (tout à fait)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
        required=False,
    )
    remark = forms.CharField(
        label=_("Votre remarque (facultatif)"),
        max_length=REMARK_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Lue par un modérateur avant d'être publiée. N'y mettez ni nom, ni adresse, "
            "ni numéro de téléphone."
        ),
    )
    quartier = forms.ModelChoiceField(
        label=_("Votre quartier (facultatif)"),
        queryset=Quartier.objects.order_by("name"),
        required=False,
        empty_label=_("— je préfère ne pas le dire —"),
        widget=DataNamesSelect,
    )
    age_band = forms.ChoiceField(
        label=_("Votre âge (facultatif)"),
        choices=[("", _("— je préfère ne pas le dire —")), *FieldAnswer.AgeBand.choices],
        required=False,
    )
    follow_email = forms.EmailField(
        label=_("Courriel pour connaître la suite (facultatif)"),
        required=False,
        help_text=_(
            "Vous recevrez d'abord un lien de confirmation. L'adresse sert seulement à vous "
            "dire ce que la ville aura fait."
        ),
    )
    follow_phone = forms.CharField(
        label=_("Ou un numéro de portable pour connaître la suite par SMS (facultatif)"),
        max_length=30,
        required=False,
        help_text=_("Vous recevrez un SMS : répondez-y pour confirmer. STOP pour tout arrêter."),
    )

    def __init__(self, *args: object, question: FieldQuestion, sms: bool, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.question = question
        if question.has_choices:
            self.fields["choice"].choices = list(enumerate(question.choices))
            self.fields["choice"].required = True
            del self.fields["rating"]
        elif question.kind == FieldQuestion.Kind.RATING:
            self.fields["rating"].required = True
            del self.fields["choice"]
        else:
            del self.fields["choice"], self.fields["rating"]
        if question.kind == FieldQuestion.Kind.FREE_TEXT:
            self.fields["remark"].required = True
            self.fields["remark"].label = _("Votre réponse")
        elif not question.takes_remark:
            del self.fields["remark"]
        if not sms:
            del self.fields["follow_phone"]

    def clean_follow_phone(self) -> str:
        raw = self.cleaned_data.get("follow_phone", "").strip()
        if not raw:
            return ""
        try:
            number = phone_normalise(raw)
        except PhoneInvalid:
            raise ValidationError(_("Ce numéro de téléphone n'est pas valable.")) from None
        if not phone_is_mobile(number):
            raise ValidationError(_("Indiquez un numéro de portable, qui reçoit les SMS."))
        return number

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("follow_email") and data.get("follow_phone"):
            raise ValidationError(_("Choisissez le courriel ou le SMS, pas les deux."))
        return data
