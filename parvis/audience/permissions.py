"""Which back-office role may read the audience dashboard."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from parvis.core.roles import EDITORS, MODERATORS, role_grant

SEE_AUDIENCE = "audience.view_pagedaycount"


def roles_grant() -> None:
    """Editors and moderators read the audience: it tells them what to write or fix next."""
    for group in (EDITORS, MODERATORS):
        role_grant(group_name=group, app_label="audience", codenames=["view_pagedaycount"])


def can_see_audience(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(SEE_AUDIENCE)
