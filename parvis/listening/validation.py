"""The rules a question must follow before it is saved (used by the model, forms and API)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from parvis.listening.models import FieldQuestion

MIN_CHOICES = 2
MAX_CHOICES = 6
CHOICE_MAX_LENGTH = 40


def choices_clean(raw: object) -> list[str]:
    """A list of stripped, non-empty, distinct choices from a list or one-per-line text."""
    if isinstance(raw, str):
        items = raw.splitlines()
    elif isinstance(raw, list | tuple):
        items = [str(item) for item in raw]
    else:
        items = []
    cleaned: list[str] = []
    for item in items:
        item = " ".join(item.split())
        if item and item.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(item)
    return cleaned


def question_validate(question: FieldQuestion) -> None:
    """Raise ValidationError (per field) if ``question`` breaks a rule."""
    errors: dict[str, list[str]] = {}
    question.code = (question.code or "").strip().upper()
    text = (question.text or "").strip()
    if len(text) > 160:
        errors.setdefault("text", []).append(
            _("La question tient en 160 caractères au plus (un SMS).")
        )
    if question.kind in (question.Kind.CHOICE, question.Kind.CHOICE_REMARK):
        choices = choices_clean(question.choices)
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            errors.setdefault("choices", []).append(
                _("Proposez entre 2 et 6 réponses différentes.")
            )
        elif any(len(c) > CHOICE_MAX_LENGTH for c in choices):
            errors.setdefault("choices", []).append(
                _("Chaque réponse tient en 40 caractères au plus.")
            )
        elif any(c.isdigit() for c in choices):
            errors.setdefault("choices", []).append(
                _("Une réponse ne peut pas être un simple nombre : on répond par son numéro.")
            )
        question.choices = choices
    if question.project_id is not None:
        from parvis.content.models import CityProjectPage

        if not CityProjectPage.objects.filter(pk=question.project_id).exists():
            errors.setdefault("project", []).append(
                _("Choisissez un projet de la ville (une page de la rubrique Projets).")
            )
    if question.opens_at and question.closes_at and question.closes_at <= question.opens_at:
        errors.setdefault("closes_at", []).append(_("La clôture doit venir après l'ouverture."))
    if errors:
        raise ValidationError(errors)
