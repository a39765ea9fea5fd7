"""Shared pieces of the JSON API's schemas (django-ninja)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator


class ObjectIn(Schema):
    """A request body that must be a JSON object.

    django-ninja's ``Schema`` reads attributes from any Python object (to serialise models),
    so without this a list or a number posted as the body would be taken for an object whose
    fields are all missing, and accepted when they all have defaults.
    """

    @model_validator(mode="before")
    @classmethod
    def _body_is_an_object(cls, data: Any) -> Any:
        # django-ninja wraps the input in a DjangoGetter before the validators of subclasses.
        value = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(value, dict):
            raise ValueError("un objet JSON est attendu")
        return data


class Error(Schema):
    """Every error of the API: ``{"error": "…"}`` (and sometimes a machine-readable ``code``)."""

    error: str
