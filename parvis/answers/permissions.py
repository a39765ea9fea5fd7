"""Which back-office role may do what in this app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from parvis.core.roles import EDITORS, MODERATORS, role_grant

# What residents searched for: the editors' and moderators' list of content to write.
SEE_SEARCHES = "answers.view_querylog"
# Approving the wordings learned from use ("Formulations apprises") is an editor's decision.
DECIDE_PHRASINGS = "answers.change_learnedphrasing"


def roles_grant() -> None:
    """Editors and moderators read the unanswered searches; agents have no use for them."""
    for group in (EDITORS, MODERATORS):
        role_grant(
            group_name=group,
            app_label="answers",
            codenames=["view_querylog", "view_learnedphrasing", "change_learnedphrasing"],
        )


def can_see_searches(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(SEE_SEARCHES)


def can_decide_phrasings(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(DECIDE_PHRASINGS)
