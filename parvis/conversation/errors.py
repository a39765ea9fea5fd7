"""Domain errors of conversations; their messages are shown to the person who caused them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.core.errors import ParvisError

EMPTY_TEXT = _("Écrivez votre message avant de l'envoyer.")
TEXT_TOO_LONG = _("Votre message est trop long (2 000 caractères au plus).")
CLOSED = _("Cette conversation est close. Vous pouvez en commencer une nouvelle.")
NOT_FOUND = _("Conversation introuvable.")
BAD_EMAIL = _("Saisissez une adresse de courriel valide, par exemple nom@exemple.fr.")
BAD_PHONE = _("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78.")
NO_CONTACT = _("Indiquez un courriel ou un numéro de téléphone.")
LINK_REVOKED = _("Ce lien n'est plus valable.")
NO_FICHE_INDEX = _("Aucun index des fiches n'existe pour y ranger le brouillon.")


class ConversationError(ParvisError):
    """A request the conversation cannot accept (empty text, closed conversation…)."""

    def __init__(self, message: object, *, code: str = "invalid", field: str = "") -> None:
        super().__init__(str(message), code=code)
        self.field = field


class ConversationNotFound(ParvisError):
    """Unknown conversation or wrong token: 404 either way, so existence is never confirmed."""

    status_code = 404

    def __init__(self) -> None:
        super().__init__(str(NOT_FOUND), code="not_found")


class ConversationLinkRevoked(ParvisError):
    """A right link to a conversation whose link was revoked or whose transcript was erased."""

    status_code = 410

    def __init__(self) -> None:
        super().__init__(str(LINK_REVOKED), code="link_revoked")
