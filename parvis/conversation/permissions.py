"""Which back-office role may do what in this app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from parvis.core.roles import AGENTS, EDITORS, MODERATORS, role_grant

ANSWER = "conversation.answer_conversation"
LEARN = "conversation.view_learning"


def roles_grant() -> None:
    """Agents answer conversations; editors and moderators read the learning dashboard."""
    role_grant(group_name=AGENTS, app_label="conversation", codenames=["answer_conversation"])
    for group in (EDITORS, MODERATORS):
        role_grant(group_name=group, app_label="conversation", codenames=["view_learning"])


def can_answer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(ANSWER)


def can_learn(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(LEARN)
