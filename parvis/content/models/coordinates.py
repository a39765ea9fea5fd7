"""A point on the map as two optional fields, the same wherever a model has one (a Lieu, a
city project, a street question): WGS 84 degrees to six decimals (about 10 cm)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def latitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
