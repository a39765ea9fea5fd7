"""Which back-office role may do what in this app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from parvis.core.roles import MODERATORS, role_grant

MODERATE = "networks.moderate_group"


def roles_grant() -> None:
    """Moderators approve groups, mute feeds and hide events."""
    role_grant(group_name=MODERATORS, app_label="networks", codenames=["moderate_group"])


def can_moderate(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(MODERATE))
