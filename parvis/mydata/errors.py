from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.core.errors import ParvisError

LINK_INVALID = _(
    "Ce lien ou ce code n'est pas valable : il a déjà servi, ou il a expiré. "
    "Demandez-en un nouveau."
)


class AccessInvalid(ParvisError):
    """A link or code that was altered, already used, or has expired."""

    status_code = 410


class ExportGone(ParvisError):
    """An export link that is unknown or past its 7 days."""

    status_code = 410
