"""Choice widgets whose options are the city's data (quartier names, themes), written in French:
in another interface (``/en/``) each option is marked ``lang="fr"`` so that screen readers read
"Doulon-Bottière" in French inside an English form. The interface's own options (the empty
"I don't know") stay unmarked."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.core.interface import foreign_language


def _option_language(value: Any) -> str | None:
    if value is None or value == "":
        return None
    # A model choice carries its object (a page has its own locale); plain choices are French.
    return foreign_language(getattr(value, "instance", None))


class DataNamesSelect(forms.Select):
    """A ``<select>`` whose options are data names: ``<option lang="fr">`` in another interface."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if language := _option_language(option["value"]):
            option["attrs"]["lang"] = language
        return option


class DataNamesCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose labels are data names: ``<label lang="fr">`` in another interface."""

    option_template_name = "core/forms/widgets/data_name_option.html"

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["lang"] = _option_language(option["value"])
        return option
