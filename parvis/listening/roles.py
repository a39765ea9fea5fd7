"""The "Porteurs de projet" role: project leads who ask questions, moderate their remarks and
publish what the city did. Created after each migrate (the permissions exist by then)."""

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
    from django.contrib.auth.models import Group, Permission

    if not Permission.objects.filter(
        content_type__app_label="listening", codename="change_fieldanswer"
    ).exists():
        return  # the permissions are created by the same post_migrate; next time
    for group in (PROJECT_LEADS, MODERATORS):
        role_grant(group_name=group, app_label="listening", codenames=_LEAD_PERMS)
        role_grant(group_name=group, app_label="wagtailadmin", codenames=["access_admin"])
    Group.objects.get_or_create(name=PROJECT_LEADS)


def can_lead(user: object) -> bool:
    """May use the back office of "Une minute pour…"."""
    has_perm = getattr(user, "has_perm", None)
    return bool(has_perm and has_perm("listening.change_fieldanswer"))
