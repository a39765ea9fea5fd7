"""The "Porteurs de projet" role: project leads who ask questions, moderate their remarks and
publish what the city did. Created after each migrate."""

from __future__ import annotations

from typing import Any

from parvis.core.roles import MODERATORS, role_grant

PROJECT_LEADS = "Porteurs de projet"
_LEAD_PERMS = [
    "add_fieldquestion",
    "change_fieldquestion",
    "delete_fieldquestion",
    "view_fieldquestion",
    "change_fieldanswer",
    "view_fieldanswer",
    "add_followup",
    "change_followup",
    "view_followup",
]


def listening_roles_ensure(**kwargs: Any) -> None:
    """Give project leads (and moderators) the permissions of "Une minute pour…"."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

    # Our handler may run before auth's: make sure this app's permissions exist first (a first
    # `parvis setup` must create the role, not the second one).
    sender = kwargs.get("sender")
    if sender is not None:
        create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
    for group in (PROJECT_LEADS, MODERATORS):
        role_grant(group_name=group, app_label="listening", codenames=_LEAD_PERMS)
        role_grant(group_name=group, app_label="wagtailadmin", codenames=["access_admin"])
    Group.objects.get_or_create(name=PROJECT_LEADS)


def can_lead(user: object) -> bool:
    """May use the back office of "Une minute pour…"."""
    has_perm = getattr(user, "has_perm", None)
    return bool(has_perm and has_perm("listening.change_fieldanswer"))
